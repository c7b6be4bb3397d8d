import type { JsonObject, JsonValue } from '../domain/json.js';

/**
 * A parsed value path: the one small expression syntax templates use to point into a task's data (a map step's
 * `over`, a concurrency or rate-limit `key`). JSONPath-like, without filters or wildcards, so that every path names
 * exactly one value and can be checked when the template is registered:
 *
 * - `$.context.merchant_id` reads the task's context;
 * - `$.results.validate_cart.items` reads the result of step `validate_cart` (a dependency of the step using it);
 * - `.name` reads an object member, `[2]` an array element, `['odd name']` a member whose name is not an identifier.
 */
export interface ValuePath {
  /** The path as written, for errors and views. */
  readonly text: string;
  /** What the path reads: the task's context, or one step's result. */
  readonly root: 'context' | 'results';
  /** The step whose result a `results` path reads. */
  readonly step?: string;
  /** Members (strings) and indexes (numbers) read in turn below the root. */
  readonly segments: readonly (string | number)[];
}

/** What a value path reads from: the task's context and the results of the steps it may name. */
export interface ValuePathSources {
  context: JsonObject;
  results?: Readonly<Record<string, JsonValue | undefined>>;
}

/** Thrown by {@link parseValuePath} for a path that does not follow the syntax; the message says where. */
export class ValuePathSyntaxError extends Error {
  override readonly name = 'ValuePathSyntaxError';
}

const SEGMENT = /^(?:\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\])/;

/**
 * Parses `text` into a {@link ValuePath}.
 * @throws ValuePathSyntaxError naming the offending position when the text is not a path of this syntax.
 */
export function parseValuePath(text: string): ValuePath {
  if (!text.startsWith('$')) {
    throw new ValuePathSyntaxError(`'${text}' must start with '$.context' or '$.results.<step>'`);
  }
  const segments: (string | number)[] = [];
  let rest = text.slice(1);
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (!match) {
      throw new ValuePathSyntaxError(
        `'${text}' cannot be read at position ${text.length - rest.length}: expected '.name', '[index]' or '['name']'`,
      );
    }
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3]!.replace(/\\(.)/g, '$1')));
    rest = rest.slice(match[0].length);
  }
  const [root, ...below] = segments;
  if (root === 'context') return { text, root, segments: below };
  if (root === 'results') {
    const [step, ...inResult] = below;
    if (typeof step !== 'string') {
      throw new ValuePathSyntaxError(`'${text}' must name a step after '$.results' ('$.results.<step>')`);
    }
    return { text, root, step, segments: inResult };
  }
  throw new ValuePathSyntaxError(`'${text}' must start with '$.context' or '$.results.<step>'`);
}

/** Why `text` is not a value path, or `undefined` when it is one; for validators that collect problems. */
export function valuePathProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'must be a value path such as $.context.items';
  try {
    parseValuePath(text);
    return undefined;
  } catch (error) {
    return (error as ValuePathSyntaxError).message;
  }
}

/** The value `path` points to in `sources`, or `undefined` when any member or element on the way is missing. */
export function readValuePath(path: ValuePath, sources: ValuePathSources): JsonValue | undefined {
  let value: JsonValue | undefined = path.root === 'context' ? sources.context : sources.results?.[path.step!];
  for (const segment of path.segments) {
    if (typeof segment === 'number') {
      value = Array.isArray(value) ? value[segment] : undefined;
    } else {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as JsonObject)[segment]
          : undefined;
    }
  }
  return value;
}
