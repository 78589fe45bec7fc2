// One Diagnostic type for every stage; formatting is a separate pure function
// (esbuild's formatMessages), so stages never print.

export type Severity = 'error' | 'warning' | 'info';

/** Another place a diagnostic concerns (the first of two duplicates, the `source:` key a data file was read for). */
export interface RelatedLocation {
  /** absolute path, or a pseudo-file such as '<--set 2>' */
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** what is there, as a sentence fragment: "the first 'Project' document" */
  readonly message: string;
}

export interface Diagnostic {
  /** NNC1xxx YAML syntax, 2xxx schema, 3xxx semantics and shapes, 4xxx data */
  readonly code: number;
  readonly severity: Severity;
  /** a sentence: names in 'quotes', ends with a full stop, says what to do */
  readonly message: string;
  /** absolute path of the file the diagnostic points into */
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** characters to underline in a code frame (>= 1) */
  readonly length: number;
  readonly notes?: readonly string[];
  readonly suggestion?: string;
  /** other places this diagnostic concerns, rendered under it by every formatter */
  readonly related?: readonly RelatedLocation[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.code - b.code,
  );
}

import { locate, type LoadedDocument, type PathSegment } from './load.js';

/** A diagnostic at a key or value of a document. */
export function diagnosticAt(
  document: LoadedDocument,
  path: readonly PathSegment[],
  code: number,
  message: string,
  options: { severity?: Severity; part?: 'key' | 'value'; notes?: string[]; suggestion?: string; related?: readonly RelatedLocation[] } = {},
): Diagnostic {
  const span = locate(document, path, options.part ?? 'value');
  return {
    code,
    severity: options.severity ?? 'error',
    message,
    file: document.file.path,
    ...span,
    ...(options.notes ? { notes: options.notes } : {}),
    ...(options.suggestion ? { suggestion: options.suggestion } : {}),
    ...(options.related?.length ? { related: options.related } : {}),
  };
}

/** A related location at a key or value of a document. */
export function relatedAt(document: LoadedDocument, path: readonly PathSegment[], message: string, part: 'key' | 'value' = 'value'): RelatedLocation {
  const span = locate(document, path, part);
  return { file: span.file ?? document.file.path, line: span.line, column: span.column, message };
}
