import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { TemplateIssue, TemplateIssueCode } from '../errors/template-load-error.js';
import { formatKeyPath, type KeyPath } from './key-path.js';

/** Whether an issue points at a key (an unknown key, say) or at its value (a bad value). */
export type Anchor = 'key' | 'value';

/**
 * One YAML file, parsed with positions, that turns key paths into issues carrying the line and column a person
 * should look at. A path that does not exist (a missing key) points at the closest enclosing node.
 */
export class YamlSource {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly #lines = new LineCounter();

  constructor(file: string, text: string) {
    this.file = file;
    // uniqueKeys: a repeated key would otherwise silently win over the first; merge: `<<: *defaults` as in Rails.
    this.document = parseDocument(text, {
      lineCounter: this.#lines,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
    });
  }

  /** The file's YAML syntax errors, each with its position. */
  syntaxIssues(): TemplateIssue[] {
    return this.document.errors.map((error) => {
      const { line, col } = this.#lines.linePos(error.pos[0]);
      return { file: this.file, line, column: col, path: '', message: error.message, code: 'YAML_SYNTAX' };
    });
  }

  /** The document as plain JavaScript values. */
  toJS(): unknown {
    return this.document.toJS();
  }

  /** An issue at `path`, pointing at the key itself or at its value. */
  issue(path: KeyPath, code: TemplateIssueCode, message: string, anchor: Anchor = 'value'): TemplateIssue {
    const { line, column } = this.position(path, anchor);
    return { file: this.file, line, column, path: formatKeyPath(path), message, code };
  }

  /** Line and column (1-based) of the node at `path`, or of its closest existing ancestor. */
  position(path: KeyPath, anchor: Anchor = 'value'): { line: number; column: number } {
    let node: unknown = this.document.contents;
    let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        const atKey = anchor === 'key' && index === path.length - 1;
        // A key without a value (`timeout:`) has no value node to point at; its key is the next best place.
        node = atKey ? pair.key : (pair.value ?? pair.key);
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        break;
      }
      if (!isNodeWithRange(node)) break;
      found = node;
    }
    const offset = found?.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}
