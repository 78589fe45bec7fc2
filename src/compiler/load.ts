// Stage 1: YAML text -> documents with source positions (NNC1xxx).
// Reads nothing itself: the host lists and reads files (host.ts is the IO edge).
import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { extractFastSamples } from './fast-samples.js';
import { readProjectFile, type CompilerHost, type ReadRefusal } from './host.js';
import { countYamlItems, formatCount, YAML_FILE_MAX_BYTES, YAML_MAX_FILES, YAML_MAX_ITEMS_PER_FILE, YAML_MAX_ITEMS_PER_PROJECT } from './limits.js';
import { MESSAGES } from './diagnostic-messages.js';

export interface SourceFile {
  /** absolute path */
  readonly path: string;
  /** project-relative, forward slashes */
  readonly relPath: string;
  readonly text: string;
  readonly lines: LineCounter;
}

export interface LoadedDocument {
  readonly file: SourceFile;
  /** 0-based index of the document within its file */
  readonly index: number;
  readonly doc: Document.Parsed;
  /** plain JS value of the document (null when empty or unusable) */
  readonly value: unknown;
  /** 0-based line of each inline sample, when a big sample list was read by the fast path */
  readonly sampleLines?: readonly number[];
  /** values written over this document by overrides (--set, a sweep trial): locate() points at them (overrides.ts) */
  readonly overrides?: readonly OverrideSpan[];
}

/** Where an override wrote a path of a document: its own file ('<--set 2>', a Sweep file) and spans. */
export interface OverrideSpan {
  readonly path: readonly PathSegment[];
  readonly file: string;
  readonly key: Span;
  readonly value: Span;
}

export interface Span {
  readonly line: number;
  readonly column: number;
  readonly length: number;
  /** set when the span is in another file than the document's: an override's (overrides.ts) */
  readonly file?: string;
}

export type PathSegment = string | number;

export interface LoadResult {
  readonly files: readonly SourceFile[];
  readonly documents: readonly LoadedDocument[];
  readonly diagnostics: readonly Diagnostic[];
}

const YAML_CODES: Record<string, number> = {
  DUPLICATE_KEY: MESSAGES.duplicateKey.code,
  TAB_AS_INDENT: MESSAGES.indentation.code,
  BAD_INDENT: MESSAGES.indentation.code,
  MISSING_CHAR: MESSAGES.missingCharacter.code,
  MULTILINE_IMPLICIT_KEY: MESSAGES.implicitKey.code,
  BLOCK_AS_IMPLICIT_KEY: MESSAGES.implicitKey.code,
  UNEXPECTED_TOKEN: MESSAGES.unexpectedToken.code,
  BAD_ALIAS: MESSAGES.alias.code,
  RESOURCE_EXHAUSTION: MESSAGES.alias.code,
};

const YAML_ADVICE: Record<number, string> = {
  [MESSAGES.duplicateKey.code]: 'Remove or rename one of the two keys',
  [MESSAGES.indentation.code]: 'Indent with spaces, the same amount for every key of a mapping',
  [MESSAGES.missingCharacter.code]: 'Add the missing character, or check the indentation of this line',
  [MESSAGES.implicitKey.code]: 'Put the key on one line, followed by a colon and a space',
  [MESSAGES.unexpectedToken.code]: 'Check the characters around this position',
  [MESSAGES.alias.code]: 'Define the anchor (&name) before the alias (*name) that uses it',
};

/** Advice for a YAML error: by what the message says first, else by code. */
function adviceFor(code: number, message: string): string {
  if (/end with a \}/.test(message)) return "Close the '{' with a '}' on the same item, or indent the lines that continue it";
  if (/end with a \]/.test(message)) return "Close the '[' with a ']' on the same item, or indent the lines that continue it";
  if (/quote/i.test(message)) return 'Close the quote that was opened';
  if (/without - indicator/.test(message)) return 'Indent this line like the other keys of its item, or start a new item with "- "';
  return YAML_ADVICE[code] ?? 'Fix the YAML syntax here';
}

const textLines = new WeakMap<SourceFile, string[]>();

function lineText(file: SourceFile, line: number): string {
  let lines = textLines.get(file);
  if (!lines) textLines.set(file, (lines = file.text.split('\n')));
  return lines[line - 1] ?? '';
}

/** Offsets are into the text the parser saw, which has the same lines as file.text. */
export function spanAt(file: SourceFile, start: number, end: number): Span {
  const a = file.lines.linePos(Math.max(0, start));
  const b = file.lines.linePos(Math.max(start, end));
  const rest = lineText(file, a.line).length - (a.col - 1);
  const length = b.line === a.line ? b.col - a.col : rest;
  return { line: a.line, column: a.col, length: Math.max(1, Math.min(length, rest)) };
}

/**
 * A key indented deeper than the key on `line` (or than the item's first key
 * on a "- " line), within the lines YAML reads as that key's value: where a
 * "Nested mappings are not allowed in compact mappings" or "Implicit keys need
 * to be on a single line" error really comes from.
 */
function overIndentedKey(file: SourceFile, line: number): { line: number; column: number; length: number; message: string } | null {
  const text0 = lineText(file, line);
  const owner = /^(\s*(?:-\s+)*)([^\s#:'"][^:#]*?):(?:\s|$)/.exec(text0);
  // inside a flow collection ('{' or '[' left open) lines may be indented freely: not this mistake
  if (!owner || /[[{]/.test(text0.slice(owner[0].length))) return null;
  const keyColumn = owner[1].length;
  for (let n = line + 1; n <= Math.min(line + 100, file.lines.lineStarts.length); n++) {
    const text = lineText(file, n);
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const indent = text.length - text.trimStart().length;
    if (indent <= keyColumn) return null;
    const key = /^\s*([^\s#:'"\-][^:#]*?):(?:\s|$)/.exec(text);
    if (!key) continue;
    const by = indent - keyColumn;
    const spaces = (k: number) => `${k} space${k === 1 ? '' : 's'}`;
    return {
      line: n,
      column: indent + 1,
      length: key[1].length,
      message: `'${key[1]}' is indented ${spaces(by)} more than '${owner[2]}' (line ${line}), so YAML reads it as part of the value of '${owner[2]}'. Indent '${key[1]}' like '${owner[2]}', with ${spaces(keyColumn)}.`,
    };
  }
  return null;
}

/**
 * Line starts from the text itself: the parser's own line counter misses the
 * newlines inside a token it could not place (a plain scalar running over
 * lines after a syntax error), which put columns past the end of their line.
 */
function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/** A YAML file that was not read (1008 and up) or not parsed (1013): what it holds is unknown, not absent. */
export const UNREAD_FILE_CODES: readonly number[] = [MESSAGES.unreadableFile.code, MESSAGES.fileOutsideProject.code, MESSAGES.notRegularFile.code, MESSAGES.fileTooLarge.code, MESSAGES.tooManyItems.code];

const READ_CODES: Record<ReadRefusal, { code: number; advice: string }> = {
  missing: { code: MESSAGES.unreadableFile.code, advice: 'Check that the file exists and is readable' },
  folder: { code: MESSAGES.unreadableFile.code, advice: 'Check that the file exists and is readable' },
  unreadable: { code: MESSAGES.unreadableFile.code, advice: 'Check that the file exists and is readable' },
  outside: { code: MESSAGES.fileOutsideProject.code, advice: 'Copy the file into the project instead of linking to it' },
  'not-regular': { code: MESSAGES.notRegularFile.code, advice: 'Replace it with a regular file, or remove it from the project' },
  'too-large': { code: MESSAGES.fileTooLarge.code, advice: 'Split it into several files, or move big sample lists into a JSONL source' },
};

/** The parser's budget for one file: its own limit, or what is left of the project's. */
export interface ItemBudget {
  readonly items: number;
  readonly scope: 'file' | 'project';
}

const FILE_BUDGET: ItemBudget = { items: YAML_MAX_ITEMS_PER_FILE, scope: 'file' };

export function loadSource(relPath: string, path: string, text: string, budget: ItemBudget = FILE_BUDGET): { file: SourceFile; documents: LoadedDocument[]; diagnostics: Diagnostic[]; items: number } {
  const lines = lineCounterOf(text);
  const file: SourceFile = { path, relPath, text, lines };
  const diagnostics: Diagnostic[] = [];
  const documents: LoadedDocument[] = [];
  let parsed: Document.Parsed[];
  const fast = extractFastSamples(text);
  // the parser's time and memory grow with lines and flow items: count them before parsing
  const items = countYamlItems(fast ? fast.text : text);
  if (items > budget.items) {
    const limit = budget.scope === 'file' ? `more than the ${formatCount(budget.items)} nnc parses in one file` : `more than the ${formatCount(budget.items)} left of the ${formatCount(YAML_MAX_ITEMS_PER_PROJECT)} nnc parses in one project`;
    const advice = fast ? 'Split it into several files' : 'Split it into several files, write big sample lists one flow mapping per line (- {input: ..., label: ...}), or move them into a JSONL source';
    diagnostics.push(fileDiagnostic(file, MESSAGES.tooManyItems.code, `'${relPath}' has ${formatCount(items)} lines and flow items ('[', '{', ','), ${limit}, so it was not parsed. ${advice}.`));
    return { file, documents, diagnostics, items: 0 };
  }
  try {
    parsed = parseAllDocuments(fast ? fast.text : text, { prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (error) {
    // yaml throws only on internal errors; keep going with a diagnostic
    diagnostics.push(fileDiagnostic(file, MESSAGES.yamlSyntax.code, `The YAML parser failed: ${(error as Error).message}. Check the file for unusual characters.`));
    return { file, documents, diagnostics, items };
  }
  if (!Array.isArray(parsed)) parsed = [];
  parsed.forEach((doc, index) => {
    const said = new Set<number>();
    // a quote left open runs to the end of the file, so the collection it is in is unclosed there too: one fault, said once
    const openQuotes = new Set(doc.errors.filter(isOpenQuote).map((e) => e.pos[0]));
    for (const error of doc.errors) {
      if (!isOpenQuote(error) && openQuotes.has(error.pos[0])) continue;
      const code = YAML_CODES[error.code] ?? MESSAGES.yamlSyntax.code;
      const [start, end] = error.pos;
      // one indent too many makes YAML read a key as the value above running on; say so at the key's own line, once
      const indented = code === MESSAGES.implicitKey.code ? overIndentedKey(file, spanAt(file, start, end).line) : null;
      if (indented) {
        if (!said.has(indented.line)) diagnostics.push({ code: MESSAGES.indentation.code, severity: 'error', message: indented.message, file: path, line: indented.line, column: indented.column, length: indented.length });
        said.add(indented.line);
        continue;
      }
      const what = error.message.split('\n')[0].replace(/\s+at line \d+, column \d+.*$/, '').replace(/[.:]\s*$/, '');
      const advice = adviceFor(code, what);
      diagnostics.push({ code, severity: 'error', message: `${capitalize(what)}. ${advice}.`, file: path, ...spanAt(file, start, end) });
    }
    if (doc.errors.length > 0) return;
    let value: unknown = null;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      const message = (error as Error).message.replace(/\.$/, '');
      const alias = message.match(/: (\S+)$/)?.[1];
      const at = alias ? text.indexOf(`*${alias}`) : -1;
      const range = at >= 0 ? [at, at + alias!.length + 1] : doc.contents?.range ?? [0, 0];
      // a billion-laughs document (aliases of aliases) stops at maxAliasCount
      const advice = /excessive alias/i.test(message) ? 'Write the values out instead of nesting aliases (*name) of lists that hold aliases' : YAML_ADVICE[MESSAGES.alias.code];
      diagnostics.push({ code: MESSAGES.alias.code, severity: 'error', message: `${capitalize(message)}. ${advice}.`, file: path, ...spanAt(file, range[0], range[1]) });
      return;
    }
    if (value === null || value === undefined) return; // empty document, e.g. a trailing ---
    const record = value as Record<string, unknown>;
    if (fast && typeof value === 'object' && Array.isArray(record.samples) && record.samples.length === 0) {
      record.samples = fast.values;
      documents.push({ file, index, doc, value, sampleLines: fast.lines });
      return;
    }
    documents.push({ file, index, doc, value });
  });
  return { file, documents, diagnostics, items };
}

function isOpenQuote(error: { readonly code: string; readonly message: string }): boolean {
  return error.code === 'MISSING_CHAR' && /^Missing closing .?quote/.test(error.message);
}

/**
 * Parses kept by content between compiles of one project (`nnc watch`): a save
 * usually touches one file, and parsing is most of a small compile's time.
 */
export interface ParseCache {
  readonly entries: Map<string, { readonly hash: string; readonly parsed: ReturnType<typeof loadSource> }>;
  /** files served from the cache by the last load */
  reused: number;
}

export function createParseCache(): ParseCache {
  return { entries: new Map(), reused: 0 };
}

function cachedParse(cache: ParseCache, relPath: string, path: string, text: string, budget: ItemBudget): ReturnType<typeof loadSource> {
  const hash = createHash('sha1').update(path).update('\0').update(`${budget.scope}:${budget.items}`).update('\0').update(text).digest('hex');
  let entry = cache.entries.get(relPath);
  if (entry?.hash === hash) cache.reused++;
  else cache.entries.set(relPath, (entry = { hash, parsed: loadSource(relPath, path, text, budget) }));
  // later stages get their own copy of each plain value; the YAML nodes are only read
  return { ...entry.parsed, documents: entry.parsed.documents.map((d) => ({ ...d, value: structuredClone(d.value) })) };
}

export function load(projectDir: string, host: CompilerHost, cache?: ParseCache): LoadResult {
  const files: SourceFile[] = [];
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  if (cache) cache.reused = 0;
  const relPaths = host.listYamlFiles(projectDir);
  if (relPaths.length > YAML_MAX_FILES) {
    const message = `The project has ${formatCount(relPaths.length)} YAML files, more than the ${formatCount(YAML_MAX_FILES)} nnc reads, so none was read. Give nnc the project folder itself, or move files that are not part of the project out of it.`;
    return { files, documents, diagnostics: [{ code: MESSAGES.tooManyFiles.code, severity: 'error', message, file: projectDir, line: 1, column: 1, length: 1 }] };
  }
  let items = 0;
  for (const relPath of relPaths) {
    const path = host.resolve(projectDir, relPath);
    const read = readProjectFile(host, projectDir, path, YAML_FILE_MAX_BYTES);
    if (typeof read !== 'string') {
      const { code, advice } = READ_CODES[read.reason ?? 'unreadable'];
      diagnostics.push({ code, severity: 'error', message: `Cannot read '${relPath}': ${read.error}. ${advice}.`, file: path, line: 1, column: 1, length: 1 });
      continue;
    }
    const text = read.replace(/^\uFEFF/, '');
    seen.add(relPath);
    const left = YAML_MAX_ITEMS_PER_PROJECT - items;
    const budget: ItemBudget = left < YAML_MAX_ITEMS_PER_FILE ? { items: left, scope: 'project' } : FILE_BUDGET;
    const result = cache ? cachedParse(cache, relPath, path, text, budget) : loadSource(relPath, path, text, budget);
    items += result.items;
    files.push(result.file);
    documents.push(...result.documents);
    diagnostics.push(...result.diagnostics);
  }
  if (cache) for (const relPath of cache.entries.keys()) if (!seen.has(relPath)) cache.entries.delete(relPath);
  return { files, documents, diagnostics };
}

/** The YAML node at a path of keys and indexes; stops at the deepest node that exists. */
export function nodeAt(doc: Document.Parsed, path: readonly PathSegment[]): { node: Node | null; key: Node | null; depth: number } {
  let node: unknown = doc.contents;
  let key: Node | null = null;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) === String(segment) : false));
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      if (segment >= node.items.length) break;
      key = null;
      node = node.items[segment];
    } else break;
    depth++;
    if (node === null || node === undefined) {
      return { node: null, key, depth };
    }
  }
  return { node: (node as Node) ?? null, key, depth };
}

/**
 * Where to point for a path: part 'value' (default) points at the value,
 * 'key' at the key of the last segment (falls back to the value).
 */
export function locate(document: LoadedDocument, path: readonly PathSegment[], part: 'key' | 'value' = 'value'): Span {
  const overridden = document.overrides ? locateOverride(document, path, part) : null;
  if (overridden) return overridden;
  if (document.sampleLines && path[0] === 'samples' && typeof path[1] === 'number') return locateFastSample(document, path, part);
  const { node, key, depth } = nodeAt(document.doc, path);
  const target = part === 'key' && key && depth === path.length ? key : node ?? key;
  const range = target?.range;
  if (range) {
    // a block map or seq value spans many lines: point at its first line only
    return spanAt(document.file, range[0], range[1]);
  }
  const docRange = document.doc.contents?.range ?? [0, 0];
  return spanAt(document.file, docRange[0], docRange[0] + 1);
}

/** At or below an overridden path: the override's value (its path for the key); above it, where the YAML lacks the key, its path. */
function locateOverride(document: LoadedDocument, path: readonly PathSegment[], part: 'key' | 'value'): Span | null {
  const within = (outer: readonly PathSegment[], inner: readonly PathSegment[]) => outer.length <= inner.length && outer.every((s, i) => String(s) === String(inner[i]));
  for (const o of [...document.overrides!].reverse()) {
    if (within(o.path, path)) return { file: o.file, ...(part === 'key' && path.length === o.path.length ? o.key : o.value) };
    if (within(path, o.path) && !hasPath(document, path)) return { file: o.file, ...o.key };
  }
  return null;
}

/** A sample read by the fast path: one flow mapping per line. */
function locateFastSample(document: LoadedDocument, path: readonly PathSegment[], part: 'key' | 'value'): Span {
  const line = (document.sampleLines![path[1] as number] ?? document.sampleLines![0]) + 1;
  const text = lineText(document.file, line);
  const open = text.indexOf('{');
  const key = path[2];
  if (typeof key === 'string') {
    const found = new RegExp(`[{,]\\s*["']?${key.replace(/[^\w]/g, '\\$&')}["']?\\s*:\\s*`).exec(text);
    if (found) {
      const keyStart = found.index + found[0].search(/["'\w]/);
      if (part === 'key') return { line, column: keyStart + 1, length: key.length };
      const valueStart = found.index + found[0].length;
      const valueEnd = text.slice(valueStart).search(/,\s*["'\w]+\s*:|\}\s*$/);
      return { line, column: valueStart + 1, length: Math.max(1, valueEnd < 0 ? text.length - valueStart : valueEnd) };
    }
  }
  return { line, column: open + 1, length: Math.max(1, text.length - open) };
}

/** True when the path exists all the way down in the document. */
export function hasPath(document: LoadedDocument, path: readonly PathSegment[]): boolean {
  return nodeAt(document.doc, path).depth === path.length;
}

function fileDiagnostic(file: SourceFile, code: number, message: string): Diagnostic {
  return { code, severity: 'error', message, file: file.path, line: 1, column: 1, length: 1 };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
