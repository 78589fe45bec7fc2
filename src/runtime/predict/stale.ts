// Is a stored model still what the project's files say? predict and export
// compile the files and compare plan hashes: a model of an older
// configuration (or of files that no longer compile) is named in a warning,
// or refused with --strict.
import { compile } from '../../compiler/index.js';
import type { RunRecord } from '../store/types.js';

/** A sentence about how the run's plan and the current files differ, or null when they agree. */
export function staleModel(projectDir: string, run: RunRecord): string | null {
  let current;
  try {
    current = compile(projectDir);
  } catch (error) {
    return `Run ${run.id} was trained on plan ${short(run.planHash)}; the project's files could not be compiled (${(error as Error).message}).`;
  }
  const trained = `run ${run.id} (plan ${short(run.planHash)})`;
  if (!current.plan) {
    const errors = current.diagnostics.filter((d) => d.severity === 'error').length;
    return `The project's files do not compile (${errors} ${errors === 1 ? 'error' : 'errors'}; 'nnc check' lists them), so the model of ${trained} may not match them.`;
  }
  if (current.plan.hash === run.planHash) return null;
  return `The model of ${trained} was trained on an older configuration: the project's files now compile to plan ${short(current.plan.hash)}. Train again ('nnc train') to use the current files.`;
}

function short(hash: string): string {
  return hash.slice(0, 8);
}
