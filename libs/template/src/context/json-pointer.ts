/** The segments of a JSON pointer (`/a/0/b~1c` -> `['a', 0, 'b/c']`); digit-only segments become indexes. */
export function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/** `pointer` extended by one key, escaped as RFC 6901 requires. */
export function appendPointer(pointer: string, key: string): string {
  return `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
