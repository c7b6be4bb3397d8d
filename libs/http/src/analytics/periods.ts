/** The windows analytics look back over, by the name queries use. */
export const PERIODS = {
  '1h': 3_600_000,
  '4h': 14_400_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
} as const;

/** A window's name: `1h`, `4h`, `24h` or `7d`. */
export type PeriodName = keyof typeof PERIODS;

/** The names of {@link PERIODS}, for schemas. */
export const PERIOD_NAMES = Object.keys(PERIODS) as [PeriodName, ...PeriodName[]];
