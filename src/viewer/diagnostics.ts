// Which layer or head a diagnostic concerns: the entry written at or above
// its line in the same file, up to the next entry of that file.
import type { DiagnosticView } from '../shared/protocol.js';

export interface Located {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

/** `file:line:col` of a diagnostic or of one of its related locations */
export function diagnosticLocation(d: Pick<DiagnosticView, 'file' | 'line' | 'column'>): string {
  return `${d.file}:${d.line}:${d.column}`;
}

/**
 * Groups diagnostics by the name of the entry they fall in. Diagnostics that
 * fall in no entry are returned under the empty name.
 */
export function attachDiagnostics(entries: readonly Located[], diagnostics: readonly DiagnosticView[]): Map<string, DiagnosticView[]> {
  const byFile = new Map<string, Located[]>();
  for (const e of entries) {
    if (!e.file || !(e.line > 0)) continue;
    const list = byFile.get(e.file) ?? [];
    list.push(e);
    byFile.set(e.file, list);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line);
  const out = new Map<string, DiagnosticView[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file) ?? [];
    let owner = '';
    for (const e of list) {
      if (e.line <= d.line) owner = e.name;
      else break;
    }
    const bucket = out.get(owner) ?? [];
    bucket.push(d);
    out.set(owner, bucket);
  }
  return out;
}
