import { InvalidJsonError } from '../errors/invalid-json-error.js';

/**
 * How large and how deep the JSON handed to the engine may be. Every store keeps the same JSON, so the caps are the
 * engine's, not a store's.
 */
export interface JsonLimits {
  /** Largest task context, in bytes of its UTF-8 JSON text. 256 KiB by default. */
  contextBytes: number;
  /** Largest step result, manual resolution or annotation, in bytes of its UTF-8 JSON text. 1 MiB by default. */
  resultBytes: number;
  /** Most levels of objects and arrays nested in one value. 64 by default. */
  depth: number;
}

/** The caps applied when the engine's options set none. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { contextBytes: 256 * 1024, resultBytes: 1024 * 1024, depth: 64 };

/** The caps one check applies: the size cap that fits the value's role, and the depth cap. */
export interface JsonCaps {
  bytes: number;
  depth: number;
}

/** Why a value is not JSON every store keeps: where (`context.customer.name`) and what is wrong. */
export interface JsonProblem {
  path: string;
  message: string;
}

/** One value still to check, with what leads to it so that its path is built only for a problem. */
interface Visit {
  value: unknown;
  parent: Visit | undefined;
  key: string | number;
  depth: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// With the `u` flag a well-formed surrogate pair is one code point, so only a lone surrogate matches.
const BAD_CHARACTER = /\0|\p{Surrogate}/u;
const BAD_CHARACTERS = new RegExp(BAD_CHARACTER.source, 'gu');

function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) {
    const { key } = at;
    parts.push(typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  }
  let root: Visit = visit;
  while (root.parent) root = root.parent;
  const path = `${root.key}${parts.reverse().join('')}`;
  return path.startsWith('.') ? path.slice(1) : path;
}

/** What is wrong with a string for a store: PostgreSQL refuses NUL, and no store can encode a lone surrogate. */
export function stringProblem(text: string): string | undefined {
  const found = BAD_CHARACTER.exec(text);
  if (!found) return undefined;
  if (found[0] === '\0') return 'contains a NUL character (\\u0000)';
  const unit = found[0].charCodeAt(0).toString(16);
  return `contains a lone surrogate (\\u${unit}), which is not valid Unicode`;
}

/** Why an object that is not a plain object or array is refused, with what to send instead. */
function instanceProblem(value: object): string {
  if (value instanceof Date) return 'a Date is not JSON (send date.toISOString() or date.getTime())';
  if (value instanceof Map) return 'a Map is not JSON (send Object.fromEntries(map) or [...map])';
  if (value instanceof Set) return 'a Set is not JSON (send [...set])';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const kind = typeof name === 'string' && name !== '' ? `a ${name} instance` : 'an object with a prototype';
  return `${kind} is not JSON (only plain objects, arrays, strings, finite numbers, booleans and null are)`;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The first reason `value` is not JSON that every store keeps alike, found without recursion; see {@link checkJson}. */
export function findJsonProblem(value: unknown, root: string, caps: JsonCaps): JsonProblem | undefined {
  const stack: Array<Visit | { leave: object }> = [{ value, parent: undefined, key: root, depth: 0 }];
  const ancestors = new Set<object>();
  const problem = (visit: Visit, message: string): JsonProblem => ({ path: pathOf(visit), message });
  let bytes = 0;
  while (stack.length > 0) {
    const next = stack.pop()!;
    if ('leave' in next) {
      ancestors.delete(next.leave);
      continue;
    }
    const item = next.value;
    switch (typeof item) {
      case 'string': {
        const wrong = stringProblem(item);
        if (wrong) return problem(next, wrong);
        bytes += Buffer.byteLength(item) + 2;
        break;
      }
      case 'number':
        if (!Number.isFinite(item)) return problem(next, `${item} is not JSON (only finite numbers are)`);
        bytes += 8;
        break;
      case 'boolean':
        bytes += 5;
        break;
      case 'bigint':
        return problem(next, 'BigInt is not JSON (send it as a string or a number)');
      case 'undefined':
        return problem(next, 'undefined is not JSON (use null)');
      case 'function':
        return problem(next, 'a function is not JSON');
      case 'symbol':
        return problem(next, 'a symbol is not JSON');
      case 'object': {
        if (item === null) {
          bytes += 4;
          break;
        }
        if (ancestors.has(item)) return problem(next, 'contains itself (a circular reference) and is not JSON');
        if (next.depth >= caps.depth) return problem(next, `nests deeper than ${caps.depth} levels`);
        const isArray = Array.isArray(item);
        if (isArray ? Object.getPrototypeOf(item) !== Array.prototype : !isPlainObject(item)) {
          return problem(next, instanceProblem(item));
        }
        ancestors.add(item);
        stack.push({ leave: item });
        const depth = next.depth + 1;
        if (isArray) {
          bytes += 2 + item.length;
          for (let index = item.length - 1; index >= 0; index--) {
            stack.push({ value: item[index], parent: next, key: index, depth });
          }
        } else {
          bytes += 2;
          const keys = Object.keys(item);
          for (let index = keys.length - 1; index >= 0; index--) {
            const key = keys[index]!;
            const wrong = stringProblem(key);
            if (wrong) return problem(next, `key ${JSON.stringify(key)} ${wrong}`);
            const member: unknown = (item as Record<string, unknown>)[key];
            // JSON.stringify leaves out an undefined member, and so does every store.
            if (member === undefined) continue;
            bytes += Buffer.byteLength(key) + 4;
            stack.push({ value: member, parent: next, key, depth });
          }
        }
        break;
      }
    }
    if (bytes > caps.bytes) return { path: root, message: `is larger than ${caps.bytes} bytes as JSON` };
  }
  return undefined;
}

/**
 * The one JSON rule at the engine's boundary, the same for every store: a value is accepted when it is made of
 * plain objects (or objects without a prototype), arrays, strings, finite numbers, booleans and `null`, and
 * nothing else. Refused, with the path of the first offence: `BigInt`, functions, symbols, `undefined` in an array
 * (or a hole), `NaN` and `Infinity`, circular references, NUL characters and lone surrogates in strings and in keys,
 * and class instances. **Dates, Maps and Sets are refused, never converted**, so a value reads back exactly as it
 * was given; the message says what to send instead (`date.toISOString()`, `Object.fromEntries(map)`). A member
 * whose value is `undefined` is left out, as `JSON.stringify` does. The value may be at most `caps.bytes` bytes as
 * UTF-8 JSON text (escapes not counted) and nest at most `caps.depth` levels; the check walks the value with its
 * own stack, so even a value nested 10,000 deep is refused without overflowing the call stack.
 *
 * `root` names the value in the paths of problems: `checkJson(context, 'context', caps)` reports
 * `context.customer.name: contains a NUL character (\u0000)`.
 *
 * @throws InvalidRequestError naming the path and the problem.
 */
export function checkJson(value: unknown, root: string, caps: JsonCaps): void {
  const problem = findJsonProblem(value, root, caps);
  if (problem) throw new InvalidJsonError(problem);
}

/** Refuses a string field that no store could keep (a NUL character, a lone surrogate), naming `field`. */
export function checkString(field: string, value: string): void {
  const problem = stringProblem(value);
  if (problem) throw new InvalidJsonError({ path: field, message: problem });
}

/**
 * `text` with every NUL character and lone surrogate replaced by U+FFFD: for text the engine writes whatever it is
 * (an error's message), which must reach the store rather than be refused.
 */
export function storableString(text: string): string {
  return BAD_CHARACTER.test(text) ? text.replace(BAD_CHARACTERS, '\uFFFD') : text;
}
