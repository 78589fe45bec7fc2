// Is a stored model still what the project's files say? predict and export
// compile the files and compare plan hashes: a model of an older
// configuration (or of files that no longer compile) is named in a warning,
// or refused with --strict. The outcome is remembered with the files it was
// compiled from (plan-cache.ts): while they are unchanged the compiler is not
// even loaded, so the check costs a few file stats.
import { nodeHost } from '../../compiler/host.js';
import type { RunRecord } from '../store/types.js';
import { cachedState, recordingHost, rememberState, type CompiledState } from './plan-cache.js';

/** What the project's files compile to now: from the cache when they did not change, else compiled (and remembered). */
export async function currentState(projectDir: string): Promise<CompiledState> {
  const cached = cachedState(projectDir, nodeHost);
  if (cached) return cached;
  const { host, recorded } = recordingHost(nodeHost);
  let state: CompiledState;
  try {
    const { compile } = await import('../../compiler/index.js');
    const current = compile(projectDir, host);
    state = current.plan ? { hash: current.plan.hash } : { errors: current.diagnostics.filter((d) => d.severity === 'error').length };
  } catch (error) {
    state = { failed: (error as Error).message };
  }
  rememberState(projectDir, recorded(), state);
  return state;
}

/** A sentence about how the run's plan and the current files differ, or null when they agree. */
export async function staleModel(projectDir: string, run: RunRecord): Promise<string | null> {
  const current = await currentState(projectDir);
  if ('failed' in current) {
    return `Run ${run.id} was trained on plan ${short(run.planHash)}; the project's files could not be compiled (${current.failed}).`;
  }
  const trained = `run ${run.id} (plan ${short(run.planHash)})`;
  if ('errors' in current) {
    const errors = current.errors;
    return `The project's files do not compile (${errors} ${errors === 1 ? 'error' : 'errors'}; 'nnc check' lists them), so the model of ${trained} may not match them.`;
  }
  if (current.hash === run.planHash) return null;
  return `The model of ${trained} was trained on an older configuration: the project's files now compile to plan ${short(current.hash)}. Train again ('nnc train') to use the current files.`;
}

function short(hash: string): string {
  return hash.slice(0, 8);
}
