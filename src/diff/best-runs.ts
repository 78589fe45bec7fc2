// The best metrics of the latest completed run of each side's plan, from the
// project's run store. SQLite is loaded only when a store exists.
import { hasStore } from '../runtime/store/paths.js';
import type { RunBest } from './compare.js';

export interface BestRuns {
  readonly base: RunBest | null;
  readonly head: RunBest | null;
  /** why the store could not be read, as a sentence */
  readonly note: string | null;
}

const NONE: BestRuns = { base: null, head: null, note: null };

export async function bestRuns(storeDirs: { base: string; head: string }, planHashes: { base: string | null; head: string | null }): Promise<BestRuns> {
  if (!planHashes.base || !planHashes.head) return NONE;
  if (!hasStore(storeDirs.base) || !hasStore(storeDirs.head)) return NONE;
  const { createRunStore } = await import('../runtime/store/store.js');
  const lookup = (dir: string, planHash: string): RunBest | null => {
    const store = createRunStore(dir, { readonly: true });
    try {
      const run = store.latestRun({ planHash, status: ['completed'] });
      return run ? { id: run.id, best: run.best } : null;
    } finally {
      store.close();
    }
  };
  try {
    const base = lookup(storeDirs.base, planHashes.base);
    const head = lookup(storeDirs.head, planHashes.head);
    return base && head ? { base, head, note: null } : NONE;
  } catch (error) {
    return { base: null, head: null, note: `The run store could not be read, so no metrics are compared: ${(error as Error).message}` };
  }
}
