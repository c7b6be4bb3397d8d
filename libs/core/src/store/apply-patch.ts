/** Applies a patch to a row in place: a key present with `undefined` removes the field. */
export function applyPatch<T extends object>(row: T, patch: Partial<T>): T {
  for (const key of Object.keys(patch)) {
    const value = (patch as Record<string, unknown>)[key];
    if (value === undefined) delete (row as Record<string, unknown>)[key];
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}
