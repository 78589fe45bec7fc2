// One CSV cell as a record value, the same for a Dataset's files (data.ts) and
// the files predict and evaluate read (cli/read-records.ts).

/** JSON arrays parsed; a label or target that reads as a number becomes one; anything else stays text. */
export function csvCell(key: string, raw: string): unknown {
  const cell = raw.trim();
  if (cell.startsWith('[') && cell.endsWith(']')) {
    try {
      return JSON.parse(cell);
    } catch {
      return cell;
    }
  }
  // labels and targets may be numbers; text inputs stay text
  if ((key === 'label' || key === 'target') && cell !== '' && !Number.isNaN(Number(cell))) return Number(cell);
  return cell;
}
