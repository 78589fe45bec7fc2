// The run that predict, evaluate and export read (--run, or the latest with a
// model), checked against what the project's files compile to now.
import { UserError } from './command.js';
import type { RunRecord, RunStore } from '../runtime/store/types.js';

/** The chosen run; a model whose plan differs from the project's is a warning on stderr, refused (exit 1) with --strict. */
export async function chosenRun(store: RunStore, dir: string, runId: string | undefined, strict: boolean): Promise<RunRecord> {
  const { findRun } = await import('../runtime/predict/load.js');
  const run = findRun(store, runId);
  if (typeof run === 'string') throw new UserError(run, 1);
  const { staleModel } = await import('../runtime/predict/stale.js');
  const stale = await staleModel(dir, run);
  if (stale && strict) throw new UserError(`${stale} (--strict)`, 1);
  if (stale) process.stderr.write(`warning: ${stale}\n`);
  return run;
}
