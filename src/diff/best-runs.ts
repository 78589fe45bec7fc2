// The metrics a diff compares: the committed metrics files of both sides when
// both exist (CI has no run store), else the best completed run of each
// side's plan from the project's run store (SQLite is loaded only when a
// store exists), or from the shared store --store / NNC_STORE names. Says
// which it used.
import { hasStore } from '../runtime/store/paths.js';
import type { RunRecord } from '../runtime/store/types.js';
import { metricMode } from '../compiler/metric-catalog.js';
import type { RunBest } from './compare.js';
import { flatMetrics, readSideMetrics } from './metrics-files.js';
import type { SideSpec } from './sides.js';

export interface BestRuns {
  readonly base: RunBest | null;
  readonly head: RunBest | null;
  /** why the metrics could not be compared, or what they are, as a sentence */
  readonly note: string | null;
  /** where the metrics come from */
  readonly source?: { readonly kind: 'files'; readonly path: string } | { readonly kind: 'store' };
}

const NONE: BestRuns = { base: null, head: null, note: null };

export async function bestRuns(
  storeDirs: { base: string; head: string },
  planHashes: { base: string | null; head: string | null },
  sides?: { base: SideSpec; head: SideSpec; metricsFile: string },
): Promise<BestRuns> {
  if (sides) {
    const base = readSideMetrics(sides.base, sides.metricsFile);
    const head = readSideMetrics(sides.head, sides.metricsFile);
    const errors = [base, head].flatMap((s) => ('error' in s ? [s.error] : []));
    if ('file' in base && 'file' in head) {
      const notes: string[] = [];
      for (const [name, side, hash] of [['base', base.file, planHashes.base], ['head', head.file, planHashes.head]] as const) {
        if (hash && side.planHash !== hash) notes.push(`The ${name}'s '${sides.metricsFile}' was written for plan ${side.planHash.slice(0, 8)}, but the ${name} compiles to plan ${hash.slice(0, 8)}: its metrics may be stale (run 'nnc train --metrics-out ${sides.metricsFile}' again).`);
      }
      return {
        base: { id: base.file.runId, best: flatMetrics(base.file) },
        head: { id: head.file.runId, best: flatMetrics(head.file) },
        note: notes.length ? notes.join(' ') : null,
        source: { kind: 'files', path: sides.metricsFile },
      };
    }
    const fromStore = await storeRuns(storeDirs, planHashes);
    const missing = [['base', base], ['head', head]].filter(([, s]) => typeof s === 'object' && 'missing' in s).map(([n]) => n);
    const why = errors.length ? errors.join(' ') : missing.length < 2 ? `The ${missing.join(' and ')} has no '${sides.metricsFile}', so the metrics files were not compared.` : null;
    const note = [why, fromStore.note].filter(Boolean).join(' ') || null;
    return { ...fromStore, note };
  }
  return storeRuns(storeDirs, planHashes);
}

async function storeRuns(storeDirs: { base: string; head: string }, planHashes: { base: string | null; head: string | null }): Promise<BestRuns> {
  if (!planHashes.base || !planHashes.head) return NONE;
  // the project's SQLite store, or the shared one that --store / NNC_STORE names (open-store.ts)
  const shared = Boolean(process.env.NNC_STORE);
  if (!shared && (!hasStore(storeDirs.base) || !hasStore(storeDirs.head))) return NONE;
  const { openRunStore } = await import('../runtime/store/open-store.js');
  const lookup = (dir: string, planHash: string): RunBest | null => {
    const store = openRunStore(dir, { readonly: true });
    try {
      const run = bestRun(store.listRuns().filter((r) => r.planHash === planHash && r.status === 'completed'));
      return run ? { id: run.id, best: run.best } : null;
    } finally {
      store.close();
    }
  };
  try {
    const base = lookup(storeDirs.base, planHashes.base);
    const head = lookup(storeDirs.head, planHashes.head);
    return base && head ? { base, head, note: null, source: { kind: 'store' } } : NONE;
  } catch (error) {
    return { base: null, head: null, note: `The run store could not be read, so no metrics are compared: ${(error as Error).message}` };
  }
}

/**
 * The best of a plan's completed runs: by the metric that picked each run's
 * checkpoint (its value at the best epoch), else by val_loss, else loss; the
 * newest wins a tie.
 */
export function bestRun(runs: readonly RunRecord[]): RunRecord | null {
  let best: RunRecord | null = null;
  let bestScore = Number.NaN;
  for (const run of runs) {
    const checkpoint = run.info.checkpoint as { monitor?: string; mode?: 'min' | 'max'; value?: number | null } | undefined;
    const monitor = checkpoint?.monitor ?? (run.best.val_loss !== undefined ? 'val_loss' : 'loss');
    const value = typeof checkpoint?.value === 'number' ? checkpoint.value : run.best[monitor];
    if (value === undefined || !Number.isFinite(value)) {
      best ??= run;
      continue;
    }
    // lower is better after the sign flip
    const score = (checkpoint?.mode ?? metricMode(monitor)) === 'max' ? -value : value;
    if (Number.isNaN(bestScore) || score < bestScore || (score === bestScore && run.startedAt > best!.startedAt)) {
      best = run;
      bestScore = score;
    }
  }
  return best;
}
