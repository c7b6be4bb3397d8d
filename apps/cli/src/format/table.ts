/** A cell: its text, and how to colour it once padded (colour codes must not count in the width). */
export interface Cell {
  text: string;
  paint?: (padded: string) => string;
}

/** Rows under a header, each column as wide as its widest cell, two spaces apart. */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<Cell | string>>): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]?.text.length ?? 0)),
  );
  const line = (row: Cell[]) =>
    row
      .map((cell, column) => {
        const padded = column === row.length - 1 ? cell.text : cell.text.padEnd(widths[column]!);
        return cell.paint ? cell.paint(padded) : padded;
      })
      .join('  ');
  return [line(header.map((text) => ({ text }))), ...cells.map(line)].join('\n') + '\n';
}
