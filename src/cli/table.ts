// Terminal tables for the store commands (runs; logs uses the colours): colour
// only on a terminal that supports it, alignment measured on the raw text.
import pc from 'picocolors';

export function colours(): ReturnType<typeof pc.createColors> {
  return pc.createColors(process.stdout.isTTY === true && pc.isColorSupported);
}

/** Columns padded on the raw text, coloured afterwards, so escapes never break the alignment. */
export function renderTable(header: readonly string[], rows: readonly string[][], colour: (column: number, cell: string) => string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], paint: (i: number, padded: string) => string) =>
    cells.map((c, i) => paint(i, i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const c = colours();
  return [line(header, (_, h) => c.bold(h)), ...rows.map((r) => line(r, colour))].join('\n');
}
