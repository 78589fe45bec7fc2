// Stage between load and validate: overrides (`nnc train --set
// layers.encoder.units=64`, a sweep trial's values) written over the loaded
// documents, so the schemas and the checks after them judge the result as
// they judge the files. A path names a document by kind and name:
//   project.<key>…  (training.…, input.…, monitor.… for short)
//   layers.<layer>.<key>…  heads.<head>.<key>…  datasets.<dataset>.<key>…  tokens.<key>…
// A diagnostic about an overridden value points at the override (its own
// file: '<--set 2>' or the Sweep file), not at the YAML it replaced: each
// document keeps where its overrides are written (LoadedDocument.overrides,
// read by locate()).
import { parseDocument } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import type { LoadedDocument, OverrideSpan, PathSegment, Span } from './load.js';
import { suggest } from './suggest.js';
import { MESSAGES } from './diagnostic-messages.js';

export interface Override {
  /** dotted path as written: 'layers.encoder.units' */
  readonly path: string;
  readonly value: unknown;
  /** where the path and the value are written */
  readonly file: string;
  readonly pathSpan: Span;
  readonly valueSpan: Span;
}

/** How an override is shown and stored: `layers.encoder.units=64` (values as YAML flow). */
export function overrideText(override: Pick<Override, 'path' | 'value'>): string {
  return `${override.path}=${flowText(override.value)}`;
}

export function flowText(value: unknown): string {
  if (typeof value === 'string') return /^[\w.+-]+$/.test(value) && parseDocument(value).toJS() === value ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${flowText(v)}`).join(', ')}}`;
  return String(value);
}

/** The pseudo-file of the n-th (1-based) --set argument, as diagnostics name it. */
export function setArgumentFile(n: number): string {
  return `<--set ${n}>`;
}

/**
 * One `--set path=value` argument: the value is YAML (a scalar or flow:
 * `=64`, `=3e-3`, `=true`, `=[a, b]`, `={monitor: loss}`). A diagnostic points
 * into the argument itself: file '<--set n>', line 1, the column of the fault.
 */
export function parseSetArgument(arg: string, n: number): { override: Override | null; diagnostics: Diagnostic[] } {
  const file = setArgumentFile(n);
  const at = (column: number, length: number, code: number, message: string): { override: null; diagnostics: Diagnostic[] } => ({
    override: null,
    diagnostics: [{ code, severity: 'error', message, file, line: 1, column, length: Math.max(1, length) }],
  });
  const eq = arg.indexOf('=');
  if (eq < 0) return at(1, arg.length, MESSAGES.setSyntax.code, `'--set ${arg}' has no '='. Write '--set <path>=<value>', as in '--set layers.encoder.units=64'.`);
  const path = arg.slice(0, eq).trim();
  if (path === '') return at(1, 1, MESSAGES.setSyntax.code, `'--set ${arg}' has no path before '='. Write '--set <path>=<value>', as in '--set training.learningRate=0.003'.`);
  const text = arg.slice(eq + 1);
  const valueColumn = eq + 2;
  if (text.trim() === '') return at(valueColumn, 1, MESSAGES.setSyntax.code, `'--set ${arg}' has no value after '='. Give one (write '=""' for empty text, '=null' to leave the key out).`);
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const [start, end] = error.pos;
    const what = error.message.split('\n')[0].replace(/\s+at line \d+, column \d+.*$/, '').replace(/[.:]\s*$/, '');
    return at(valueColumn + start, end - start, MESSAGES.yamlSyntax.code, `The value of '--set ${path}' is not valid YAML: ${what}. Quote text that holds ':', '#', '[' or '{', as in '--set ${path}="a: b"'.`);
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  return {
    override: { path, value, file, pathSpan: { line: 1, column: 1, length: path.length }, valueSpan: { line: 1, column: valueColumn, length: text.length } },
    diagnostics: [],
  };
}

/** What a path's first segment names, for messages and did-you-mean. */
const ROOTS = ['project', 'training', 'input', 'monitor', 'layers', 'heads', 'datasets', 'tokens'] as const;
/** Shorthands for the Project document's own keys. */
const PROJECT_KEYS = new Set(['training', 'input', 'monitor']);

interface Target {
  readonly document: LoadedDocument;
  readonly path: PathSegment[];
}

/**
 * Writes every override over a copy of the document it names; documents no
 * override names are returned as they are. A path that names nothing is a
 * diagnostic at the override's path, with a did-you-mean.
 */
export function applyOverrides(documents: readonly LoadedDocument[], overrides: readonly Override[]): { documents: LoadedDocument[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const copies = new Map<LoadedDocument, { value: unknown; spans: OverrideSpan[] }>();
  for (const override of overrides) {
    const target = resolvePath(documents, override);
    if ('code' in target) {
      diagnostics.push(target);
      continue;
    }
    let copy = copies.get(target.document);
    if (!copy) copies.set(target.document, (copy = { value: structuredClone(target.document.value), spans: [] }));
    const written = writePath(copy.value, target.path, override);
    if (written) {
      diagnostics.push(written);
      continue;
    }
    const last = override.path.split('.').at(-1) ?? '';
    const keySpan: Span = { line: override.pathSpan.line, column: override.pathSpan.column + override.path.length - last.length, length: Math.max(1, last.length) };
    copy.spans.push({ path: target.path, file: override.file, key: keySpan, value: override.valueSpan });
  }
  return {
    documents: documents.map((d) => {
      const copy = copies.get(d);
      return copy ? { ...d, value: copy.value, overrides: [...(d.overrides ?? []), ...copy.spans] } : d;
    }),
    diagnostics,
  };
}

/** The document and the path inside it an override names, or a diagnostic. */
export function resolvePath(documents: readonly LoadedDocument[], override: Pick<Override, 'path' | 'file' | 'pathSpan'>): Target | Diagnostic {
  const segments = override.path.split('.');
  const start = override.pathSpan.column;
  // the column of segment i within the written path
  const columnOf = (i: number) => start + segments.slice(0, i).reduce((n, s) => n + s.length + 1, 0);
  const fail = (i: number, message: string): Diagnostic => ({
    code: MESSAGES.setPath.code,
    severity: 'error',
    message,
    file: override.file,
    line: override.pathSpan.line,
    column: columnOf(i),
    length: Math.max(1, segments[i]?.length ?? 1),
  });
  const empty = segments.findIndex((s) => s === '');
  if (empty >= 0) return fail(empty, `The path '${override.path}' has an empty part. Separate the keys with single dots, as in 'layers.encoder.units'.`);
  const [root, name] = segments;
  const byKind = (kind: string) => documents.filter((d) => (d.value as { kind?: unknown } | null)?.kind === kind);
  const firstDoc = (kind: string, i: number): LoadedDocument | Diagnostic => byKind(kind)[0] ?? fail(i, `The path '${override.path}' names the ${kind} document, but the project has none.`);
  if (root === 'project' || PROJECT_KEYS.has(root)) {
    const document = firstDoc('Project', 0);
    if ('code' in document) return document;
    const rest = root === 'project' ? segments.slice(1) : segments;
    if (rest.length === 0) return fail(0, `'project' names the whole Project document. Name a key in it, as in 'project.training.learningRate' (or 'training.learningRate' for short).`);
    return { document, path: rest };
  }
  if (root === 'tokens') {
    const document = firstDoc('Tokens', 0);
    if ('code' in document) return document;
    if (segments.length === 1) return fail(0, `'tokens' names the whole Tokens document. Name a key in it, as in 'tokens.categories.general' or 'tokens.fromDatasets.minCount'.`);
    return { document, path: segments.slice(1) };
  }
  if (root === 'layers' || root === 'heads') {
    const kind = root === 'layers' ? 'Layers' : 'Heads';
    const what = root === 'layers' ? 'layer' : 'head';
    if (name === undefined) return fail(0, `'${root}' needs the name of a ${what} next, as in '${root}.<name>.<key>'.`);
    const names: string[] = [];
    for (const document of byKind(kind)) {
      const list = (document.value as Record<string, unknown>)[root];
      if (!Array.isArray(list)) continue;
      for (const [index, item] of list.entries()) {
        const itemName = (item as { name?: unknown } | null)?.name;
        if (typeof itemName === 'string') names.push(itemName);
        if (itemName === name) return { document, path: [root, index, ...segments.slice(2)] };
      }
    }
    return fail(1, `There is no ${what} '${name}'.${didYouMean(name, names, `The ${what}s are`)}`);
  }
  if (root === 'datasets') {
    if (name === undefined) return fail(0, `'datasets' needs the name of a dataset next, as in 'datasets.<name>.<key>'.`);
    const datasets = byKind('Dataset');
    const document = datasets.find((d) => (d.value as { name?: unknown }).name === name);
    if (!document) return fail(1, `There is no dataset '${name}'.${didYouMean(name, datasets.map((d) => String((d.value as { name?: unknown }).name)), 'The datasets are')}`);
    if (segments.length === 2) return fail(1, `'datasets.${name}' names a whole dataset. Name a key in it, as in 'datasets.${name}.source'.`);
    return { document, path: segments.slice(2) };
  }
  return fail(0, `A path starts with the kind of document it changes: ${ROOTS.map((r) => `'${r}'`).join(', ')}, not '${root}'.${didYouMean(root, ROOTS, '')}`);
}

function didYouMean(word: string, names: readonly string[], listed: string): string {
  const close = suggest(word, names);
  if (close) return ` Did you mean '${close}'?`;
  return listed && names.length ? ` ${listed} ${names.slice(0, 20).map((n) => `'${n}'`).join(', ')}.` : '';
}

/** Sets the value at `path` inside `root`, adding mappings on the way; a diagnostic when a step goes through a value that is not a mapping or a list. */
function writePath(root: unknown, path: readonly PathSegment[], override: Override): Diagnostic | null {
  let node = root as Record<string | number, unknown>;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    const key = Array.isArray(node) && /^\d+$/.test(String(segment)) ? Number(segment) : segment;
    if (last) {
      if (override.value === null) {
        if (Array.isArray(node)) node.splice(Number(key), 1);
        else delete node[key];
      } else node[key] = override.value;
      return null;
    }
    let next = node[key];
    if (next === undefined || next === null) node[key] = next = {};
    if (typeof next !== 'object') {
      const written = override.path.split('.');
      // the path segments after the document's own (layers.<name> is two segments, ['layers', index] in the document)
      const shown = written.slice(0, written.length - (path.length - 1 - i)).join('.');
      return {
        code: MESSAGES.setPath.code,
        severity: 'error',
        message: `'${shown}' is ${describe(next)}, so '${override.path}' names nothing inside it. Set '${shown}' itself.`,
        file: override.file,
        line: override.pathSpan.line,
        column: override.pathSpan.column,
        length: override.path.length,
      };
    }
    node = next as Record<string | number, unknown>;
  }
  return null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}
