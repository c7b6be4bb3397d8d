import { createScanner } from 'jsonc-parser';

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot read: its values, as it documents them.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const STRING = 10;
const END = 17;

/**
 * The first key that appears twice in one object of `text`, which must be valid JSON. `JSON.parse` keeps the last
 * of them silently, while another parser may keep the first: a request whose meaning depends on the parser is
 * ambiguous, so it is refused. Read token by token, with no recursion, so any depth is fine.
 */
export function findDuplicateKey(text: string): string | undefined {
  const scanner = createScanner(text, true);
  // Per open object its keys so far; `undefined` for an open array.
  const open: Array<Set<string> | undefined> = [];
  let atKey = false;
  for (let token = scanner.scan(); token !== END; token = scanner.scan()) {
    if (token === OPEN_BRACE) {
      open.push(new Set());
      atKey = true;
    } else if (token === OPEN_BRACKET) {
      open.push(undefined);
      atKey = false;
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) {
      open.pop();
      atKey = false;
    } else if (token === COMMA) {
      atKey = open.at(-1) !== undefined;
    } else if (token === STRING && atKey) {
      const keys = open.at(-1)!;
      const key = scanner.getTokenValue();
      if (keys.has(key)) return key;
      keys.add(key);
      atKey = false;
    } else {
      atKey = false;
    }
  }
  return undefined;
}
