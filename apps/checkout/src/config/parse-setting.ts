import { SettingError } from './setting-error.js';
/** A range of milliseconds a simulated call takes. */
export interface LatencyRange {
  min: number;
  max: number;
}

/** `value` as a whole number of zero or more. @throws SettingError naming `name` when it is not one. */
export function parseWholeNumber(name: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < 0) {
    throw new SettingError(`${name} must be a whole number of zero or more, not '${value}'`);
  }
  return parsed;
}

/** `value` as a whole number of one or more. @throws SettingError naming `name` when it is not one. */
export function parsePositiveWholeNumber(name: string, value: string): number {
  const parsed = parseWholeNumber(name, value);
  if (parsed === 0) throw new SettingError(`${name} must be at least 1`);
  return parsed;
}

/** `value` as a share between 0 and 1. @throws SettingError naming `name` when it is not one. */
export function parseRate(name: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new SettingError(`${name} must be a number from 0 to 1, not '${value}'`);
  }
  return parsed;
}

/** `value` as `min-max` milliseconds (or one number for both). @throws SettingError naming `name` when malformed. */
export function parseLatency(name: string, value: string): LatencyRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  const min = Number(match?.[1]);
  const max = Number(match?.[2] ?? match?.[1]);
  if (!match || max < min)
    throw new SettingError(`${name} must be 'min-max' milliseconds with min <= max, not '${value}'`);
  return { min, max };
}
