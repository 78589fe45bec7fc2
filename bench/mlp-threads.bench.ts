// Issue 17, point 2: can the MLP (64-256-256-10, batch 64) use the second
// core? Data-parallel training step: the main thread and one worker thread
// (bench/mlp-threads.worker.ts, its own TensorFlow.js on wasm with nnc's
// kernels) each take half of the batch; the worker reads the weights from a
// SharedArrayBuffer, writes its gradients and loss back, Atomics hand off;
// the main thread averages the two halves' gradients (= the full batch's) and
// applies nnc's Adam. Against the same step on one thread, in interleaved
// rounds: samples/s by wall time, the process's CPU time (both threads), the
// load average, and whether both give the same losses (to float tolerance:
// the halves are summed in another order).
//   node scripts/bench.mjs --only mlp-threads          BENCH_ROUNDS=5 BENCH_MS=3000 ...
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as tfjs from '@tensorflow/tfjs';
import { loadTf } from '../src/runtime/backend/index.js';
import { nncOps } from '../src/runtime/ops/index.js';
import { BATCH, BATCHES, CTRL, PARAMS, SHAPES, SIZES, batchOf, createShared, gradients, initialWeights, writeWeights, type Shared } from './mlp-threads.shared.js';

const WORKER_DIR = resolve('bench/.tmp/mlp-threads');
const { tf } = await loadTf('wasm');
const data = Array.from({ length: BATCHES }, (_, b) => batchOf(tf, b));

interface Trainer {
  /** one step on batch (step - 1) % BATCHES; its loss */
  step(step: number): number;
  dispose(): Promise<void>;
}

function singleThread(): Trainer {
  const v = initialWeights(tf);
  const adam = nncOps(tf).createAdam(1e-3);
  return {
    step(step) {
      const { x, y } = data[(step - 1) % BATCHES];
      const { loss, grads } = gradients(tf, v, x, y, 0, BATCH);
      adam.applyGradients(Object.fromEntries(v.map((w, i) => [w.name, grads[i]])) as never);
      const value = loss.dataSync()[0];
      tf.dispose([loss, ...grads]);
      return value;
    },
    async dispose() {
      adam.dispose();
      tf.dispose(v);
    },
  };
}

async function twoThreads(): Promise<Trainer> {
  const shared: Shared = createShared();
  const ctrl = new Int32Array(shared.ctrl);
  const weights = new Float32Array(shared.weights);
  const theirs = new Float32Array(shared.grads);
  const worker = new Worker(resolve(WORKER_DIR, 'mlp-threads.worker.js'), { workerData: shared });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  // ready when the worker has loaded TensorFlow.js and built its copy of the model
  while (Atomics.load(ctrl, CTRL.done) !== -1) await Promise.race([new Promise((r) => setTimeout(r, 5)), failed]);
  const v = initialWeights(tf);
  const adam = nncOps(tf).createAdam(1e-3);
  return {
    step(step) {
      writeWeights(v, weights);
      Atomics.store(ctrl, CTRL.step, step);
      Atomics.notify(ctrl, CTRL.step);
      const { x, y } = data[(step - 1) % BATCHES];
      const mine = gradients(tf, v, x, y, 0, BATCH / 2);
      const own = mine.loss.dataSync()[0];
      while (Atomics.load(ctrl, CTRL.done) !== step) Atomics.wait(ctrl, CTRL.done, Atomics.load(ctrl, CTRL.done), 1000);
      let offset = 0;
      const averaged = tf.tidy(() =>
        Object.fromEntries(v.map((w, i) => {
          const other = tf.tensor(theirs.subarray(offset, offset + SIZES[i]), SHAPES[i] as number[]);
          offset += SIZES[i];
          return [w.name, tf.mul(tf.add(mine.grads[i], other), 0.5)];
        })),
      );
      adam.applyGradients(averaged as never);
      const loss = (own + theirs[PARAMS]) / 2;
      tf.dispose([mine.loss, ...mine.grads, ...Object.values(averaged)]);
      return loss;
    },
    async dispose() {
      Atomics.store(ctrl, CTRL.quit, 1);
      Atomics.add(ctrl, CTRL.step, 1);
      Atomics.notify(ctrl, CTRL.step);
      await worker.terminate();
      adam.dispose();
      tf.dispose(v);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** samples/s by wall time and by process CPU time (every thread), over budgetMs of steps after 20 warm-up steps. */
function speed(trainer: Trainer, budgetMs: number): { wall: number; cpu: number; steps: number; load: number } {
  for (let s = 1; s <= 20; s++) trainer.step(s);
  const load = loadavg()[0];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < budgetMs) trainer.step(21 + steps++);
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall: (steps * BATCH * 1000) / wallMs, cpu: (steps * BATCH * 1000) / ((c.user + c.system) / 1000), steps, load };
}

async function main(): Promise<void> {
  await build({ entryPoints: ['bench/mlp-threads.worker.ts'], outdir: WORKER_DIR, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const budget = Number(process.env.BENCH_MS ?? 2000);

  // the same losses: 40 steps each way from the same weights
  let threads: Trainer;
  try {
    threads = await twoThreads();
  } catch (error) {
    console.log(`Worker threads unavailable here (${(error as Error).message}): one thread only.`);
    return;
  }
  const one = singleThread();
  let worst = 0;
  for (let s = 1; s <= 40; s++) {
    const a = one.step(s);
    const b = threads.step(s);
    worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(a), 1e-6));
  }
  await one.dispose();
  await threads.dispose();
  console.log(`Losses over 40 steps, two threads against one: largest relative difference ${worst.toExponential(2)}.\n`);

  console.log('| round | load | one thread samples/s (wall / CPU) | two threads samples/s (wall / CPU) | two / one (wall) |\n|---|---|---|---|---|');
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['one', 'two'] : ['two', 'one'];
    const got: Record<string, ReturnType<typeof speed>> = {};
    for (const kind of order) {
      const trainer = kind === 'one' ? singleThread() : await twoThreads();
      got[kind] = speed(trainer, budget);
      await trainer.dispose();
    }
    ratios.push(got.two.wall / got.one.wall);
    const f = (v: number) => Math.round(v).toLocaleString('en-US');
    console.log(`| ${r + 1} | ${got.one.load.toFixed(1)} / ${got.two.load.toFixed(1)} | ${f(got.one.wall)} / ${f(got.one.cpu)} | ${f(got.two.wall)} / ${f(got.two.cpu)} | ${ratios[r].toFixed(2)} |`);
  }
  console.log(`\nTwo threads / one thread, median of ${rounds} rounds: ${median(ratios).toFixed(2)}x samples/s (wall). Parameters: ${PARAMS.toLocaleString('en-US')}.`);
}

await main();
