// Live `nnc view`: follows a store that another process writes (`nnc train` or
// `nnc watch` in another terminal) and turns its new rows into the messages
// `nnc watch` sends (run_started, training_stats, training_log,
// weights_update, run_ended), plus sweep_updated for sweeps (sweep-follower.ts).
// Polls a read-only connection by rowid every
// ~500 ms: in WAL mode each query reads the last committed state without
// blocking the writer. History stays with the GET API: following starts at
// the rows already stored when it starts.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { LogView, ServerMessage } from '../../shared/protocol.js';
import { toStoredLog, type LogRow } from '../store/log-query.js';
import { storePath } from '../store/paths.js';
import { RUN_COLUMNS, toRunRecord, type RunRow } from '../store/run-rows.js';
import { readSnapshots } from '../store/snapshots.js';
import type { RunStatus } from '../store/types.js';
import { EMPTY_FILL, statsMessagesFromRows, type RunFill } from './metric-stats.js';
import { createSweepTracker, type SweepTracker } from './sweep-follower.js';
import { logView, runView, tensorViews } from './views.js';

export const FOLLOW_INTERVAL_MS = 500;
/** log lines whose repeat count is re-read at every poll (the writer bumps a collapsed line's count) */
const RECENT_LOGS = 20;
const BATCH = 5000;

export interface StoreFollower {
  /** one poll now (the timer calls it); returns the messages it sent */
  poll(): ServerMessage[];
  close(): void;
}

export interface FollowOptions {
  readonly dir: string;
  /** the project id messages carry */
  readonly project: string;
  readonly emit: (message: ServerMessage) => void;
  /** default FOLLOW_INTERVAL_MS; 0: no timer (tests call poll) */
  readonly intervalMs?: number;
}

interface MetricRow {
  rowid: number;
  run_id: string;
  step: number;
  epoch: number;
  name: string;
  value: number | null;
}



export function createStoreFollower(options: FollowOptions): StoreFollower {
  const file = storePath(options.dir);
  let db: Database.Database | null = null;
  let lastMetric = 0;
  let lastLog = 0;
  let lastSnapshot = 0;
  const counts = new Map<number, number>();
  const statuses = new Map<string, RunStatus>();
  const fills = new Map<string, RunFill>();
  const epochsOf = new Map<string, number>();
  let started = false;
  // a store that exists now is followed from its current rows; one created later, from its first
  let fromNow = existsSync(file);
  // sweeps: sweep_updated when a sweep or one of its trials changes (sweep-follower.ts)
  let sweeps: SweepTracker = createSweepTracker({ dir: options.dir, project: options.project, fromNow });

  function open(): Database.Database | null {
    if (db) return db;
    if (!existsSync(file)) return null;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 1000');
    } catch {
      db = null;
    }
    return db;
  }

  /** Where following starts: after what is stored now (a store created later is followed from its start). */
  function start(d: Database.Database, fromNow: boolean): void {
    started = true;
    if (!fromNow) return;
    const max = (sql: string) => (d.prepare<[], { m: number | null }>(sql).get()?.m ?? 0);
    lastMetric = max('SELECT max(rowid) AS m FROM metrics');
    lastLog = max('SELECT max(id) AS m FROM logs');
    lastSnapshot = max('SELECT max(id) AS m FROM snapshots');
    for (const r of d.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs`).all()) statuses.set(r.id, r.status);
  }

  function poll(): ServerMessage[] {
    const out: ServerMessage[] = [];
    const d = open();
    if (!d) return out;
    try {
      if (!started) start(d, fromNow);
      out.push(...runMessages(d), ...statsMessages(d), ...logMessages(d), ...weightMessages(d));
    } catch {
      // a store being migrated or replaced: drop the connection and try again at the next poll
      db?.close();
      db = null;
      started = false;
      fromNow = true;
      sweeps = createSweepTracker({ dir: options.dir, project: options.project, fromNow });
      return out;
    }
    try {
      out.push(...sweeps.check(d));
    } catch {
      // the sweep tables being created by a migration: the next poll looks again
    }
    for (const m of out) options.emit(m);
    return out;
  }

  function runMessages(d: Database.Database): ServerMessage[] {
    const out: ServerMessage[] = [];
    const rows = d.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at, id`).all();
    for (const row of rows) {
      const was = statuses.get(row.id);
      if (was === row.status) continue;
      statuses.set(row.id, row.status);
      const run = runView(toRunRecord(row));
      if (typeof run.info.epochs === 'number') epochsOf.set(run.id, run.info.epochs);
      if (was === undefined) out.push({ type: 'run_started', project: options.project, run });
      if (row.status !== 'running') out.push({ type: 'run_ended', project: options.project, run });
    }
    return out;
  }

  function statsMessages(d: Database.Database): ServerMessage[] {
    const rows = d
      .prepare<[number, number], MetricRow>('SELECT rowid, run_id, step, epoch, name, value FROM metrics WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(lastMetric, BATCH);
    if (rows.length === 0) return [];
    lastMetric = rows[rows.length - 1].rowid;
    // one message per run and step, in the order written
    const groups = new Map<string, MetricRow[]>();
    for (const r of rows) {
      const key = `${r.run_id}\u0000${r.step}`;
      const group = groups.get(key);
      if (group) group.push(r);
      else groups.set(key, [r]);
    }
    // a batch window, then an epoch's end as its own kind 'epoch' message (the channel coalesces batch
    // windows; epoch ends stay, in order), as nnc watch and the shared-store follower send them
    return [...groups.values()].flatMap((group) => {
      const runId = group[0]!.run_id;
      const fill: RunFill = { ...(fills.get(runId) ?? EMPTY_FILL) };
      const stats = statsMessagesFromRows(group, fill, epochsOf.get(runId) ?? 0);
      fills.set(runId, fill);
      return stats.map((view) => ({ type: 'training_stats' as const, project: options.project, stats: view }));
    });
  }

  function logMessages(d: Database.Database): ServerMessage[] {
    const rows = d
      .prepare<[number, number], LogRow>('SELECT id, run_id, time, level, category, message, spam, count FROM logs WHERE id > ? ORDER BY id LIMIT ?')
      .all(Math.max(0, lastLog - RECENT_LOGS), BATCH);
    const out: ServerMessage[] = [];
    for (const r of rows) {
      const known = counts.get(r.id);
      if (r.id <= lastLog && (known === undefined || known === r.count)) continue;
      counts.set(r.id, r.count);
      const log: LogView = logView(toStoredLog(r));
      out.push({ type: 'training_log', project: options.project, log });
    }
    if (rows.length) lastLog = Math.max(lastLog, rows[rows.length - 1].id);
    for (const id of counts.keys()) if (id <= lastLog - RECENT_LOGS) counts.delete(id);
    return out;
  }

  function weightMessages(d: Database.Database): ServerMessage[] {
    const rows = d.prepare<[number], { id: number; run_id: string }>('SELECT id, run_id FROM snapshots WHERE id > ? ORDER BY id').all(lastSnapshot);
    if (rows.length === 0) return [];
    lastSnapshot = rows[rows.length - 1].id;
    // the newest snapshot of each run that got one: the weight sheet shows only the latest
    const out: ServerMessage[] = [];
    for (const runId of new Set(rows.map((r) => r.run_id))) {
      const snapshot = readSnapshots(d, runId, true)[0];
      if (snapshot) out.push({ type: 'weights_update', project: options.project, runId, step: snapshot.step, tensors: tensorViews(snapshot.tensors) });
    }
    return out;
  }

  const interval = options.intervalMs ?? FOLLOW_INTERVAL_MS;
  const timer = interval > 0 ? setInterval(poll, interval) : null;
  timer?.unref();
  return {
    poll,
    close() {
      if (timer) clearInterval(timer);
      db?.close();
      db = null;
    },
  };
}
