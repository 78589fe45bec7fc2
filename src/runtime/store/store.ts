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
import { removeStaleBackupFiles } from './backup-files.js';
import { readSnapshots, writeSnapshot } from './snapshots.js';
import { createSpaceReserve } from './space-reserve.js';
import { StoreError, damagedAdvice, storeErrorFrom } from './store-error.js';
import { checkStoreFile, checkStorePages, integrityProblems, problemText } from './store-health.js';
import { readDiagnostics, writeDiagnostics } from './stored-diagnostics.js';
import type { NewRun, RunRecord, RunStore } from './types.js';
import { createWriteBuffer } from './write-buffer.js';
import { metricMode } from '../../compiler/metric-catalog.js';
import { readEvaluations, writeEvaluation } from './evaluations.js';

export { storePath } from './paths.js';
export { newRunId } from './run-rows.js';
export { StoreError, isStoreError } from './store-error.js';

export interface RunStoreOptions {
  /** open an existing store for reading only (the viewer); writes throw */
  readonly readonly?: boolean;
  /** a buffered write that failed on the timer (the rows stay pending); default: printed once to stderr */
  readonly onError?: (error: Error) => void;
  /** run PRAGMA quick_check when opening (default true; a backup checks its copy instead) */
  readonly verify?: boolean;
}

function openDatabase(file: string, readonly: boolean, verify: boolean): Database.Database {
  let db: Database.Database | undefined;
  try {
    checkStoreFile(file);
    const existed = existsSync(file);
    db = readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
    db.pragma('busy_timeout = 5000');
    // before the first write (the journal mode, a migration): a damaged store is never written to
    if (existed && verify) checkStorePages(db, file);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const schema = readonly ? checkSchema(db, file) : migrate(db, file);
    if (!schema.ok) throw new StoreError(schema.message, file, 'schema');
    return db;
  } catch (error) {
    db?.close();
    const fault = storeErrorFrom(error, file);
    if (fault) throw fault;
    throw new StoreError(`The run store '${file}' cannot be opened: ${(error as Error).message.replace(/\.$/, '')}.`, file, 'io');
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
    try {
      mkdirSync(dirname(file), { recursive: true });
      const ignore = join(dirname(file), '.gitignore');
      if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
    } catch (error) {
      throw storeErrorFrom(error, file) ?? error;
    }
  }
  const db = openDatabase(file, readonly, options.verify !== false);

  let warned = false;
  const report =
    options.onError ??
    ((error: Error) => {
      if (!warned) console.error(`nnc: ${error instanceof StoreError ? error.message : `could not write to the run store '${file}': ${error.message}`}`);
      warned = true;
    });
  const onError = (error: Error) => report(storeErrorFrom(error, file) ?? error);
  const buffer = readonly ? null : createWriteBuffer(db, onError);
  const reserve = createSpaceReserve(file);

  function writable(): NonNullable<typeof buffer> {
    if (!buffer) throw new Error(`The run store '${file}' was opened read-only.`);
    return buffer;
  }

  const getRunRow = db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`);
  if (!readonly) {
    try {
      // one row per store, named after the folder until a run names it after the plan
      db.prepare('INSERT INTO projects (name, dir, created_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM projects)').run(basename(dir), dir, Date.now());
      markInterruptedRuns(db);
    } catch (error) {
      buffer?.dispose();
      db.close();
      throw storeErrorFrom(error, file) ?? error;
    }
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
      reserve.ensure();
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
      let unsaved = 0;
      try {
        buffer.flush();
      } catch (error) {
        // a run that fails because the store cannot be written is still marked failed, if at all possible
        if (status !== 'failed' || !storeErrorFrom(error, file)) throw error;
        unsaved = buffer.discard();
      }
      const mark = () =>
        db.transaction(() => {
          db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, Date.now(), id);
          if (info || unsaved) mergeJson('info', id, { ...info, ...(unsaved ? { unsavedRows: unsaved } : {}) });
        }).immediate();
      try {
        mark();
      } catch (error) {
        // a full disk: the reserved space is for this one write
        if (storeErrorFrom(error, file)?.fault !== 'full' || !reserve.release()) throw error;
        mark();
      }
      buffer.forgetRun(id);
    },

    updateBest(id, best) {
      writable();
      db.transaction(() => mergeJson('best', id, best)).immediate();
    },

    recordEpochBest(id, metrics) {
      writable();
      db.transaction(() => {
        const row = getRunRow.get(id);
        if (!row) return;
        const best = JSON.parse(row.best) as Record<string, number>;
        const merged = mergeEpochBest(best, metrics);
        if (merged) db.prepare('UPDATE runs SET best = ? WHERE id = ?').run(JSON.stringify(merged), id);
      }).immediate();
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

    addEvaluation(evaluation) {
      writable();
      return writeEvaluation(db, evaluation);
    },

    evaluations(runId) {
      return readEvaluations(db, runId);
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
      // what a backup killed with SIGKILL left beside the target
      removeStaleBackupFiles(out);
      // a fresh temporary file, renamed over the target once complete and checked
      const temp = `${out}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
      try {
        // All remaining pages in one step: one read snapshot, so writes by other
        // connections in between cannot make the backup start over.
        await db.backup(temp, { progress: () => 0x7fffffff });
        const copy = new Database(temp, { readonly: true, fileMustExist: true });
        let problems: string[];
        try {
          problems = integrityProblems(copy);
        } catch (error) {
          problems = [(error as Error).message];
        } finally {
          copy.close();
        }
        if (problems.length > 0) {
          throw new StoreError(
            `The copy of the run store '${file}' failed SQLite's integrity check (${problemText(problems)}), so the store itself is damaged; no backup was written. ${damagedAdvice(file)}`,
            file,
            'damaged',
          );
        }
        renameSync(temp, out);
      } catch (error) {
        // the copy's disk, not the store's: a full or read-only target names the backup
        throw storeErrorFrom(error, out, `the backup '${out}'`) ?? error;
      } finally {
        // the copy's journal, and the WAL files the integrity check's connection opened
        for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) rmSync(leftover, { force: true });
      }
    },

    close() {
      if (!db.open) return;
      openStores.delete(store);
      if (openStores.size === 0) process.off('exit', flushOnExit);
      try {
        buffer?.flush();
      } catch (error) {
        // rows a full or read-only disk would not take: said once, not thrown at a command that is finishing
        const fault = storeErrorFrom(error, file);
        if (!fault) throw error;
        const unsaved = buffer?.discard() ?? 0;
        onError(new StoreError(`${fault.message} ${unsaved} metric points and log lines were not stored.`, file, fault.fault));
      } finally {
        buffer?.dispose();
        db.close();
      }
    },
  };
  guardMethods(store, file);

  if (!readonly) {
    if (openStores.size === 0) process.on('exit', flushOnExit);
    openStores.add(store);
  }
  return store;
}

/**
 * Every method of the store raises a StoreError, not SQLite's or the file
 * system's error, when the file fails it (damaged, full, read-only, locked).
 */
function guardMethods(store: RunStore, file: string): void {
  const target = store as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    target[name] = function guarded(this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = method.apply(this, args);
      } catch (error) {
        throw storeErrorFrom(error, file) ?? error;
      }
      if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(storeErrorFrom(error, file) ?? error));
      return result;
    };
  }
}

// the rule train/monitor.ts applies: accuracies, F1, AUCs, R²... are maximized, everything else minimized
const UNTRACKED = new Set(['lr', 'grad_norm']);
const maximized = (metric: string) => metricMode(metric) === 'max';

/** The run's best values with one epoch's metrics taken in; null when nothing improved. */
export function mergeEpochBest(best: Readonly<Record<string, number>>, metrics: Readonly<Record<string, number>>): Record<string, number> | null {
  const merged: Record<string, number> = { ...best };
  let changed = false;
  for (const [metric, value] of Object.entries(metrics)) {
    if (UNTRACKED.has(metric) || !Number.isFinite(value)) continue;
    const previous = merged[metric];
    if (previous === undefined || (maximized(metric) ? value > previous : value < previous)) {
      merged[metric] = value;
      changed = true;
    }
  }
  return changed ? merged : null;
}
