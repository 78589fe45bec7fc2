// The diagnostics of the last compile: replaced as a whole on every save.
import type Database from 'better-sqlite3';
import type { Diagnostic } from '../../compiler/diagnostics.js';

interface DiagnosticRow {
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
      const notes = d.notes ? JSON.stringify(d.notes) : null;
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
  return rows.map((r) => ({
    code: r.code,
    severity: r.severity,
    message: r.message,
    file: r.file,
    line: r.line,
    column: r.column,
    length: r.length,
    ...(r.notes !== null ? { notes: JSON.parse(r.notes) as string[] } : {}),
    ...(r.suggestion !== null ? { suggestion: r.suggestion } : {}),
  }));
}
