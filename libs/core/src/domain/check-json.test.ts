import { describe, expect, it } from 'vitest';
import { InvalidJsonError } from '../errors/invalid-json-error.js';
import { checkJson, findJsonProblem, storableString } from './check-json.js';

const CAPS = { bytes: 1_000, depth: 8 };
const problemOf = (value: unknown) => findJsonProblem(value, 'value', CAPS);

describe('the JSON rule', () => {
  it('accepts plain JSON, objects without a prototype, shared references and left-out undefined members', () => {
    const shared = { a: 1 };
    const bare = Object.assign(Object.create(null) as object, { b: [true, null, -0, 'é😀'] });
    expect(problemOf({ one: shared, two: shared, bare, gone: undefined })).toBeUndefined();
  });

  it.each([
    [{ n: 10n }, 'value.n', 'BigInt is not JSON'],
    [{ f: () => 1 }, 'value.f', 'a function is not JSON'],
    [{ s: Symbol('s') }, 'value.s', 'a symbol is not JSON'],
    [[1, undefined], 'value[1]', 'undefined is not JSON'],
    // eslint-disable-next-line no-sparse-arrays -- a hole is what is tested
    [[1, , 3], 'value[1]', 'undefined is not JSON'],
    [{ x: NaN }, 'value.x', 'NaN is not JSON'],
    [{ x: [Infinity] }, 'value.x[0]', 'Infinity is not JSON'],
    [{ 'a b': { c: 'd\u0000' } }, 'value["a b"].c', 'contains a NUL character (\\u0000)'],
    [{ x: 'ok\udfffok' }, 'value.x', 'contains a lone surrogate (\\udfff)'],
    [{ x: { 'k\ud800': 1 } }, 'value.x', 'key "k\\ud800" contains a lone surrogate'],
    [{ when: new Date(0) }, 'value.when', 'a Date is not JSON (send date.toISOString()'],
    [{ m: new Map() }, 'value.m', 'a Map is not JSON'],
    [{ s: new Set() }, 'value.s', 'a Set is not JSON'],
    [{ u: new URL('https://example.com') }, 'value.u', 'a URL instance is not JSON'],
  ])('refuses %o at %s', (value, path, message) => {
    const problem = problemOf(value);
    expect(problem?.path).toBe(path);
    expect(problem?.message).toContain(message);
  });

  it('refuses a circular reference where it closes', () => {
    const loop: Record<string, unknown> = { a: { b: {} } };
    (loop['a'] as { b: Record<string, unknown> }).b['back'] = loop;
    expect(problemOf(loop)).toEqual({
      path: 'value.a.b.back',
      message: expect.stringContaining('circular') as unknown,
    });
  });

  it('caps size and depth, and walks a value 100,000 deep without recursion', () => {
    expect(problemOf({ text: 'x'.repeat(2_000) })).toEqual({
      path: 'value',
      message: 'is larger than 1000 bytes as JSON',
    });
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(problemOf(deep)?.message).toBe('nests deeper than 8 levels');
    expect(findJsonProblem(deep, 'value', { bytes: 1e9, depth: 1e6 })).toBeUndefined();
  });

  it('throws an InvalidJsonError naming the path', () => {
    expect(() => checkJson({ a: 'b\u0000' }, 'context', CAPS)).toThrow(InvalidJsonError);
    expect(() => checkJson({ a: 'b\u0000' }, 'context', CAPS)).toThrow('context.a: contains a NUL character');
  });

  it('makes any text storable by replacing NUL characters and lone surrogates', () => {
    expect(storableString('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
    expect(storableString('plain')).toBe('plain');
  });
});
