// The diagnostics of the last compile: replaced as a whole on every save.
import type Database from 'better-sqlite3';
import type { Diagnostic, RelatedLocation } from '../../compiler/diagnostics.js';

/**
 * A diagnostic's notes and its related locations share the `notes` column
 * (a table replaced on every compile needs no migration for them): a JSON
 * array of notes, as always, when it has no related location, else
 * {"notes": [...], "related": [{file, line, column, message}, ...]}.
 */
export function notesColumn(d: Pick<Diagnostic, 'notes' | 'related'>): string | null {
  if (d.related?.length) return JSON.stringify({ ...(d.notes ? { notes: d.notes } : {}), related: d.related.map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message })) });
  return d.notes ? JSON.stringify(d.notes) : null;
}

/** The notes and related locations notesColumn() wrote (or an older store's notes array). */
export function fromNotesColumn(text: string | null): Pick<Diagnostic, 'notes' | 'related'> {
  if (text === null) return {};
  const value = JSON.parse(text) as string[] | { notes?: string[]; related?: RelatedLocation[] };
  if (Array.isArray(value)) return { notes: value };
  return { ...(value.notes ? { notes: value.notes } : {}), ...(value.related?.length ? { related: value.related } : {}) };
}

/** A diagnostics row as SQLite and PostgreSQL return it. */
export interface DiagnosticRow {
  code: number;
  severity: Diagnostic['severity'];
  message: string;
  file: string;
  line: number;
  column: number;
  length: number;
  notes: string | null;
  suggestion: string | null;
}

export function writeDiagnostics(db: Database.Database, diagnostics: readonly Diagnostic[]): void {
  const insert = db.prepare(
    `INSERT INTO diagnostics (saved_at, code, severity, message, file, line, "column", length, notes, suggestion)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare('DELETE FROM diagnostics').run();
    const now = Date.now();
    for (const d of diagnostics) {
      const notes = notesColumn(d);
      insert.run(now, d.code, d.severity, d.message, d.file, d.line, d.column, d.length, notes, d.suggestion ?? null);
    }
  }).immediate();
}

export function readDiagnostics(db: Database.Database): Diagnostic[] {
  const rows = db
    .prepare<[], DiagnosticRow>(
      'SELECT code, severity, message, file, line, "column", length, notes, suggestion FROM diagnostics ORDER BY id',
    )
    .all();
  return rows.map(toDiagnostic);
}

export function toDiagnostic(r: DiagnosticRow): Diagnostic {
  return {
    code: r.code,
    severity: r.severity,
    message: r.message,
    file: r.file,
    line: r.line,
    column: r.column,
    length: r.length,
    ...fromNotesColumn(r.notes),
    ...(r.suggestion !== null ? { suggestion: r.suggestion } : {}),
  };
}
