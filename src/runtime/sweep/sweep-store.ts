// Sweeps in the run store (migration 4): a `sweeps` row per `nnc sweep`, a
// `sweep_trials` row per trial (its values, status, run and metric value),
// and every run of a trial tagged with runs.sweep_id / runs.sweep_trial. Its
// own SQLite connection beside the RunStore's (WAL allows several): the
// writer is opened after createRunStore has checked and migrated the file;
// readers (nnc runs --sweep, nnc sweep --show, the viewer's /api/sweeps) open
// one per question and close it.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { storePath } from '../store/paths.js';
import { RUN_COLUMNS, toRunRecord, type RunRow } from '../store/run-rows.js';
import { storeErrorFrom } from '../store/store-error.js';
import type { RunRecord, RunStore } from '../store/types.js';

export type SweepStatus = 'running' | 'completed' | 'stopped' | 'failed';
/** waiting: trained to a halving epoch, waiting for the others; pruned: stopped there by halving */
export type TrialStatus = 'pending' | 'running' | 'waiting' | 'completed' | 'pruned' | 'stopped' | 'failed';

export interface SweepRecord {
  readonly id: string;
  readonly name: string;
  readonly status: SweepStatus;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly method: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly parallel: number;
  /** the Sweep document as written */
  readonly spec: Readonly<Record<string, unknown>>;
  /** parameters (in order), halving, durationMs, trial count */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface TrialRecord {
  readonly sweepId: string;
  /** 1-based */
  readonly trial: number;
  /** path -> value */
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: TrialStatus;
  readonly planHash: string;
  /** the trial's latest run (a halving rung continues it as a resumed run) */
  readonly runId: string | null;
  /** best value of the sweep's metric so far; null when none was reported */
  readonly value: number | null;
  /** epochs trained */
  readonly epochs: number;
  /** the halving epoch it was pruned at */
  readonly stoppedAt: number | null;
}

export interface NewSweep {
  readonly name: string;
  readonly method: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly parallel: number;
  readonly spec: unknown;
  readonly info: Record<string, unknown>;
  readonly trials: ReadonlyArray<{ readonly trial: number; readonly params: Record<string, unknown>; readonly planHash: string }>;
}

export interface SweepWriter {
  createSweep(sweep: NewSweep): SweepRecord;
  updateTrial(sweepId: string, trial: number, patch: Partial<Pick<TrialRecord, 'status' | 'runId' | 'value' | 'epochs' | 'stoppedAt'>>): void;
  /** tags a run with its sweep and trial */
  tagRun(runId: string, sweepId: string, trial: number): void;
  endSweep(id: string, status: Exclude<SweepStatus, 'running'>, info?: Record<string, unknown>): void;
  close(): void;
}

interface SweepRow {
  id: string;
  name: string;
  status: SweepStatus;
  created_at: number;
  ended_at: number | null;
  method: string;
  metric: string;
  mode: 'min' | 'max';
  parallel: number;
  spec: string;
  info: string;
}

interface TrialRow {
  sweep_id: string;
  trial: number;
  params: string;
  status: TrialStatus;
  plan_hash: string;
  run_id: string | null;
  value: number | null;
  epochs: number;
  stopped_at: number | null;
}

const toSweep = (r: SweepRow): SweepRecord => ({
  id: r.id,
  name: r.name,
  status: r.status,
  createdAt: r.created_at,
  endedAt: r.ended_at,
  method: r.method,
  metric: r.metric,
  mode: r.mode,
  parallel: r.parallel,
  spec: JSON.parse(r.spec) as Record<string, unknown>,
  info: JSON.parse(r.info) as Record<string, unknown>,
});

const toTrial = (r: TrialRow): TrialRecord => ({
  sweepId: r.sweep_id,
  trial: r.trial,
  params: JSON.parse(r.params) as Record<string, unknown>,
  status: r.status,
  planHash: r.plan_hash,
  runId: r.run_id,
  value: r.value,
  epochs: r.epochs,
  stoppedAt: r.stopped_at,
});

let lastIdTime = 0;
/** `s` + base36 milliseconds + 4 random base36 characters, like run ids. */
export function newSweepId(now = Date.now()): string {
  const time = Math.max(now, lastIdTime + 1);
  lastIdTime = time;
  return `s${time.toString(36).padStart(9, '0')}${randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0').slice(-4)}`;
}

function guarded<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw storeErrorFrom(error, file) ?? error;
  }
}

/** The writer for `nnc sweep`: call after createRunStore(projectDir), which migrated the file. */
export function openSweepWriter(projectDir: string): SweepWriter {
  const file = storePath(projectDir);
  const db = guarded(file, () => new Database(file, { fileMustExist: true }));
  db.pragma('busy_timeout = 5000');
  const write = <T>(work: () => T) => guarded(file, work);
  return {
    createSweep(sweep) {
      const id = newSweepId();
      const createdAt = Date.now();
      write(() =>
        db.transaction(() => {
          db.prepare('INSERT INTO sweeps (id, name, status, created_at, method, metric, mode, parallel, spec, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
            id, sweep.name, 'running', createdAt, sweep.method, sweep.metric, sweep.mode, sweep.parallel, JSON.stringify(sweep.spec), JSON.stringify(sweep.info),
          );
          const insert = db.prepare('INSERT INTO sweep_trials (sweep_id, trial, params, status, plan_hash) VALUES (?, ?, ?, ?, ?)');
          for (const t of sweep.trials) insert.run(id, t.trial, JSON.stringify(t.params), 'pending', t.planHash);
        })(),
      );
      return { id, name: sweep.name, status: 'running', createdAt, endedAt: null, method: sweep.method, metric: sweep.metric, mode: sweep.mode, parallel: sweep.parallel, spec: sweep.spec as Record<string, unknown>, info: sweep.info };
    },
    updateTrial(sweepId, trial, patch) {
      const columns: Record<string, unknown> = {};
      if (patch.status !== undefined) columns.status = patch.status;
      if (patch.runId !== undefined) columns.run_id = patch.runId;
      if (patch.value !== undefined) columns.value = patch.value !== null && Number.isFinite(patch.value) ? patch.value : null;
      if (patch.epochs !== undefined) columns.epochs = patch.epochs;
      if (patch.stoppedAt !== undefined) columns.stopped_at = patch.stoppedAt;
      const names = Object.keys(columns);
      if (names.length === 0) return;
      write(() => db.prepare(`UPDATE sweep_trials SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE sweep_id = ? AND trial = ?`).run(...Object.values(columns), sweepId, trial));
    },
    tagRun(runId, sweepId, trial) {
      write(() => db.prepare('UPDATE runs SET sweep_id = ?, sweep_trial = ? WHERE id = ?').run(sweepId, trial, runId));
    },
    endSweep(id, status, info = {}) {
      write(() =>
        db.transaction(() => {
          const row = db.prepare<[string], { info: string }>('SELECT info FROM sweeps WHERE id = ?').get(id);
          const merged = { ...(row ? (JSON.parse(row.info) as Record<string, unknown>) : {}), ...info };
          db.prepare('UPDATE sweeps SET status = ?, ended_at = ?, info = ? WHERE id = ?').run(status, Date.now(), JSON.stringify(merged), id);
        })(),
      );
    },
    close() {
      db.close();
    },
  };
}

export interface SweepReader {
  listSweeps(): SweepRecord[];
  /** by id or a unique start of one; a string says why not */
  findSweep(idOrPrefix: string): SweepRecord | string;
  trials(sweepId: string): TrialRecord[];
  /** every run of the sweep (halving rungs included), newest first; info.sweep says its sweep, trial and values */
  runs(sweepId: string): RunRecord[];
}

/**
 * Reads sweeps with a read-only connection for the length of `read`. A store
 * that does not exist, or predates sweeps, holds none.
 */
export function readSweeps<T>(projectDir: string, read: (reader: SweepReader) => T): T {
  const file = storePath(projectDir);
  const empty: SweepReader = { listSweeps: () => [], findSweep: (id) => `There is no sweep '${id}' in this project: no sweep has run here yet. Run 'nnc sweep' first.`, trials: () => [], runs: () => [] };
  if (!existsSync(file)) return read(empty);
  const db = guarded(file, () => new Database(file, { readonly: true, fileMustExist: true }));
  try {
    db.pragma('busy_timeout = 5000');
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sweeps'").get() !== undefined;
    if (!hasTable) return read(empty);
    const list = () => db.prepare<[], SweepRow>('SELECT * FROM sweeps ORDER BY created_at DESC').all().map(toSweep);
    return read({
      listSweeps: list,
      findSweep(id) {
        const all = list();
        const exact = all.find((s) => s.id === id);
        if (exact) return exact;
        const matches = all.filter((s) => s.id.startsWith(id));
        if (matches.length === 1) return matches[0];
        // a sweep's name: its newest run
        if (matches.length === 0 && all.some((s) => s.name === id)) return all.find((s) => s.name === id)!;
        if (matches.length > 1) return `'${id}' names ${matches.length} sweeps: ${matches.slice(0, 10).map((s) => `${s.id} (${s.name})`).join(', ')}. Give more of the id.`;
        return `There is no sweep '${id}' in this project. 'nnc sweep --list' lists the sweeps.`;
      },
      trials: (sweepId) => db.prepare<[string], TrialRow>('SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY trial').all(sweepId).map(toTrial),
      runs(sweepId) {
        const sweep = list().find((s) => s.id === sweepId);
        const params = new Map(db.prepare<[string], TrialRow>('SELECT * FROM sweep_trials WHERE sweep_id = ?').all(sweepId).map((t) => [t.trial, JSON.parse(t.params) as unknown]));
        return db
          .prepare<[string], RunRow & { sweep_trial: number }>(`SELECT ${RUN_COLUMNS}, sweep_trial FROM runs WHERE sweep_id = ? ORDER BY started_at DESC`)
          .all(sweepId)
          .map((row) => {
            const run = toRunRecord(row);
            return { ...run, info: { ...run.info, sweep: { id: sweepId, name: sweep?.name ?? null, trial: row.sweep_trial, params: params.get(row.sweep_trial) ?? {} } } };
          });
      },
    });
  } catch (error) {
    throw storeErrorFrom(error, file) ?? error;
  } finally {
    db.close();
  }
}

/** What a run store that keeps sweeps itself provides (the PostgreSQL store: store/postgres/pg-sweeps.ts). */
interface SweepsOfStore {
  readonly sweeps?: { writer(): SweepWriter; reader(): SweepReader };
}

/**
 * The sweep writer for whichever store `store` is: a shared store's own tables,
 * else the project's SQLite file (openSweepWriter). Close it before the store.
 */
export function sweepWriterFor(store: RunStore, projectDir: string): SweepWriter {
  const own = (store as RunStore & SweepsOfStore).sweeps;
  return own ? own.writer() : openSweepWriter(projectDir);
}

/** Reads the sweeps of whichever store `store` is (readSweeps on the project's file when it keeps none itself). */
export function readStoreSweeps<T>(store: RunStore, projectDir: string, read: (reader: SweepReader) => T): T {
  const own = (store as RunStore & SweepsOfStore).sweeps;
  return own ? read(own.reader()) : readSweeps(projectDir, read);
}
