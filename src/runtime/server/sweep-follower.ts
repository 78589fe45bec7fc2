// Sweeps reach the viewer by push: a `sweep_updated` message (the sweep's
// summary and ranked trials, what GET /api/sweeps/{id} returns) whenever a
// sweep's row or one of its trials' rows changes in the store, whichever
// process writes it (`nnc sweep` in another terminal). `nnc view` checks at
// each poll of its store follower (store-follower.ts), `nnc watch` with its
// own timer (createSweepFollower), `nnc view --store` at each poll of its
// shared-store follower (createSweepReaderTracker over the store's
// SweepReader). A cheap query per check finds what
// changed: the sweeps still running, new ones, and those whose status moved;
// only a changed sweep is read whole. Sweeps stored before following began
// are the GET API's: they are not sent.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { ServerMessage, SweepDetailView } from '../../shared/protocol.js';
import { storePath } from '../store/paths.js';
import type { SweepReader, TrialRecord } from '../sweep/sweep-store.js';
import { sweepDetail, sweepSummary, trialViews } from '../sweep/sweep-views.js';

export const SWEEP_FOLLOW_INTERVAL_MS = 500;

export interface SweepTracker {
  /** the messages for what changed since the last check (the first check only takes note of what is there) */
  check(d: Database.Database): ServerMessage[];
}

/** The same over a store's SweepReader (a shared PostgreSQL store: shared-store-follower.ts). */
export interface SweepReaderTracker {
  check(reader: SweepReader): ServerMessage[];
}

interface Seen {
  readonly status: string;
  readonly signature: string;
}

const FINAL = new Set(['completed', 'stopped', 'failed']);

interface SweepSource {
  /** every sweep's id and status, oldest first */
  list(): ReadonlyArray<{ readonly id: string; readonly status: string }>;
  /** changes whenever the sweep's row or one of its trials' rows does */
  signature(id: string): string;
  detail(id: string): SweepDetailView | null;
}

/** What changed: sweeps not seen before, and those whose rows changed, until they were seen ended. */
function createChanges(project: string, fromNow: boolean): (source: SweepSource) => ServerMessage[] {
  const seen = new Map<string, Seen>();
  let first = fromNow;
  return (source) => {
    const out: ServerMessage[] = [];
    for (const { id, status } of source.list()) {
      const was = seen.get(id);
      // a sweep that ended and was sent as ended changes no more
      if (was && was.status === status && FINAL.has(status)) continue;
      const signature = source.signature(id);
      if (was?.signature === signature) continue;
      seen.set(id, { status, signature });
      if (first) continue;
      const detail = source.detail(id);
      if (detail) out.push({ type: 'sweep_updated', project, sweep: detail.sweep, trials: detail.trials });
    }
    first = false;
    return out;
  };
}

export function createSweepTracker(options: { readonly dir: string; readonly project: string; /** false: send sweeps already stored at the first check too */ readonly fromNow?: boolean }): SweepTracker {
  let hasTable = false;
  let fromNow = options.fromNow !== false;
  let changes: ((source: SweepSource) => ServerMessage[]) | null = null;
  return {
    check(d) {
      if (!hasTable) hasTable = d.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sweeps'").get() !== undefined;
      if (!hasTable) {
        // a store without sweep tables yet: every sweep it gets is new
        fromNow = false;
        return [];
      }
      changes ??= createChanges(options.project, fromNow);
      return changes({
        list: () => d.prepare<[], { id: string; status: string }>('SELECT id, status FROM sweeps ORDER BY created_at, id').all(),
        signature(id) {
          const row = d
            .prepare<[string, string], { sweep: string | null; trials: string | null }>(
              `SELECT (SELECT status || '|' || ifnull(ended_at, '') || '|' || info FROM sweeps WHERE id = ?) AS sweep,
                      (SELECT group_concat(trial || ',' || status || ',' || ifnull(value, '') || ',' || epochs || ',' || ifnull(run_id, '') || ',' || ifnull(stopped_at, ''), ';') FROM sweep_trials WHERE sweep_id = ?) AS trials`,
            )
            .get(id, id);
          return `${row?.sweep ?? ''}#${row?.trials ?? ''}`;
        },
        detail: (id) => sweepDetail(options.dir, id),
      });
    },
  };
}

export function createSweepReaderTracker(options: { readonly project: string; readonly fromNow?: boolean }): SweepReaderTracker {
  const changes = createChanges(options.project, options.fromNow !== false);
  return {
    check(reader) {
      const sweeps = new Map(reader.listSweeps().map((s) => [s.id, s]));
      const trials = new Map<string, TrialRecord[]>();
      const trialsOf = (id: string) => trials.get(id) ?? trials.set(id, reader.trials(id)).get(id)!;
      return changes({
        list: () => [...sweeps.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
        signature(id) {
          const s = sweeps.get(id)!;
          return JSON.stringify([s.status, s.endedAt, s.info, trialsOf(id).map((t) => [t.trial, t.status, t.value, t.epochs, t.runId, t.stoppedAt])]);
        },
        detail(id) {
          const s = sweeps.get(id)!;
          return { sweep: sweepSummary(s), trials: trialViews(s, trialsOf(id)) };
        },
      });
    },
  };
}

export interface SweepFollower {
  /** one check now (the timer calls it); returns the messages it sent */
  poll(): ServerMessage[];
  close(): void;
}

/** `nnc watch`: its own read-only connection to the project's store and a timer (0: none; tests call poll). */
export function createSweepFollower(options: { readonly dir: string; readonly project: string; readonly emit: (message: ServerMessage) => void; readonly intervalMs?: number }): SweepFollower {
  const file = storePath(options.dir);
  let db: Database.Database | null = null;
  // a store that exists now is followed from its current sweeps; one created later, from its first
  let tracker = createSweepTracker({ ...options, fromNow: existsSync(file) });

  function poll(): ServerMessage[] {
    if (!db) {
      if (!existsSync(file)) return [];
      try {
        db = new Database(file, { readonly: true, fileMustExist: true });
        db.pragma('busy_timeout = 1000');
      } catch {
        db = null;
        return [];
      }
    }
    let out: ServerMessage[];
    try {
      out = tracker.check(db);
    } catch {
      // a store being migrated or replaced: open it again at the next poll, from what it holds then
      db.close();
      db = null;
      tracker = createSweepTracker({ ...options, fromNow: true });
      return [];
    }
    for (const m of out) options.emit(m);
    return out;
  }

  const interval = options.intervalMs ?? SWEEP_FOLLOW_INTERVAL_MS;
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
