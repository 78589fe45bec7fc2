// Picks and starts the TensorFlow.js backend. Everything TensorFlow.js is
// loaded lazily here, so commands that never train (nnc check) never load it.
// TensorFlow.js' packages are CommonJS: they are loaded with require, which
// skips the scan ESM import() makes of every file for its export names (a
// quarter of the load time of @tensorflow/tfjs). nnc loads tfjs-core and
// tfjs-layers, never tfjs-converter, tfjs-data or the webgl backend, which
// @tensorflow/tfjs would load and nnc never uses (half the load time;
// BENCHMARKS.md); the cpu backend only when it is the one started. A process
// that only runs models (nnc predict) asks for `inference`: no gradients
// either. Training adds the gradients of tfjs-core's ops from
// dist/tfjs-gradients.cjs (tfjs-gradients.entry.mjs); where that file is
// missing (running from the sources) or NNC_FULL_TFJS=1, the whole @tensorflow/tfjs.
import type * as tfjs from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstalledKernels } from './kernels/register.js';

export type Tf = typeof tfjs;

export interface LoadedTf {
  readonly tf: Tf;
  /** 'node', 'wasm' or 'cpu' */
  readonly backend: string;
  /** What was tried and why it was or was not picked, and the kernels nnc installed. */
  readonly notes: string[];
}

/** Backend names a user can ask for, in the order tried when none is asked for. */
export const BACKENDS = ['node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const ALIASES: Record<string, BackendName> = { node: 'node', tensorflow: 'node', wasm: 'wasm', cpu: 'cpu' };

export interface LoadOptions {
  /**
   * Only inference (forward passes of a loaded model): TensorFlow.js without
   * gradients, tfjs-converter, tfjs-data or the webgl backend. A later call
   * without it in the same process loads the rest.
   */
  readonly inference?: boolean;
}

const loads = new Map<string, Promise<LoadedTf>>();
const requireTf = createRequire(import.meta.url);

/**
 * Loads TensorFlow.js and starts a backend: `requested`, else env NNC_BACKEND,
 * else the first of node (@tensorflow/tfjs-node), wasm (with nnc's kernels),
 * cpu (with nnc's kernels) that starts. A backend that was asked for and cannot
 * start is an Error whose message says what to install or which names exist.
 * Calling it again with the same request returns the same result.
 */
export async function loadTf(requested?: string, options: LoadOptions = {}): Promise<LoadedTf> {
  const wanted = (requested ?? process.env.NNC_BACKEND ?? '').trim().toLowerCase();
  const inference = options.inference === true;
  // a full load serves inference too
  let load = loads.get(wanted) ?? (inference ? loads.get(`${wanted}#inference`) : undefined);
  if (!load) {
    const key = inference ? `${wanted}#inference` : wanted;
    load = start(wanted, inference);
    loads.set(key, load);
    load.catch(() => loads.delete(key));
    return load;
  }
  const loaded = await load;
  // Another call may have switched the global backend since: switch back.
  const tfName = loaded.backend === 'node' ? 'tensorflow' : loaded.backend;
  if (loaded.tf.getBackend() !== tfName) await loaded.tf.setBackend(tfName);
  return loaded;
}

/** TensorFlow.js for inference only: tfjs-core's and tfjs-layers' exports (with tensor methods) in one object, as @tensorflow/tfjs has them. */
async function inferenceTf(): Promise<Tf> {
  const core = requireTf('@tensorflow/tfjs-core') as Tf;
  const layers = requireTf('@tensorflow/tfjs-layers') as object;
  const { registerChainedOps } = await import('./chained-ops.js');
  registerChainedOps(core);
  return { ...core, ...layers } as Tf;
}

/**
 * TensorFlow.js for training: the inference set plus the gradients of
 * tfjs-core's ops (dist/tfjs-gradients.cjs, the same registrations
 * @tensorflow/tfjs makes). The whole @tensorflow/tfjs when that file cannot
 * be loaded, was built from another tfjs-core, or NNC_FULL_TFJS=1.
 */
async function trainingTf(): Promise<Tf> {
  const core = requireTf('@tensorflow/tfjs-core') as Tf;
  // a gradient registered before (nnc's Tile gradient, by an inference load in this process) stays
  const tile = core.getGradient('Tile');
  let tf: Tf | null = null;
  if (process.env.NNC_FULL_TFJS !== '1') {
    const lean = await inferenceTf();
    if (registerGradients(core.version_core)) tf = lean;
  }
  tf ??= requireTf('@tensorflow/tfjs') as Tf;
  if (tile) core.registerGradient(tile);
  return tf;
}

/** Loads dist/tfjs-gradients.cjs (beside this module once built); false when it is not there or is not for this tfjs-core. */
function registerGradients(coreVersion: string): boolean {
  let file: string;
  try {
    file = fileURLToPath(new URL('./tfjs-gradients.cjs', import.meta.url));
  } catch {
    return false;
  }
  if (!existsSync(file)) return false;
  try {
    return (requireTf(file) as { tfjsCoreVersion?: string }).tfjsCoreVersion === coreVersion;
  } catch {
    return false;
  }
}

async function start(wanted: string, inference: boolean): Promise<LoadedTf> {
  let order: readonly BackendName[] = BACKENDS;
  if (wanted !== '') {
    const name = ALIASES[wanted];
    if (!name) {
      throw new Error(`Unknown TensorFlow.js backend '${wanted}'. Use one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}.`);
    }
    order = [name];
  }
  // before any backend starts: nnc's kernels then replace some of these gradients (Tile's)
  const tf = inference ? await inferenceTf() : await trainingTf();
  const notes: string[] = [];
  for (const name of order) {
    const failure = await tryBackend(tf, name, notes);
    if (failure == null) return { tf, backend: name, notes };
    if (wanted !== '') throw new Error(failure);
    notes.push(failure);
  }
  throw new Error('No TensorFlow.js backend could start (tried node, wasm and cpu).');
}

/** Starts one backend; returns null when it runs, else a sentence saying why not. */
async function tryBackend(tf: Tf, name: BackendName, notes: string[]): Promise<string | null> {
  if (name === 'node') {
    const specifier = '@tensorflow/tfjs-node';
    // a package whose install could not download libtensorflow has no addon: importing it would load all of
    // @tensorflow/tfjs first (~1 s of every start-up) only to fail
    const incomplete = missingAddon();
    if (incomplete) return incomplete;
    try {
      await import(specifier);
    } catch (error) {
      const code = (error as { code?: string }).code;
      return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
        ? NODE_MISSING
        : `The 'node' backend failed to load @tensorflow/tfjs-node: ${(error as Error).message}`;
    }
    if (!(await tf.setBackend('tensorflow'))) return "The 'node' backend (@tensorflow/tfjs-node) loaded but failed to start.";
    notes.push('Backend node: @tensorflow/tfjs-node (libtensorflow).');
    return null;
  }
  if (name === 'wasm') {
    try {
      requireTf('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      return `The 'wasm' backend failed to load @tensorflow/tfjs-backend-wasm: ${(error as Error).message}`;
    }
    // setBackend resolves false (and stays on the old backend) when wasm cannot start.
    if (!(await tf.setBackend('wasm'))) return "The 'wasm' backend failed to start (@tensorflow/tfjs-backend-wasm could not instantiate its WebAssembly module).";
    notes.push('Backend wasm: @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, one thread).');
    noteKernels(notes, await installNncKernels('wasm'));
    await shareSaved(tf, notes);
    const { simdFor } = await import('./kernels/simd/wasm-backend.js');
    const simd = simdFor(tf.backend());
    notes.push(simd
      ? `nnc WebAssembly kernels: ${simd.mode === 'relaxed-simd' ? 'SIMD with fused multiply-add (relaxed SIMD)' : 'SIMD'}.`
      : 'nnc WebAssembly kernels unavailable here; stock wasm products are used.');
    return null;
  }
  // the full @tensorflow/tfjs registers the cpu backend; an inference-only load does it here
  if (!tf.findBackend('cpu')) {
    try {
      requireTf('@tensorflow/tfjs-backend-cpu');
    } catch (error) {
      return `The 'cpu' backend failed to load @tensorflow/tfjs-backend-cpu: ${(error as Error).message}`;
    }
  }
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  // The cpu backend prints an install-tfjs-node banner on first use; loadTf's notes say it instead.
  if (cpu) cpu.firstUse = false;
  if (!(await tf.setBackend('cpu'))) return "The 'cpu' backend failed to start.";
  notes.push('Backend cpu: plain JavaScript kernels, the slowest; install @tensorflow/tfjs-node or use wasm.');
  noteKernels(notes, await installNncKernels('cpu'));
  await shareSaved(tf, notes);
  return null;
}

const NODE_MISSING = "The 'node' backend needs @tensorflow/tfjs-node, which is not installed (npm install @tensorflow/tfjs-node; its install downloads libtensorflow).";

/** Why @tensorflow/tfjs-node cannot load, seen without loading it: absent, or its native addon (tfjs_binding.node, lib/napi-v<n>/) missing; null when it is there. */
function missingAddon(): string | null {
  let root: string;
  try {
    root = dirname(requireTf.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return NODE_MISSING;
  }
  const lib = join(root, 'lib');
  try {
    if (readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')))) return null;
  } catch {
    // no lib/ folder: the addon was never built
  }
  return `The 'node' backend needs @tensorflow/tfjs-node, which is not installed completely: its native addon (${join(lib, 'napi-v<n>', 'tfjs_binding.node')}) is missing, as when its install could not download libtensorflow (npm rebuild @tensorflow/tfjs-node).`;
}

async function installNncKernels(backend: string): Promise<InstalledKernels> {
  const { installKernels } = await import('./kernels/register.js');
  return installKernels(backend);
}

/** Tensors saved for first-order gradients share their data instead of an Identity dispatch each (saved-tensors.ts); NNC_TAPE_CLONES=1 keeps tfjs' own. */
async function shareSaved(tf: Tf, notes: string[]): Promise<void> {
  if (process.env.NNC_TAPE_CLONES === '1') return;
  const { shareSavedTensors } = await import('./saved-tensors.js');
  shareSavedTensors(tf);
  notes.push('Tensors saved for the backward pass share their data (no Identity dispatch or tape node each).');
}

function noteKernels(notes: string[], kernels: InstalledKernels): void {
  const names = kernels.installed.map((line) => line.slice(0, line.indexOf(':')));
  notes.push(`nnc kernels installed: ${names.join(', ')}.`);
}
