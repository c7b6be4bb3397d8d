/** Template text with its common indentation removed, so tests can indent YAML along with the code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => /^ */.exec(line)![0].length),
  );
  return text
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}
