/** A path into a parsed document: keys of mappings and indexes of sequences. */
export type KeyPath = ReadonlyArray<string | number>;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `step_templates[2].retry_limit`: the way paths are shown in messages; odd keys are quoted (`schema["a.b"]`). */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
