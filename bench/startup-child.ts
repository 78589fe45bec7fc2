// One fresh process's steps of a predict, each timed (wall, and this
// process's CPU), for bench/startup.bench.ts, which builds this file with
// every nnc module in a chunk of its own (esbuild splitting, as dist/ is), so
// each import below loads only when it runs.
//   node bench/.tmp/startup-child/startup-child.js inference|full <project> <input>
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** One fresh process: the steps of a predict, each timed. */
export async function child(kind: 'inference' | 'full', project: string, input: string): Promise<void> {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // [wall ms, CPU ms]; node start-up: up to this file's first line
  const out: Record<string, [number, number]> = { 'node start-up': [performance.now(), cpuNow()] };
  let t = performance.now();
  let c = cpuNow();
  const lap = (name: string) => {
    const now = performance.now();
    const cpu = cpuNow();
    out[name] = [now - t, cpu - c];
    t = now;
    c = cpu;
  };
  const require = createRequire(import.meta.url);
  let tf: typeof import('@tensorflow/tfjs');
  if (kind === 'full') {
    tf = require('@tensorflow/tfjs');
    lap('require @tensorflow/tfjs (everything)');
  } else {
    const core = require('@tensorflow/tfjs-core');
    lap('require tfjs-core');
    const layers = require('@tensorflow/tfjs-layers');
    lap('require tfjs-layers');
    const { registerChainedOps } = await import('../src/runtime/backend/chained-ops.js');
    registerChainedOps(core);
    tf = { ...core, ...layers };
    lap('tensor methods');
  }
  require('@tensorflow/tfjs-backend-wasm');
  lap('require tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
  lap('wasm backend start (compile + instantiate)');
  const { installKernels } = await import('../src/runtime/backend/kernels/register.js');
  installKernels('wasm');
  lap('nnc kernels registered');
  const { simdFor } = await import('../src/runtime/backend/kernels/simd/wasm-backend.js');
  simdFor(tf.backend());
  lap('nnc SIMD module (assemble + compile)');
  await import('better-sqlite3');
  lap('import better-sqlite3');
  const { createRunStore } = await import('../src/runtime/store/store.js');
  const { findRun, loadRun } = await import('../src/runtime/predict/load.js');
  const store = createRunStore(project, { readonly: true });
  const run = findRun(store, undefined);
  if (typeof run === 'string') throw new Error(run);
  lap('store opened read-only, run found');
  rmSync(join(project, '.nnc', 'plan-cache.json'), { force: true });
  const { staleModel } = await import('../src/runtime/predict/stale.js');
  await staleModel(project, run);
  lap('stale check, cold: compile (once after a change)');
  await staleModel(project, run);
  lap('stale check, remembered');
  const loaded = await loadRun(tf as never, store, run, 'best');
  if (typeof loaded === 'string') throw new Error(loaded);
  lap('model loaded');
  const { createPredictor } = await import('../src/runtime/predict/predict.js');
  const head = loaded.plan.heads[0];
  const features = loaded.plan.project.input.type === 'features';
  const predictor = createPredictor(tf as never, loaded.model, loaded.plan, head, loaded.scaling, {});
  await predictor.predict([features ? input.split(',').map(Number) : input]);
  lap('one prediction');
  // the same again: what is left when every kernel and code path has run once (tokenizing, the forward pass)
  await predictor.predict([features ? input.split(',').map(Number) : input]);
  lap('the same prediction again (warm)');
  store.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}


await child(process.argv[2] as 'inference' | 'full', process.argv[3], process.argv[4]);
