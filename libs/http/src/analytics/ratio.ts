/** `part / whole`, or `null` when `whole` is 0 (no rate can be given). */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
