import fc from 'fast-check';

/** Every query parameter some route of the API reads: fuzzers send them with nasty values, and other keys besides. */
export const QUERY_KEYS = [
  'namespace',
  'name',
  'version',
  'task_name',
  'task_id',
  'type',
  'state',
  'limit',
  'cursor',
  'correlation_id',
  'annotation_type',
  'created_from',
  'created_to',
  'period',
];

/** `depth` arrays (or objects) nested in one another, as JSON text: built by hand, since JSON.stringify recurses. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Strings a store or a parser may choke on: NUL, lone surrogates, numbers too big, very long, and plain ones. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDC00y',
    '\uD83D\uDE00',
    '1e400',
    '-1',
    '1.5',
    '0',
    '99999999999999999999999999',
    'NaN',
    '',
    ' ',
    '../..',
    '%00',
    '__proto__',
    'x'.repeat(10_000),
  ),
);

/** A URL path segment or query value for `text`, raw bytes for lone surrogates (which encodeURIComponent refuses). */
export function encodeSegment(text: string): string {
  return [...text]
    .map((character) => (/\p{Surrogate}/u.test(character) ? '%ED%A0%80' : encodeURIComponent(character)))
    .join('');
}

/** JSON values holding nasty strings as values and keys, huge and tiny numbers, nested a few levels. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;
