// Records from a JSONL or CSV file given on the command line (`nnc predict
// --input`, `nnc evaluate --data`): one object per line, or a CSV with a
// header row whose cells are read as the compiler reads a dataset's CSV
// source (a [..] cell as JSON, a numeric label or target as a number).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from './command.js';
import { csvCell } from '../compiler/csv-cell.js';

export interface FileRecords {
  readonly records: readonly Readonly<Record<string, unknown>>[];
  /** 1-based line of each record in the file (the CSV header is line 1) */
  readonly lines: readonly number[];
}

export function readRecords(file: string, option: string, unreadableExit = 1): FileRecords {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`Cannot read '${file}' (${option}). Give the path of a JSONL or CSV file.`, unreadableExit);
  }
  return /\.csv$/i.test(file) ? csvRecords(text, file) : jsonLines(text, file);
}

function jsonLines(text: string, file: string): FileRecords {
  const records: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new UserError(`Line ${i + 1} of '${file}' is not JSON. Write one JSON object per line, or give a .csv file with a header row.`, 1);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new UserError(`Line ${i + 1} of '${file}' is not a JSON object.`, 1);
    records.push(record as Record<string, unknown>);
    lines.push(i + 1);
  });
  return { records, lines };
}

function csvRecords(text: string, file: string): FileRecords {
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, bom: true, info: true }) as never;
  } catch (error) {
    throw new UserError(`'${file}' cannot be parsed as CSV: ${(error as Error).message.replace(/\.$/, '')}. Give it a header row, and quote cells that hold commas.`, 1);
  }
  return {
    records: rows.map(({ record }) => Object.fromEntries(Object.entries(record).map(([key, cell]) => [key, csvCell(key, cell)]))),
    lines: rows.map(({ info }) => info.lines),
  };
}
