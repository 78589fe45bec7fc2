// The run store: one SQLite database per project at <project>/.nnc/nnc.db (WAL,
// so the viewer reads while training writes), checkpoints beside it in
// .nnc/runs/<id>/. Metrics and logs are buffered (write-buffer.ts); runs,
// snapshots and diagnostics are written at once.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { checkSchema, migrate } from './migrations.js';
import { storePath } from './paths.js';
import { readSnapshots, writeSnapshot } from './snapshots.js';
import type { LogLevel, NewRun, RunRecord, RunStatus, RunStore, StoredLog } from './types.js';
import { createWriteBuffer } from './write-buffer.js';

export interface RunStoreOptions {
  /** open an existing store for reading only (the viewer); writes throw */
  readonly readonly?: boolean;
  /** a buffered write that failed on the timer (the rows stay pending); default: printed once to stderr */
  readonly onError?: (error: Error) => void;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

export { storePath } from './paths.js';

let lastIdTime = 0;
/** `r` + base36 milliseconds + 4 random base36 characters: sortable by creation within a process and across. */
export function newRunId(now = Date.now()): string {
  const time = Math.max(now, lastIdTime + 1);
  lastIdTime = time;
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0').slice(-4);
  return `r${time.toString(36).padStart(9, '0')}${random}`;
}

interface RunRow {
  id: string;
  project: string;
  plan_hash: string;
  model_hash: string;
  git_commit: string | null;
  git_dirty: number;
  backend: string;
  status: RunStatus;
  parent_id: string | null;
  started_at: number;
  ended_at: number | null;
  best: string;
  info: string;
  pid: number | null;
  host: string | null;
}

const RUN_COLUMNS =
  'id, project, plan_hash, model_hash, git_commit, git_dirty, backend, status, parent_id, started_at, ended_at, best, info, pid, host';

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    project: row.project,
    planHash: row.plan_hash,
    modelHash: row.model_hash,
    gitCommit: row.git_commit,
    gitDirty: row.git_dirty === 1,
    backend: row.backend,
    status: row.status,
    parentId: row.parent_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    best: JSON.parse(row.best) as Record<string, number>,
    info: JSON.parse(row.info) as Record<string, unknown>,
  };
}

/** Runs this process created: with our pid but not in here, a run is from an earlier process that had the same pid (a restarted container). */
const ownRuns = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    const message = (error as Error).message;
    if (message.startsWith('The run store')) throw error;
    throw new Error(`The run store '${file}' cannot be opened: ${message}. Move it aside to start a new one.`);
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
  const insertLogNow = db.prepare(
    'INSERT INTO logs (run_id, time, level, category, message, spam, count) VALUES (?, ?, ?, ?, ?, 0, 1)',
  );

  if (!readonly) {
    db.prepare('INSERT OR IGNORE INTO projects (name, dir, created_at) VALUES (?, ?, ?)').run(basename(dir), dir, Date.now());
    markInterrupted();
  }

  function markInterrupted(): void {
    const running = db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'running'`).all();
    const me = hostname();
    const dead = running.filter(
      (r) => !(r.host === me && r.pid !== null && (r.pid === process.pid ? ownRuns.has(r.id) : processAlive(r.pid))),
    );
    if (dead.length === 0) return;
    const lastActivity = db.prepare<[string, string], { t: number | null }>(
      'SELECT max(coalesce((SELECT max(time) FROM logs WHERE run_id = ?), 0), coalesce((SELECT max(time) FROM snapshots WHERE run_id = ?), 0)) AS t',
    );
    const mark = db.prepare(`UPDATE runs SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'`);
    db.transaction(() => {
      const now = Date.now();
      for (const run of dead) {
        const endedAt = Math.max(run.started_at, lastActivity.get(run.id, run.id)?.t ?? run.started_at);
        if (mark.run(endedAt, run.id).changes === 0) continue;
        const who = run.pid === null ? 'its process' : `its process (pid ${run.pid}${run.host && run.host !== me ? ` on ${run.host}` : ''})`;
        insertLogNow.run(run.id, now, 'warning', 'system', `Run '${run.id}' was still marked running but ${who} is gone; it is now marked interrupted.`);
      }
    }).immediate();
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
        db.prepare('INSERT OR IGNORE INTO projects (name, dir, created_at) VALUES (?, ?, ?)').run(name, dir, Date.now());
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
      ownRuns.add(id);
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
      writable().flush();
      db.transaction(() => {
        db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, Date.now(), id);
        if (info) mergeJson('info', id, info);
      }).immediate();
    },

    updateBest(id, best) {
      writable();
      db.transaction(() => mergeJson('best', id, best)).immediate();
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
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.runId !== undefined) {
        where.push('run_id = ?');
        params.push(filter.runId);
      }
      if (filter.level !== undefined) {
        const levels = LEVELS.slice(Math.max(0, LEVELS.indexOf(filter.level)));
        where.push(`level IN (${levels.map(() => '?').join(', ')})`);
        params.push(...levels);
      }
      if (filter.q) {
        where.push("(message LIKE ? ESCAPE '\\' OR category LIKE ? ESCAPE '\\')");
        const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        params.push(pattern, pattern);
      }
      if (filter.spam !== true) where.push('spam = 0');
      if (filter.afterId !== undefined) {
        where.push('id > ?');
        params.push(filter.afterId);
      }
      const sql = `SELECT * FROM (SELECT id, run_id, time, level, category, message, spam, count FROM logs
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?) ORDER BY id`;
      const rows = db
        .prepare<unknown[], { id: number; run_id: string | null; time: number; level: LogLevel; category: string; message: string; spam: number; count: number }>(sql)
        .all(...params, filter.limit ?? 1000);
      return rows.map(
        (r): StoredLog => ({ id: r.id, runId: r.run_id, time: r.time, level: r.level, category: r.category, message: r.message, spam: r.spam === 1, count: r.count }),
      );
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
      const insert = db.prepare(
        `INSERT INTO diagnostics (saved_at, code, severity, message, file, line, "column", length, notes, suggestion)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      db.transaction(() => {
        db.prepare('DELETE FROM diagnostics').run();
        const now = Date.now();
        for (const d of diagnostics) {
          insert.run(now, d.code, d.severity, d.message, d.file, d.line, d.column, d.length, d.notes ? JSON.stringify(d.notes) : null, d.suggestion ?? null);
        }
      }).immediate();
    },

    diagnostics() {
      const rows = db
        .prepare<[], { code: number; severity: Diagnostic['severity']; message: string; file: string; line: number; column: number; length: number; notes: string | null; suggestion: string | null }>(
          'SELECT code, severity, message, file, line, "column", length, notes, suggestion FROM diagnostics ORDER BY id',
        )
        .all();
      return rows.map((r): Diagnostic => {
        const d: Diagnostic = { code: r.code, severity: r.severity, message: r.message, file: r.file, line: r.line, column: r.column, length: r.length };
        return {
          ...d,
          ...(r.notes !== null ? { notes: JSON.parse(r.notes) as string[] } : {}),
          ...(r.suggestion !== null ? { suggestion: r.suggestion } : {}),
        };
      });
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
