// `nnc serve <project> --follow`: poll the project's store for a run that
// ended after the one being served, completed, and whose best checkpoint is
// better by the same metric (each run's info.checkpoint: monitor, mode, value).
// The better run's model is loaded beside the served one, then swapped in
// (prediction-server.ts: requests already in the model finish on the old one).
// A poll that fails (a store being written, a checkpoint that does not load)
// leaves the served model alone and says why once.
import type { Tf } from '../emit/tf.js';
import type { RunRecord, RunStore } from '../store/types.js';
import { loadServedModel, type ServedModel } from './served-model.js';

export interface FollowOptions {
  readonly tf: Tf;
  readonly dir: string;
  /** the folder as the user wrote it, for messages */
  readonly shown: string;
  /** the run served now */
  readonly runId: string;
  /** ms between polls */
  readonly intervalMs: number;
  /** called with the better run's model, ready to serve */
  readonly swap: (served: ServedModel) => void;
  readonly log: (line: string) => void;
  /** opens the store read-only (tests pass their own); default createRunStore */
  readonly openStore?: (dir: string) => Promise<RunStore>;
}

export interface Follower {
  /** the run served now */
  current(): string;
  /** one poll now (the timer's own polls also call this); resolves with the run swapped in, or null */
  poll(): Promise<string | null>;
  stop(): Promise<void>;
}

/** The checkpoint metric a run's model was picked by: its name, mode and value (null for runs that stored none). */
export function checkpointMetric(run: RunRecord): { monitor: string; mode: 'min' | 'max'; value: number } | null {
  const info = run.info['checkpoint'] as { monitor?: string; mode?: string; value?: number | null } | undefined;
  if (!info?.monitor || (info.mode !== 'min' && info.mode !== 'max')) return null;
  const value = info.value ?? run.best[info.monitor];
  return typeof value === 'number' && Number.isFinite(value) ? { monitor: info.monitor, mode: info.mode, value } : null;
}

/** The best newer completed run that beats `current` by its checkpoint metric, or null. */
export function betterRun(runs: readonly RunRecord[], current: RunRecord): RunRecord | null {
  const served = checkpointMetric(current);
  if (!served) return null;
  const since = current.endedAt ?? current.startedAt;
  const better = (a: number, b: number) => (served.mode === 'min' ? a < b : a > b);
  let best: RunRecord | null = null;
  let bestValue = served.value;
  for (const run of runs) {
    if (run.id === current.id || run.status !== 'completed' || (run.endedAt ?? 0) <= since) continue;
    const metric = checkpointMetric(run);
    if (!metric || metric.monitor !== served.monitor || !better(metric.value, bestValue)) continue;
    best = run;
    bestValue = metric.value;
  }
  return best;
}

export function followBetterRuns(options: FollowOptions): Follower {
  let current = options.runId;
  let polling: Promise<string | null> | null = null;
  let stopped = false;
  const said = new Set<string>();
  const once = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    options.log(line);
  };
  const openStore = options.openStore ?? (async (dir: string) => (process.env.NNC_STORE ? (await import('../store/open-store.js')).openRunStore : (await import('../store/store.js')).createRunStore)(dir, { readonly: true }));

  async function pollOnce(): Promise<string | null> {
    let candidate: RunRecord | null = null;
    let served: RunRecord | null = null;
    try {
      const store = await openStore(options.dir);
      try {
        served = store.getRun(current);
        if (served) candidate = betterRun(store.listRuns(), served);
      } finally {
        store.close();
      }
    } catch (error) {
      once(`nnc serve --follow: cannot read the store of '${options.shown}' (${(error as Error).message}); still serving run ${current}.`);
      return null;
    }
    if (!served || !candidate || stopped) return null;
    const loaded = await loadServedModel(options.tf, options.dir, options.shown, candidate.id).catch((error: Error) => error.message);
    if (typeof loaded === 'string') {
      once(`nnc serve --follow: run ${candidate.id} is better but its model does not load (${loaded}); still serving run ${current}.`);
      return null;
    }
    if (stopped) {
      loaded.model.dispose();
      return null;
    }
    const before = checkpointMetric(served)!;
    const after = checkpointMetric(candidate)!;
    options.swap(loaded);
    options.log(`nnc serve: now serving run ${candidate.id} (${after.monitor} ${after.value.toPrecision(4)}, better than ${before.value.toPrecision(4)} of run ${current}).`);
    current = candidate.id;
    return current;
  }

  const poll = () => (polling ??= pollOnce().finally(() => (polling = null)));
  const timer = setInterval(() => void poll(), options.intervalMs);
  timer.unref();
  return {
    current: () => current,
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}
