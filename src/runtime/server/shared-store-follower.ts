// Live `nnc view --store postgres://…`: runs that workers and other machines
// add to a shared store reach the open pages as run_started and run_ended
// (their curves, logs and weights come from the GET API when a page asks),
// and sweeps as sweep_updated.
// One poll per second per project over its read-only store; following starts
// at the runs already stored when it starts.
import type { ServerMessage } from '../../shared/protocol.js';
import type { RunStatus, RunStore } from '../store/types.js';
import type { SweepReader } from '../sweep/sweep-store.js';
import { createSweepReaderTracker } from './sweep-follower.js';
import { runView } from './views.js';

export const SHARED_FOLLOW_INTERVAL_MS = 1000;

export interface SharedStoreFollower {
  /** one poll now (the timer calls it); returns the messages it sent */
  poll(): ServerMessage[];
  close(): void;
}

export function createSharedStoreFollower(options: {
  readonly store: RunStore;
  readonly project: string;
  readonly emit: (message: ServerMessage) => void;
  /** default SHARED_FOLLOW_INTERVAL_MS; 0: no timer (tests call poll) */
  readonly intervalMs?: number;
}): SharedStoreFollower {
  const statuses = new Map<string, RunStatus>();
  for (const run of options.store.listRuns({ limit: 200 })) statuses.set(run.id, run.status);
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

  function poll(): ServerMessage[] {
    const out: ServerMessage[] = [];
    let runs;
    try {
      runs = options.store.listRuns({ limit: 200 });
    } catch {
      return out; // the store is unreachable for now: the next poll tries again
    }
    for (const run of [...runs].reverse()) {
      const before = statuses.get(run.id);
      if (before === undefined) out.push({ type: 'run_started', project: options.project, run: runView(run) });
      if (run.status !== 'running' && before !== run.status) out.push({ type: 'run_ended', project: options.project, run: runView(run) });
      statuses.set(run.id, run.status);
    }
    out.push(...sweepMessages());
    for (const message of out) options.emit(message);
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
