// TensorFlow.js for the commands that run a model (predict, evaluate, serve,
// import): a backend that cannot start is a sentence saying what to install,
// not a stack.
import { UserError } from './command.js';
import type { LoadOptions } from '../runtime/backend/index.js';
import type { Tf } from '../runtime/emit/tf.js';

/** The tf of `--backend` (or the default); a failure exits with `exitCode`. */
export async function loadBackend(backend: string | undefined, exitCode: number, options: LoadOptions = {}): Promise<Tf> {
  const { loadTf } = await import('../runtime/backend/index.js');
  try {
    return (await loadTf(backend, options)).tf;
  } catch (error) {
    throw new UserError((error as Error).message, exitCode);
  }
}
