// The run store: one SQLite database per project at <project>/.nnc/nnc.db (WAL,
// so the viewer reads while training writes), checkpoints beside it in
// .nnc/runs/<id>/. Metrics and logs are buffered (write-buffer.ts); runs,
// snapshots and diagnostics are written at once.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { claimRun, markInterruptedRuns } from './interrupted.js';
import { queryLogs } from './log-query.js';
import { checkSchema, migrate } from './migrations.js';
import { storePath } from './paths.js';
import { RUN_COLUMNS, newRunId, toRunRecord, type RunRow } from './run-rows.js';
import { readSnapshots, writeSnapshot } from './snapshots.js';
import { readDiagnostics, writeDiagnostics } from './stored-diagnostics.js';
import type { NewRun, RunRecord, RunStore } from './types.js';
import { createWriteBuffer } from './write-buffer.js';

export { storePath } from './paths.js';
export { newRunId } from './run-rows.js';

export interface RunStoreOptions {
  /** open an existing store for reading only (the viewer); writes throw */
  readonly readonly?: boolean;
  /** a buffered write that failed on the timer (the rows stay pending); default: printed once to stderr */
  readonly onError?: (error: Error) => void;
}

function openDatabase(file: string, readonly: boolean): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const schema = readonly ? checkSchema(db, file) : migrate(db, file);
    if (!schema.ok) throw new Error(schema.message);
    return db;
  } catch (error) {
    db?.close();
    const { message, code } = error as Error & { code?: string };
    if (message.startsWith('The run store')) throw error;
    const reason = message.replace(/\.$/, '');
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new Error(`The run store '${file}' is locked by another process (${reason}). Try again when it has finished.`);
    }
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new Error(`The run store '${file}' cannot be opened: ${reason}. Move it aside to start a new one.`);
    }
    throw new Error(`The run store '${file}' cannot be opened: ${reason}.`);
  }
}

// One process 'exit' hook for every open store, so a process ending without close() still writes its buffers.
const openStores = new Set<RunStore>();
function flushOnExit(): void {
  for (const store of openStores) {
    try {
      store.flush();
    } catch {
      // the process is ending; nothing better to do
    }
  }
}

export function createRunStore(projectDir: string, options: RunStoreOptions = {}): RunStore {
  const dir = resolve(projectDir);
  const file = storePath(dir);
  const readonly = options.readonly === true;
  if (!readonly) {
    mkdirSync(dirname(file), { recursive: true });
    const ignore = join(dirname(file), '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
  }
  const db = openDatabase(file, readonly);

  let warned = false;
  const onError =
    options.onError ??
    ((error: Error) => {
      if (!warned) console.error(`nnc: could not write to the run store '${file}': ${error.message}`);
      warned = true;
    });
  const buffer = readonly ? null : createWriteBuffer(db, onError);

  function writable(): NonNullable<typeof buffer> {
    if (!buffer) throw new Error(`The run store '${file}' was opened read-only.`);
    return buffer;
  }

  const getRunRow = db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`);
  if (!readonly) {
    // one row per store, named after the folder until a run names it after the plan
    db.prepare('INSERT INTO projects (name, dir, created_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM projects)').run(basename(dir), dir, Date.now());
    markInterruptedRuns(db);
  }

  function projectName(plan: unknown): string {
    const name = (plan as { project?: { name?: unknown } } | null)?.project?.name;
    return typeof name === 'string' && name !== '' ? name : basename(dir);
  }

  /** read-modify-write of a JSON column; call inside a transaction */
  function mergeJson(column: 'best' | 'info', id: string, patch: Record<string, unknown>): void {
    const row = getRunRow.get(id);
    if (!row) return;
    const merged = { ...(JSON.parse(row[column]) as Record<string, unknown>), ...patch };
    db.prepare(`UPDATE runs SET ${column} = ? WHERE id = ?`).run(JSON.stringify(merged), id);
  }

  const flushIfWritable = () => buffer?.flush();

  const store: RunStore = {
    path: file,

    createRun(run: NewRun): RunRecord {
      writable();
      const id = newRunId();
      const name = projectName(run.plan);
      db.transaction(() => {
        db.prepare('UPDATE projects SET name = ?, dir = ?').run(name, dir);
        db.prepare(
          `INSERT INTO runs (id, project, plan_hash, model_hash, git_commit, git_dirty, backend, status, parent_id,
             started_at, ended_at, best, info, plan, pid, host)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, NULL, '{}', ?, ?, ?, ?)`,
        ).run(
          id, name, run.planHash, run.modelHash, run.gitCommit, run.gitDirty ? 1 : 0, run.backend, run.parentId ?? null,
          Date.now(), JSON.stringify(run.info ?? {}), run.plan === undefined ? null : JSON.stringify(run.plan),
          process.pid, hostname(),
        );
      }).immediate();
      claimRun(id);
      return toRunRecord(getRunRow.get(id)!);
    },

    getRun(id) {
      const row = getRunRow.get(id);
      return row ? toRunRecord(row) : null;
    },

    listRuns(opts = {}) {
      return db
        .prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`)
        .all(opts.limit ?? -1)
        .map(toRunRecord);
    },

    latestRun(filter = {}) {
      const statuses = filter.status ?? ['completed', 'stopped'];
      const where = [`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`];
      const params: unknown[] = [...statuses];
      if (filter.planHash !== undefined) {
        where.push('plan_hash = ?');
        params.push(filter.planHash);
      }
      if (filter.modelHash !== undefined) {
        where.push('model_hash = ?');
        params.push(filter.modelHash);
      }
      const row = db
        .prepare<unknown[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT 1`)
        .get(...params);
      return row ? toRunRecord(row) : null;
    },

    endRun(id, status, info) {
      const buffer = writable();
      buffer.flush();
      db.transaction(() => {
        db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, Date.now(), id);
        if (info) mergeJson('info', id, info);
      }).immediate();
      buffer.forgetRun(id);
    },

    updateBest(id, best) {
      writable();
      db.transaction(() => mergeJson('best', id, best)).immediate();
    },

    pinnedRun() {
      return db.prepare<[], { id: string | null }>('SELECT pinned_run AS id FROM projects LIMIT 1').get()?.id ?? null;
    },

    pinRun(id) {
      writable();
      db.prepare('UPDATE projects SET pinned_run = ?').run(id);
    },

    getPlan(id) {
      const row = db.prepare<[string], { plan: string | null }>('SELECT plan FROM runs WHERE id = ?').get(id);
      return row?.plan == null ? null : JSON.parse(row.plan);
    },

    addMetrics(runId, points) {
      writable().addMetrics(runId, points);
    },

    metrics(runId, names) {
      flushIfWritable();
      let sql = 'SELECT step, epoch, name, value FROM metrics WHERE run_id = ?';
      if (names) sql += ` AND name IN (${names.map(() => '?').join(', ') || 'NULL'})`;
      sql += ' ORDER BY name, step';
      const rows = db.prepare<unknown[], { step: number; epoch: number; name: string; value: number | null }>(sql).all(runId, ...(names ?? []));
      return rows.map((r) => ({ step: r.step, epoch: r.epoch, name: r.name, value: r.value ?? Number.NaN }));
    },

    addLog(runId, entry) {
      writable().addLog(runId, entry);
    },

    logs(filter = {}) {
      flushIfWritable();
      return queryLogs(db, filter);
    },

    addSnapshot(runId, snapshot) {
      writable();
      writeSnapshot(db, runId, snapshot);
    },

    latestSnapshot(runId) {
      return readSnapshots(db, runId, true)[0] ?? null;
    },

    snapshots(runId) {
      return readSnapshots(db, runId, false);
    },

    saveDiagnostics(diagnostics) {
      writable();
      writeDiagnostics(db, diagnostics);
    },

    diagnostics() {
      return readDiagnostics(db);
    },

    runDir(id) {
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`'${id}' is not a run id.`);
      return join(dirname(file), 'runs', id);
    },

    flush() {
      buffer?.flush();
    },

    async backup(target) {
      flushIfWritable();
      const out = resolve(target);
      mkdirSync(dirname(out), { recursive: true });
      // a fresh temporary file, renamed over the target once complete
      const temp = `${out}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
      try {
        // All remaining pages in one step: one read snapshot, so writes by other
        // connections in between cannot make the backup start over.
        await db.backup(temp, { progress: () => 0x7fffffff });
        renameSync(temp, out);
      } finally {
        rmSync(temp, { force: true });
      }
    },

    close() {
      if (!db.open) return;
      openStores.delete(store);
      if (openStores.size === 0) process.off('exit', flushOnExit);
      try {
        buffer?.flush();
      } finally {
        buffer?.dispose();
        db.close();
      }
    },
  };

  if (!readonly) {
    if (openStores.size === 0) process.on('exit', flushOnExit);
    openStores.add(store);
  }
  return store;
}
