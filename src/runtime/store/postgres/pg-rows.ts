// The PostgreSQL store's reads and writes of logs, snapshots, evaluations and
// diagnostics: the SQLite store's queries (log-query.ts, snapshots.ts,
// evaluations.ts, stored-diagnostics.ts) in PostgreSQL's dialect, per project.
import type { Diagnostic } from '../../../compiler/diagnostics.js';
import { toEvaluationRecord, type EvaluationRecord, type EvaluationRow, type NewEvaluation } from '../evaluations.js';
import { toStoredLog, type LogRow } from '../log-query.js';
import type { LogFilter, LogLevel, Snapshot, StoredLog } from '../types.js';
import type { MetricRow, PendingLog, WriteSink } from '../write-buffer.js';
import type { SyncClient } from './sync-client.js';
import { real, snapshotsFromRows, type SnapshotRow } from '../snapshots.js';
import { notesColumn, toDiagnostic, type DiagnosticRow } from '../stored-diagnostics.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** The write buffer's target: metrics and new log lines in one round trip each, in one transaction. */
export function postgresWriteSink(client: SyncClient, projectId: () => number): WriteSink {
  return {
    lastLog(runId, spam) {
      return client.query<{ id: number; level: string; category: string; message: string; spam: number }>(
        `SELECT id, level, category, message, spam FROM nnc.logs
         WHERE project_id = $1 AND run_id IS NOT DISTINCT FROM $2 AND spam = $3 ORDER BY id DESC LIMIT 1`,
        [projectId(), runId, spam ? 1 : 0],
      ).rows[0];
    },
    write(metrics: readonly MetricRow[], logs: readonly PendingLog[], bumps: ReadonlyMap<number, number>) {
      return client.transaction(() => {
        if (metrics.length > 0) {
          client.query(
            `INSERT INTO nnc.metrics (run_id, step, epoch, name, value)
             SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::float8[])`,
            [metrics.map((m) => m[0]), metrics.map((m) => m[1]), metrics.map((m) => m[2]), metrics.map((m) => m[3]), metrics.map((m) => m[4])],
          );
        }
        const ids = new Map<PendingLog, number>();
        if (logs.length > 0) {
          // ids first, so each pending line learns its row (a later repeat bumps that row's count)
          const allocated = client
            .query<{ id: number }>("SELECT nextval('nnc.logs_id_seq')::bigint AS id FROM generate_series(1, $1)", [logs.length])
            .rows.map((r) => r.id)
            .sort((a, b) => a - b);
          logs.forEach((p, i) => ids.set(p, allocated[i]!));
          client.query(
            `INSERT INTO nnc.logs (id, project_id, run_id, time, level, category, message, spam, count)
             SELECT u.id, $1, u.run_id, u.time, u.level, u.category, u.message, u.spam, u.count
             FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[])
               AS u(id, run_id, time, level, category, message, spam, count)`,
            [
              projectId(), allocated, logs.map((p) => p.runId), logs.map((p) => p.entry.time), logs.map((p) => p.entry.level),
              logs.map((p) => p.entry.category), logs.map((p) => p.entry.message), logs.map((p) => (p.entry.spam ? 1 : 0)), logs.map((p) => p.count),
            ],
          );
        }
        if (bumps.size > 0) {
          client.query(
            'UPDATE nnc.logs SET count = nnc.logs.count + u.n FROM unnest($1::bigint[], $2::int[]) AS u(id, n) WHERE nnc.logs.id = u.id',
            [[...bumps.keys()], [...bumps.values()]],
          );
        }
        return ids;
      });
    },
  };
}

/** The newest `limit` lines (default 1000) of the project matching the filter, oldest first. */
export function queryPostgresLogs(client: SyncClient, projectId: number, filter: LogFilter): StoredLog[] {
  const params: unknown[] = [projectId];
  const at = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['project_id = $1'];
  if (filter.runId !== undefined) where.push(`run_id = ${at(filter.runId)}`);
  if (filter.level !== undefined) where.push(`level = ANY(${at(LEVELS.slice(Math.max(0, LEVELS.indexOf(filter.level))))}::text[])`);
  if (filter.q) {
    // a literal substring, case-insensitive like SQLite's LIKE
    const pattern = at(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(message ILIKE ${pattern} ESCAPE '\\' OR category ILIKE ${pattern} ESCAPE '\\')`);
  }
  if (filter.category !== undefined) where.push(`category = ${at(filter.category)}`);
  if (filter.spam !== true) where.push('spam = 0');
  if (filter.afterId !== undefined) where.push(`id > ${at(filter.afterId)}`);
  const limit = at(filter.limit ?? 1000);
  const rows = client.query<LogRow>(
    `SELECT * FROM (
       SELECT id, run_id, time, level, category, message, spam, count FROM nnc.logs
       WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}
     ) newest ORDER BY id`,
    params,
  ).rows;
  return rows.map(toStoredLog);
}

export function writePostgresSnapshot(client: SyncClient, runId: string, snapshot: Snapshot): void {
  const t = snapshot.tensors;
  client.query(
    `WITH s AS (INSERT INTO nnc.snapshots (run_id, step, epoch, time) VALUES ($1, $2, $3, $4) RETURNING id)
     INSERT INTO nnc.snapshot_tensors (snapshot_id, name, layer, shape, mean, std, min, max, histogram, grad_norm)
     SELECT s.id, u.name, u.layer, u.shape, u.mean, u.std, u.min, u.max, u.histogram, u.grad_norm
     FROM s, unnest($5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::text[])
       WITH ORDINALITY AS u(name, layer, shape, mean, std, min, max, histogram, grad_norm, n)
     ORDER BY u.n`,
    [
      runId, snapshot.step, snapshot.epoch, snapshot.time,
      t.map((x) => x.name), t.map((x) => x.layer), t.map((x) => JSON.stringify(x.shape)),
      t.map((x) => real(x.mean)), t.map((x) => real(x.std)), t.map((x) => real(x.min)), t.map((x) => real(x.max)),
      t.map((x) => JSON.stringify(x.histogram)), t.map((x) => (x.gradNorm === null ? null : String(x.gradNorm))),
    ],
  );
}

export function readPostgresSnapshots(client: SyncClient, runId: string, latestOnly: boolean): Snapshot[] {
  const which = latestOnly
    ? '(SELECT id FROM nnc.snapshots WHERE run_id = $1 ORDER BY step DESC, id DESC LIMIT 1)'
    : '(SELECT id FROM nnc.snapshots WHERE run_id = $1)';
  const rows = client.query<SnapshotRow>(
    `SELECT s.id AS snapshot_id, s.step, s.epoch, s.time, t.name, t.layer, t.shape, t.mean, t.std, t.min, t.max, t.histogram, t.grad_norm
     FROM nnc.snapshots s LEFT JOIN nnc.snapshot_tensors t ON t.snapshot_id = s.id
     WHERE s.id IN ${which}
     ORDER BY s.step, s.id, t.id`,
    [runId],
  ).rows;
  return snapshotsFromRows(rows);
}

export function writePostgresEvaluation(client: SyncClient, evaluation: NewEvaluation): EvaluationRecord {
  const createdAt = Date.now();
  const e = evaluation;
  const id = client.query<{ id: number }>(
    'INSERT INTO nnc.evaluations (run_id, created_at, split, data, checkpoint, plan_hash, count, metrics, heads) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id',
    [e.runId, createdAt, e.split, e.data, e.checkpoint, e.planHash, e.count, JSON.stringify(e.metrics), JSON.stringify(e.heads)],
  ).rows[0]!.id;
  return { ...evaluation, id: Number(id), createdAt };
}

/** A run's evaluations, oldest first; every run's of the project when runId is absent. */
export function readPostgresEvaluations(client: SyncClient, projectId: number, runId?: string): EvaluationRecord[] {
  const rows =
    runId === undefined
      ? client.query<EvaluationRow>('SELECT e.* FROM nnc.evaluations e JOIN nnc.runs r ON r.id = e.run_id WHERE r.project_id = $1 ORDER BY e.id', [projectId]).rows
      : client.query<EvaluationRow>('SELECT * FROM nnc.evaluations WHERE run_id = $1 ORDER BY id', [runId]).rows;
  return rows.map(toEvaluationRecord);
}

export function writePostgresDiagnostics(client: SyncClient, projectId: number, diagnostics: readonly Diagnostic[]): void {
  const d = diagnostics;
  const now = Date.now();
  client.batch([
    { sql: 'DELETE FROM nnc.diagnostics WHERE project_id = $1', params: [projectId] },
    {
      sql: `INSERT INTO nnc.diagnostics (project_id, saved_at, code, severity, message, file, line, "column", length, notes, suggestion)
            SELECT $1, $2, u.code, u.severity, u.message, u.file, u.line, u.col, u.length, u.notes, u.suggestion
            FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[], $10::text[], $11::text[]) WITH ORDINALITY
              AS u(code, severity, message, file, line, col, length, notes, suggestion, n)
            ORDER BY u.n`,
      params: [
        projectId, now, d.map((x) => x.code), d.map((x) => x.severity), d.map((x) => x.message), d.map((x) => x.file), d.map((x) => x.line),
        d.map((x) => x.column), d.map((x) => x.length), d.map(notesColumn), d.map((x) => x.suggestion ?? null),
      ],
    },
  ]);
}

export function readPostgresDiagnostics(client: SyncClient, projectId: number): Diagnostic[] {
  const rows = client.query<DiagnosticRow>(
    'SELECT code, severity, message, file, line, "column", length, notes, suggestion FROM nnc.diagnostics WHERE project_id = $1 ORDER BY id',
    [projectId],
  ).rows;
  return rows.map(toDiagnostic);
}
