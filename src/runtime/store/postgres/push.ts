// `nnc store push`: a project folder's SQLite runs, with their metrics, logs,
// snapshots, evaluations, sweeps, diagnostics and checkpoints, copied into a
// shared PostgreSQL store. Run ids are globally unique (r + time + random), so
// a run already in the store is skipped: pushing twice adds nothing. Each run
// is copied in one transaction (all of it or none), its checkpoint files
// uploaded first (only hashes the store lacks).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { storePath } from '../paths.js';
import { readSnapshots } from '../snapshots.js';
import { checkSchema } from '../migrations.js';
import { StoreError } from '../store-error.js';
import type { RunRow } from '../run-rows.js';
import { readDiagnostics } from '../stored-diagnostics.js';
import type { SharedRunStore } from './pg-store.js';
import { writePostgresSnapshot } from './pg-rows.js';

export interface PushResult {
  readonly pushed: string[];
  /** already in the store */
  readonly skipped: string[];
  /** still running here: pushed once they end */
  readonly running: string[];
  readonly sweeps: number;
  readonly blobs: number;
}

/** A runs row with the columns `nnc store push` copies beside the record's. */
interface LocalRun extends RunRow {
  plan: string | null;
  sweep_id: string | null;
  sweep_trial: number | null;
}

export function pushProject(projectDir: string, target: SharedRunStore, onRun?: (id: string, outcome: 'pushed' | 'skipped' | 'running') => void): PushResult {
  const file = storePath(projectDir);
  if (!existsSync(file)) throw new StoreError(`There is no run store in '${projectDir}' to push (no ${join('.nnc', 'nnc.db')}). Train there first, or name the project folder.`, file, 'io');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const schema = checkSchema(db, file);
    if (!schema.ok) throw new StoreError(schema.message, file, 'schema');
    const client = target.client;
    const result = { pushed: [] as string[], skipped: [] as string[], running: [] as string[], sweeps: 0 };
    let blobs = 0;

    // sweeps first: pushed runs point at them
    const sweeps = db.prepare<[], Record<string, unknown>>('SELECT * FROM sweeps ORDER BY created_at').all();
    for (const s of sweeps) {
      const trials = db.prepare<[unknown], Record<string, unknown>>('SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY trial').all(s.id);
      const added = client.transaction(() => {
        const inserted = client.query(
          `INSERT INTO nnc.sweeps (id, project_id, name, status, created_at, ended_at, method, metric, mode, parallel, spec, info)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
          [s.id, target.projectId, s.name, s.status, s.created_at, s.ended_at, s.method, s.metric, s.mode, s.parallel, s.spec, s.info],
        ).rowCount;
        if (inserted === 0) return 0;
        for (const t of trials) {
          client.query(
            'INSERT INTO nnc.sweep_trials (sweep_id, trial, params, status, plan_hash, run_id, value, epochs, stopped_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
            [t.sweep_id, t.trial, t.params, t.status, t.plan_hash, t.run_id, t.value, t.epochs, t.stopped_at],
          );
        }
        return 1;
      });
      result.sweeps += added;
    }

    const runs = db.prepare<[], LocalRun>('SELECT * FROM runs ORDER BY started_at, id').all();
    for (const run of runs) {
      if (run.status === 'running') {
        result.running.push(run.id);
        onRun?.(run.id, 'running');
        continue;
      }
      if (target.hasRun(run.id)) {
        result.skipped.push(run.id);
        onRun?.(run.id, 'skipped');
        continue;
      }
      // blobs before the run's rows: a run in the store always finds its checkpoint
      const dir = join(projectDir, '.nnc', 'runs', run.id);
      if (existsSync(dir)) blobs += target.uploadCheckpoint(run.id, dir);
      client.transaction(() => {
        client.query(
          `INSERT INTO nnc.runs (id, project_id, project, plan_hash, model_hash, git_commit, git_dirty, backend, status, parent_id,
             started_at, ended_at, best, info, plan, pid, host, sweep_id, sweep_trial)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
          [
            run.id, target.projectId, run.project, run.plan_hash, run.model_hash, run.git_commit, run.git_dirty, run.backend, run.status, run.parent_id,
            run.started_at, run.ended_at, run.best, run.info, run.plan, run.pid, run.host, run.sweep_id, run.sweep_trial,
          ],
        );
        const metrics = db.prepare<[string], { step: number; epoch: number; name: string; value: number | null }>('SELECT step, epoch, name, value FROM metrics WHERE run_id = ? ORDER BY rowid').all(run.id);
        if (metrics.length > 0) {
          client.query(
            `INSERT INTO nnc.metrics (run_id, step, epoch, name, value) SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::float8[])`,
            [run.id, metrics.map((m) => m.step), metrics.map((m) => m.epoch), metrics.map((m) => m.name), metrics.map((m) => m.value)],
          );
        }
        const logs = db.prepare<[string], { time: number; level: string; category: string; message: string; spam: number; count: number }>(
          'SELECT time, level, category, message, spam, count FROM logs WHERE run_id = ? ORDER BY id',
        ).all(run.id);
        if (logs.length > 0) {
          client.query(
            `INSERT INTO nnc.logs (project_id, run_id, time, level, category, message, spam, count)
             SELECT $1, $2, u.time, u.level, u.category, u.message, u.spam, u.count
             FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[]) WITH ORDINALITY AS u(time, level, category, message, spam, count, n)
             ORDER BY u.n`,
            [target.projectId, run.id, logs.map((l) => l.time), logs.map((l) => l.level), logs.map((l) => l.category), logs.map((l) => l.message), logs.map((l) => l.spam), logs.map((l) => l.count)],
          );
        }
        for (const snapshot of readSnapshots(db, run.id, false)) writePostgresSnapshot(client, run.id, snapshot);
        const evaluations = db.prepare<[string], Record<string, unknown>>('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(run.id);
        for (const e of evaluations) {
          client.query(
            'INSERT INTO nnc.evaluations (run_id, created_at, split, data, checkpoint, plan_hash, count, metrics, heads) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
            [e.run_id, e.created_at, e.split, e.data, e.checkpoint, e.plan_hash, e.count, e.metrics, e.heads],
          );
        }
      });
      result.pushed.push(run.id);
      onRun?.(run.id, 'pushed');
    }
    // the project's last compile diagnostics replace the store's
    const diagnostics = readDiagnostics(db);
    if (diagnostics.length > 0) target.saveDiagnostics(diagnostics);
    return { ...result, blobs };
  } finally {
    db.close();
  }
}
