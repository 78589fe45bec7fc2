// Live `nnc view --store postgres://…`: what workers and other machines add to
// a shared store reaches the open pages as `nnc view <folder>` pushes it for a
// run another process writes (store-follower.ts): run_started, then the run's
// new metric rows as training_stats (a batch window's, and an epoch's end as
// `nnc watch` sends it, kind 'epoch'), its log lines as training_log and its
// newest weight snapshot as weights_update while it runs, then run_ended; and
// sweeps as sweep_updated. One poll per second per project over its read-only
// store; following starts at what is stored when it starts.
//
// Rows are followed per running run, since many machines write one store and
// their transactions commit in any order: log lines and snapshots by id (one
// process writes a run, so its ids grow); metric rows (which have no id) by
// step and by the transaction that wrote them (xmin), so the rows of a step
// written in two flushes (its batch window, then its epoch's validation) are
// each sent once.
import type { LogView, ServerMessage } from '../../shared/protocol.js';
import type { SharedRunStore } from '../store/open-store.js';
import type { RunRecord, RunStatus, RunStore } from '../store/types.js';
import type { SweepReader } from '../sweep/sweep-store.js';
import { EMPTY_FILL, statsMessagesFromRows, type RunFill, type StoredMetricRow } from './metric-stats.js';
import { createSweepReaderTracker } from './sweep-follower.js';
import { logView, runView, tensorViews } from './views.js';

export const SHARED_FOLLOW_INTERVAL_MS = 1000;
/** log lines of a run whose repeat count is re-read at every poll (the writer bumps a collapsed line's count) */
const RECENT_LOGS = 20;
/** rows read per poll and kind: a run far ahead is caught up over the next polls */
const BATCH = 5000;
const NO_STEP = -2147483648;

export interface SharedStoreFollower {
  /** one poll now (the timer calls it); returns the messages it sent */
  poll(): ServerMessage[];
  close(): void;
}

/** Where following a run's rows stands. */
interface Followed {
  /** the highest step sent, and the transactions whose rows at that step were sent */
  step: number;
  txs: Set<string>;
  lastLog: number;
  /** the run's newest lines: id to the count sent */
  readonly counts: Map<number, number>;
  lastSnapshot: number;
  fill: RunFill;
  epochs: number;
}

interface MetricRow extends StoredMetricRow {
  readonly tx: string;
}

interface LogRow {
  id: number;
  run_id: string;
  time: number;
  level: string;
  category: string;
  message: string;
  spam: number;
  count: number;
}

export function createSharedStoreFollower(options: {
  readonly store: RunStore;
  readonly project: string;
  readonly emit: (message: ServerMessage) => void;
  /** default SHARED_FOLLOW_INTERVAL_MS; 0: no timer (tests call poll) */
  readonly intervalMs?: number;
}): SharedStoreFollower {
  const client = (options.store as Partial<SharedRunStore>).client ?? null;
  const statuses = new Map<string, RunStatus>();
  const followed = new Map<string, Followed>();
  const epochsOf = (run: RunRecord) => (typeof run.info.epochs === 'number' ? run.info.epochs : 0);
  const follow = (run: RunRecord): Followed => ({ step: NO_STEP, txs: new Set(), lastLog: 0, counts: new Map(), lastSnapshot: 0, fill: { ...EMPTY_FILL }, epochs: epochsOf(run) });

  /** Notes what is stored now (a run already running is followed from its rows stored now); false: unreachable. */
  function start(): boolean {
    try {
      const running: RunRecord[] = [];
      const known = new Map<string, RunStatus>();
      for (const run of options.store.listRuns({ limit: 200 })) {
        known.set(run.id, run.status);
        if (run.status === 'running') running.push(run);
      }
      for (const run of running) followed.set(run.id, follow(run));
      if (client && running.length > 0) startAtStored(running.map((r) => r.id));
      for (const [id, status] of known) statuses.set(id, status);
      return true;
    } catch {
      followed.clear();
      return false;
    }
  }
  // unreachable now: the first poll that reaches the store starts there
  let started = start();
  // sweeps: sweep_updated for each change (sweep-follower.ts); the first check notes what is stored now
  const sweepStore = (options.store as { readonly sweeps?: { reader(): SweepReader } }).sweeps;
  const sweeps = createSweepReaderTracker({ project: options.project });
  const sweepMessages = (): ServerMessage[] => {
    try {
      return sweepStore ? sweeps.check(sweepStore.reader()) : [];
    } catch {
      return []; // unreachable for now: the next poll tries again
    }
  };
  sweepMessages();

  function startAtStored(ids: readonly string[]): void {
    const q = client!;
    const steps = q.query<{ run_id: string; step: number; tx: string }>(
      `SELECT m.run_id, m.step, m.xmin::text AS tx FROM nnc.metrics m
       JOIN (SELECT run_id, max(step) AS step FROM nnc.metrics WHERE run_id = ANY($1::text[]) GROUP BY run_id) top
         ON m.run_id = top.run_id AND m.step = top.step`,
      [ids],
    ).rows;
    for (const r of steps) {
      const f = followed.get(r.run_id)!;
      f.step = r.step;
      f.txs.add(r.tx);
    }
    for (const r of q.query<{ run_id: string; id: number }>('SELECT run_id, max(id) AS id FROM nnc.logs WHERE run_id = ANY($1::text[]) GROUP BY run_id', [ids]).rows) {
      followed.get(r.run_id)!.lastLog = r.id;
    }
    for (const r of q.query<{ run_id: string; id: number }>('SELECT run_id, max(id) AS id FROM nnc.snapshots WHERE run_id = ANY($1::text[]) GROUP BY run_id', [ids]).rows) {
      followed.get(r.run_id)!.lastSnapshot = r.id;
    }
  }

  function poll(): ServerMessage[] {
    const out: ServerMessage[] = [];
    if (!started) {
      started = start();
      return out;
    }
    let runs: RunRecord[];
    try {
      runs = options.store.listRuns({ limit: 200 });
    } catch {
      return out; // the store is unreachable for now: the next poll tries again
    }
    // statuses first, rows second: a run seen ended here has all its rows stored (endRun flushes before it ends the run)
    const ended: RunRecord[] = [];
    for (const run of [...runs].reverse()) {
      const before = statuses.get(run.id);
      if (before === undefined) {
        out.push({ type: 'run_started', project: options.project, run: runView(run) });
        followed.set(run.id, follow(run));
      }
      if (run.status !== 'running' && before !== run.status) ended.push(run);
      statuses.set(run.id, run.status);
    }
    let read = true;
    if (client && followed.size > 0) {
      try {
        const [metrics, logs, snapshots] = readRows();
        out.push(...statsMessages(metrics), ...logMessages(logs), ...weightMessages(snapshots));
      } catch {
        // unreachable for now: the rows not read are read at the next poll, and the runs that ended end then
        read = false;
      }
    }
    for (const run of ended) {
      if (!read && followed.has(run.id)) {
        statuses.set(run.id, 'running');
        continue;
      }
      out.push({ type: 'run_ended', project: options.project, run: runView(run) });
      followed.delete(run.id);
    }
    out.push(...sweepMessages());
    for (const message of out) options.emit(message);
    return out;
  }

  /**
   * The followed runs' new metric rows, log lines and snapshots, in one round trip. JIT is off
   * for it: the planner's guess at the metric rows makes it compile the query, which costs more
   * than the query (tens of ms against a few).
   */
  function readRows(): [MetricRow[], LogRow[], Array<{ run_id: string; id: number }>] {
    const ids = [...followed.keys()];
    const runs = ids.map((id) => followed.get(id)!);
    const [, metrics, logs, snapshots] = client!.batch([
      { sql: 'SET LOCAL jit = off' },
      { sql: SQL_METRICS, params: [ids, runs.map((f) => f.step), BATCH] },
      // from the oldest of a run's recent lines, whose count may have gone up
      { sql: SQL_LOGS, params: [ids, runs.map((f) => Math.min(f.lastLog + 1, ...f.counts.keys())), BATCH] },
      { sql: SQL_SNAPSHOTS, params: [ids, runs.map((f) => f.lastSnapshot)] },
    ]);
    return [metrics!.rows as unknown as MetricRow[], logs!.rows as unknown as LogRow[], snapshots!.rows as unknown as Array<{ run_id: string; id: number }>];
  }

  function statsMessages(rows: readonly MetricRow[]): ServerMessage[] {
    // a batch cut inside a step: that step's rows are read whole at the next poll
    let cut = rows.length === BATCH ? rows[rows.length - 1]! : null;
    if (cut && cut.run_id === rows[0]!.run_id && cut.step === rows[0]!.step) cut = null;
    const out: ServerMessage[] = [];
    let group: MetricRow[] = [];
    const send = () => {
      if (group.length === 0) return;
      const f = followed.get(group[0]!.run_id)!;
      const fresh = group.filter((r) => r.step > f.step || !f.txs.has(r.tx));
      if (fresh.length > 0) {
        for (const stats of statsMessagesFromRows(fresh, f.fill, f.epochs)) out.push({ type: 'training_stats', project: options.project, stats });
        if (group[0]!.step > f.step) f.txs.clear();
        f.step = group[0]!.step;
        for (const r of fresh) f.txs.add(r.tx);
      }
      group = [];
    };
    for (const r of rows) {
      if (cut && r.run_id === cut.run_id && r.step === cut.step) break;
      if (group.length > 0 && (group[0]!.run_id !== r.run_id || group[0]!.step !== r.step)) send();
      group.push(r);
    }
    send();
    return out;
  }

  function logMessages(rows: readonly LogRow[]): ServerMessage[] {
    const out: ServerMessage[] = [];
    for (const r of rows) {
      const f = followed.get(r.run_id)!;
      const known = f.counts.get(r.id);
      if (r.id <= f.lastLog && (known === undefined || known === r.count)) continue;
      f.counts.set(r.id, r.count);
      f.lastLog = Math.max(f.lastLog, r.id);
      const log: LogView = logView({ id: r.id, runId: r.run_id, time: r.time, level: r.level as LogView['level'], category: r.category, message: r.message, spam: r.spam === 1, count: r.count });
      out.push({ type: 'training_log', project: options.project, log });
    }
    for (const f of followed.values()) {
      // only the newest lines of a run can still be bumped
      const recent = [...f.counts.keys()].sort((a, b) => b - a).slice(RECENT_LOGS);
      for (const id of recent) f.counts.delete(id);
    }
    return out;
  }

  function weightMessages(rows: ReadonlyArray<{ run_id: string; id: number }>): ServerMessage[] {
    // the newest snapshot of each run that got one: the weight sheet shows only the latest
    const out: ServerMessage[] = [];
    for (const r of rows) {
      followed.get(r.run_id)!.lastSnapshot = r.id;
      const snapshot = options.store.latestSnapshot(r.run_id);
      if (snapshot) out.push({ type: 'weights_update', project: options.project, runId: r.run_id, step: snapshot.step, tensors: tensorViews(snapshot.tensors) });
    }
    return out;
  }

  const interval = options.intervalMs ?? SHARED_FOLLOW_INTERVAL_MS;
  const timer = interval > 0 ? setInterval(poll, interval) : null;
  timer?.unref();
  return {
    poll,
    close() {
      if (timer) clearInterval(timer);
    },
  };
}

/**
 * Each followed run's metric rows from its step on. Its metric names first (a loose scan of the
 * (run_id, name, step) index), then each name's rows: index ranges, not every row of a long run
 * at every poll. OFFSET 0 keeps the lateral scan per name (joined flat, the planner reads the
 * whole table).
 */
const SQL_METRICS = `
  WITH RECURSIVE names AS (
    SELECT w.run_id, w.step, (SELECT min(name) FROM nnc.metrics WHERE run_id = w.run_id) AS name
    FROM unnest($1::text[], $2::int[]) AS w(run_id, step)
    UNION ALL
    SELECT n.run_id, n.step, (SELECT min(name) FROM nnc.metrics WHERE run_id = n.run_id AND name > n.name)
    FROM names n WHERE n.name IS NOT NULL
  )
  SELECT m.tx, m.run_id, m.step, m.epoch, m.name, m.value
  FROM names n CROSS JOIN LATERAL (
    SELECT xmin::text AS tx, run_id, step, epoch, name, value FROM nnc.metrics
    WHERE run_id = n.run_id AND name = n.name AND step >= n.step
    OFFSET 0
  ) m
  WHERE n.name IS NOT NULL
  ORDER BY m.run_id, m.step LIMIT $3`;

/** Each followed run's log lines from an id on. */
const SQL_LOGS = `
  SELECT l.id, l.run_id, l.time, l.level, l.category, l.message, l.spam, l.count
  FROM unnest($1::text[], $2::bigint[]) AS w(run_id, first)
  CROSS JOIN LATERAL (SELECT * FROM nnc.logs WHERE run_id = w.run_id AND id >= w.first OFFSET 0) l
  ORDER BY l.id LIMIT $3`;

/** Each followed run's newest snapshot id, where it has one after an id. */
const SQL_SNAPSHOTS = `
  SELECT s.run_id, max(s.id) AS id
  FROM unnest($1::text[], $2::bigint[]) AS w(run_id, after)
  CROSS JOIN LATERAL (SELECT run_id, id FROM nnc.snapshots WHERE run_id = w.run_id AND id > w.after OFFSET 0) s
  GROUP BY s.run_id`;
