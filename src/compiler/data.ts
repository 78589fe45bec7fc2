// Stage: external dataset sources (NNC4xxx). A `source` is resolved relative
// to its YAML file, must stay inside the project folder (checked before it is
// read, symlinks included), and is parsed as JSONL, JSON (an array) or CSV.
// Records stream to a visitor as they are parsed: a big file never becomes an
// array of a million objects. When the file turns out to be malformed after
// some records were visited, the result is an error and the caller drops what
// it took from them.
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { diagnosticAt, relatedAt, type Diagnostic } from './diagnostics.js';
import { readProjectFile, type CompilerHost } from './host.js';
import { DATA_FILE_MAX_BYTES } from './limits.js';
import type { LoadedDocument } from './load.js';
import type { RawRecord } from './raw.js';
import { csvCell } from './csv-cell.js';
import { MESSAGES } from './diagnostic-messages.js';

export const DATA_CODES = {
  missingFile: MESSAGES.sourceMissing.code,
  malformedRecord: MESSAGES.malformedRecord.code,
  outsideProject: MESSAGES.sourceOutsideProject.code,
  recordDoesNotFit: MESSAGES.recordDoesNotFit.code,
  badCsv: MESSAGES.badCsv.code,
  emptySource: MESSAGES.emptySource.code,
  notRegularFile: MESSAGES.sourceNotRegular.code,
  tooLarge: MESSAGES.sourceTooLarge.code,
} as const;

export interface SourceRecords {
  /** project-relative path */
  readonly relPath: string;
  /** absolute path: diagnostics about a record point into the file */
  readonly path: string;
  /** records visited */
  readonly count: number;
  /** 1-based line of the i-th record in the source file, 0 when unknown (a .json array); computed on demand: only diagnostics need it */
  readonly lineOf: (index: number) => number;
}

/** Called with each record in file order; index is 0-based. */
export type RecordVisitor = (record: RawRecord, index: number) => void;

/**
 * A diagnostic at a line of a dataset's source file (a record's, the CSV
 * header's), with a related location at the `source:` key that reads it; at
 * the `source:` key itself when the line is not known.
 */
export function sourceLineDiagnostic(document: LoadedDocument, source: string, path: string, line: number, code: number, message: string): Diagnostic {
  const name = (document.value as { name?: unknown } | null)?.name;
  const related = [relatedAt(document, ['source'], `the 'source' of dataset${typeof name === 'string' ? ` '${name}'` : ''}, which reads '${source}'`)];
  if (line <= 0) return diagnosticAt(document, ['source'], code, message);
  return { code, severity: 'error', message, file: path, line, column: 1, length: 1, related };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

export function readSource(
  document: LoadedDocument,
  source: string,
  projectDir: string,
  host: CompilerHost,
  visit: RecordVisitor,
): { data: SourceRecords | null; diagnostics: Diagnostic[] } {
  const at = (code: number, message: string, severity: 'error' | 'warning' = 'error') => ({
    data: null,
    diagnostics: [diagnosticAt(document, ['source'], code, message, { severity })],
  });
  const root = resolve(projectDir);
  const path = resolve(dirname(document.file.path), source);
  if (!inside(root, path)) {
    return at(DATA_CODES.outsideProject, `The source '${source}' is outside the project folder, so it was not read. Move the file into the project and point 'source' at it with a path relative to this file.`);
  }
  const real = host.realpath(path);
  const realRoot = host.realpath(root) ?? root;
  if (real && !inside(realRoot, real)) {
    return at(DATA_CODES.outsideProject, `The source '${source}' links to a file outside the project folder, so it was not read. Copy the file into the project instead of linking to it.`);
  }
  // the schema admits a source ending in .jsonl, .json or .csv only (NNC2008)
  const ext = source.endsWith('.csv') ? 'csv' : source.endsWith('.json') ? 'json' : 'jsonl';
  const text = readProjectFile(host, root, path, DATA_FILE_MAX_BYTES);
  if (typeof text !== 'string') {
    const [code, advice] = text.reason === 'outside' ? [DATA_CODES.outsideProject, 'Copy the file into the project instead of linking to it.'] : text.reason === 'not-regular' ? [DATA_CODES.notRegularFile, 'Point \'source\' at a regular file.'] : text.reason === 'too-large' ? [DATA_CODES.tooLarge, 'Split it into several datasets, each with its own source.'] : [DATA_CODES.missingFile, 'Check the path; it is relative to this file.'];
    return at(code, `Cannot read the source '${source}': ${text.error}. ${advice}`);
  }
  const relPath = relative(root, path).split(sep).join('/');
  const parsed = ext === 'csv' ? parseCsvRecords(text, visit) : ext === 'json' ? parseJsonArray(text, visit) : parseJsonLines(text, visit);
  if ('error' in parsed) {
    const message = `${parsed.error.replace(/^The file/, `'${source}'`).replace(/^(Record \d+|The CSV)/, (m) => `${m} of '${source}'`)}. ${parsed.advice}`;
    return { data: null, diagnostics: [sourceLineDiagnostic(document, source, path, parsed.line ?? 0, parsed.code, message)] };
  }
  if (parsed.count === 0) {
    return { data: { relPath, path, ...parsed }, diagnostics: [diagnosticAt(document, ['source'], DATA_CODES.emptySource, `The source '${source}' holds no records. Add records or remove 'source'.`, { severity: 'warning' })] };
  }
  return { data: { relPath, path, ...parsed }, diagnostics: [] };
}

type Parsed = { count: number; lineOf: (index: number) => number } | { error: string; advice: string; code: number; line?: number };

function parseJsonLines(text: string, visit: RecordVisitor): Parsed {
  let lines = new Int32Array(1024);
  let count = 0;
  let line = 0;
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const reason = (error as Error).message.replace(/^JSON\.parse: |^Unexpected/, (m) => (m === 'Unexpected' ? 'unexpected' : '')).replace(/\.$/, '');
      return { error: `Record ${count + 1} is not valid JSON (${reason})`, advice: 'Write one JSON object per line.', code: DATA_CODES.malformedRecord, line };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { error: `Record ${count + 1} is not a JSON object`, advice: 'Write one JSON object per line, with the fields of the dataset type.', code: DATA_CODES.malformedRecord, line };
    }
    if (count === lines.length) {
      const grown = new Int32Array(lines.length * 2);
      grown.set(lines);
      lines = grown;
    }
    lines[count] = line;
    visit(value as RawRecord, count++);
  }
  const at = lines.subarray(0, count);
  return { count, lineOf: (i) => at[i] ?? 0 };
}

function parseJsonArray(text: string, visit: RecordVisitor): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `The file is not valid JSON: ${(error as Error).message}`, advice: 'Write an array of objects, or use JSONL.', code: DATA_CODES.malformedRecord };
  }
  if (!Array.isArray(value)) return { error: 'The file is not a JSON array', advice: 'Write an array of objects, or use JSONL.', code: DATA_CODES.malformedRecord };
  const bad = value.findIndex((v) => v === null || typeof v !== 'object' || Array.isArray(v));
  if (bad >= 0) return { error: `Record ${bad + 1} is not a JSON object`, advice: 'Write an array of objects with the fields of the dataset type.', code: DATA_CODES.malformedRecord };
  (value as RawRecord[]).forEach(visit);
  // records of a JSON array have no line of their own: their diagnostics point at 'source:'
  return { count: value.length, lineOf: () => 0 };
}

/** CSV with a header row. Cells that look like JSON arrays or numbers become those. */
// loaded on first use: most projects have no CSV, and `nnc check` should start fast
let csvParse: typeof import('csv-parse/sync').parse | undefined;

function parseCsvRecords(text: string, visit: RecordVisitor): Parsed {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync')).parse;
  const parseCsv = csvParse;
  let rows: Record<string, string>[];
  // cells are trimmed in csvCell: csv-parse's own trim, like its per-record info, costs several times the parse
  const options = { columns: true, skip_empty_lines: true, bom: true } as const;
  try {
    rows = parseCsv(text, options);
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { error: `The CSV cannot be parsed: ${e.message.replace(/^Invalid Record Length: /, '').replace(/\.$/, '')}`, advice: 'Give every row as many cells as the header, and quote cells that hold commas.', code: DATA_CODES.badCsv, line: e.lines ?? 0 };
  }
  rows.forEach((row, i) => {
    const out: RawRecord = {};
    for (const [key, cell] of Object.entries(row)) out[key] = csvCell(key, cell);
    visit(out, i);
  });
  let lines: number[] | null = null;
  const lineOf = (i: number) => {
    lines ??= (parseCsv(text, { ...options, info: true }) as unknown as Array<{ info: { lines: number } }>).map((r) => r.info.lines);
    return lines[i] ?? 0;
  };
  return { count: rows.length, lineOf };
}
