// loadTf's choice of backend, and every kernel nnc installs compared with the
// stock cpu kernels (values and gradients) on random shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTf, type Tf } from '../src/runtime/backend/index.js';
import { installKernels } from '../src/runtime/backend/kernels/register.js';
// a seeded uniform generator: random(seed)() is in [0, 1)
import { mulberry32 as random } from '../src/runtime/train/random.js';

let tf: Tf;

beforeAll(async () => {
  ({ tf } = await loadTf('wasm'));
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

function between(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function floats(rand: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

type Result = Float32Array[];

/** Runs fn on a backend and returns every output as plain arrays. */
async function on(backend: string, fn: () => import('@tensorflow/tfjs').Tensor[]): Promise<Result> {
  await tf.setBackend(backend);
  return tf.tidy(fn).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(values);
  });
}

function expectClose(actual: Result, expected: Result, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => {
    expect(values.length).toBe(expected[i].length);
    let worst = 0;
    for (let j = 0; j < values.length; j++) {
      const scale = Math.max(1, Math.abs(expected[i][j]));
      worst = Math.max(worst, Math.abs(values[j] - expected[i][j]) / scale);
    }
    expect(worst).toBeLessThan(tolerance);
  });
}

/** Compares wasm (nnc kernels) and cpu with nnc kernels against stock cpu. */
async function compareWithStockCpu(fn: () => import('@tensorflow/tfjs').Tensor[], tolerance?: number): Promise<void> {
  const stock = await on('cpu', fn);
  expectClose(await on('wasm', fn), stock, tolerance);
  const cpuKernels = installKernels('cpu');
  try {
    expectClose(await on('cpu', fn), stock, tolerance);
  } finally {
    cpuKernels.restore();
  }
}

describe('loadTf', () => {
  it('picks wasm on this machine and says which kernels it installed', async () => {
    const saved = process.env.NNC_BACKEND;
    delete process.env.NNC_BACKEND;
    try {
      const loaded = await loadTf();
      expect(loaded.backend).toBe('wasm');
      expect(loaded.tf.getBackend()).toBe('wasm');
      expect(loaded.notes.join('\n')).toMatch(/Backend wasm/);
      expect(loaded.notes.join('\n')).toMatch(/nnc kernels installed: UnsortedSegmentSum, /);
      expect(await loadTf()).toBe(loaded);
    } finally {
      if (saved !== undefined) process.env.NNC_BACKEND = saved;
    }
  });

  it('follows NNC_BACKEND=cpu, then switches back when wasm is asked for', async () => {
    const saved = process.env.NNC_BACKEND;
    process.env.NNC_BACKEND = 'cpu';
    try {
      const loaded = await loadTf();
      expect(loaded.backend).toBe('cpu');
      expect(loaded.tf.getBackend()).toBe('cpu');
    } finally {
      if (saved === undefined) delete process.env.NNC_BACKEND;
      else process.env.NNC_BACKEND = saved;
    }
    installKernels('cpu').restore();
    const wasm = await loadTf('wasm');
    expect(wasm.tf.getBackend()).toBe('wasm');
  });

  it('fails with a sentence for a bogus backend name', async () => {
    await expect(loadTf('bogus')).rejects.toThrow("Unknown TensorFlow.js backend 'bogus'. Use one of 'node', 'wasm', 'cpu'.");
  });

  it('fails with a sentence naming the package when node is asked for and absent', async () => {
    let installed = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      installed = false;
    }
    if (installed) return;
    await expect(loadTf('node')).rejects.toThrow(/needs @tensorflow\/tfjs-node, which is not installed/);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('nnc kernels match the stock cpu kernels', () => {
  for (const seed of [1, 2, 3]) {
    it(`UnsortedSegmentSum and the gather gradient (seed ${seed})`, async () => {
      const rand = random(seed);
      const vocab = between(rand, 3, 40);
      const width = seed === 3 ? 8 : between(rand, 1, 9); // 8: the SIMD row adds on wasm
      const batch = between(rand, 1, 5);
      const steps = between(rand, 1, 7);
      const table = floats(rand, vocab * width);
      // Include ids outside [0, vocab) for unsortedSegmentSum: TensorFlow drops them.
      const ids = Int32Array.from({ length: batch * steps }, () => between(rand, 0, vocab - 1));
      const segmentIds = Int32Array.from({ length: batch * steps }, () => between(rand, -1, vocab));
      const upstream = floats(rand, batch * steps * width);
      await compareWithStockCpu(() => {
        const t = tf.tensor2d(table, [vocab, width]);
        const dy = tf.tensor3d(upstream, [batch, steps, width]);
        const i = tf.tensor2d(ids, [batch, steps], 'int32');
        const grad = tf.grad((w: import('@tensorflow/tfjs').Tensor) => tf.gather(w, i).mul(dy).sum())(t);
        const summed = tf.unsortedSegmentSum(dy.reshape([batch * steps, width]), tf.tensor1d(segmentIds, 'int32'), vocab);
        return [grad, summed];
      });
    });

    it(`BatchMatMul with every transpose flag, rank 2 and 3, and its gradients (seed ${seed})`, async () => {
      const rand = random(100 + seed);
      const m = between(rand, 1, 17);
      const k = between(rand, 1, 19);
      const n = between(rand, 1, 13);
      const batch = between(rand, 2, 4);
      for (const rank of [2, 3]) {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
          const lead = rank === 3 ? [batch] : [];
          const aShape = [...lead, ...(ta ? [k, m] : [m, k])];
          const bShape = [...lead, ...(tb ? [n, k] : [k, n])];
          const a = floats(rand, aShape.reduce((x, y) => x * y));
          const b = floats(rand, bShape.reduce((x, y) => x * y));
          const dy = floats(rand, [...lead, m, n].reduce((x, y) => x * y));
          await compareWithStockCpu(() => {
            const at = tf.tensor(a, aShape);
            const bt = tf.tensor(b, bShape);
            const dyt = tf.tensor(dy, [...lead, m, n]);
            const f = (x: import('@tensorflow/tfjs').Tensor, y: import('@tensorflow/tfjs').Tensor) =>
              tf.matMul(x, y, ta, tb).mul(dyt).sum();
            const [ga, gb] = tf.grads(f)([at, bt]);
            return [tf.matMul(at, bt, ta, tb), ga, gb];
          });
        }
      }
    });

    it(`large products, every flag (seed ${seed})`, async () => {
      const rand = random(150 + seed);
      const [m, k, n] = [between(rand, 300, 420), between(rand, 150, 210), between(rand, 40, 70)];
      for (const [ta, tb, batch] of [[false, false, 1], [true, false, 1], [false, true, 1], [false, false, 3], [true, false, 2]] as const) {
        const lead = batch > 1 ? [batch] : [];
        const aShape = [...lead, ...(ta ? [k, m] : [m, k])];
        const bShape = [...lead, ...(tb ? [n, k] : [k, n])];
        const a = floats(rand, aShape.reduce((x, y) => x * y));
        const b = floats(rand, bShape.reduce((x, y) => x * y));
        await compareWithStockCpu(() => [tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb)], 1e-4);
      }
    });

    it(`fused matMul with bias and activation, every flag, rank 2 and 3 (seed ${seed})`, async () => {
      const rand = random(200 + seed);
      const m = between(rand, 1, 9);
      const k = between(rand, 1, 11);
      const n = between(rand, 1, 7);
      const batch = between(rand, 2, 3);
      for (const rank of [2, 3]) {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
          for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
            const lead = rank === 3 ? [batch] : [];
            const aShape = [...lead, ...(ta ? [k, m] : [m, k])];
            const bShape = [...lead, ...(tb ? [n, k] : [k, n])];
            const a = floats(rand, aShape.reduce((x, y) => x * y));
            const b = floats(rand, bShape.reduce((x, y) => x * y));
            const bias = floats(rand, n);
            const dy = floats(rand, [...lead, m, n].reduce((x, y) => x * y));
            await compareWithStockCpu(() => {
              const at = tf.tensor(a, aShape);
              const bt = tf.tensor(b, bShape);
              const biast = tf.tensor1d(bias);
              const dyt = tf.tensor(dy, [...lead, m, n]);
              const f = (x: import('@tensorflow/tfjs').Tensor, y: import('@tensorflow/tfjs').Tensor, z: import('@tensorflow/tfjs').Tensor) =>
                tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias: z, activation }).mul(dyt).sum();
              const grads = tf.grads(f)([at, bt, biast]);
              const value = tf.fused.matMul({ a: at, b: bt, transposeA: ta, transposeB: tb, bias: biast, activation });
              return [value, ...grads];
            });
          }
        }
      }
    });

    it(`Conv2DBackpropFilter through conv1d and conv2d gradients (seed ${seed})`, async () => {
      const rand = random(300 + seed);
      const batch = between(rand, 1, 3);
      const steps = between(rand, 3, 12);
      const channels = between(rand, 1, 6);
      const filters = between(rand, 1, 5);
      const size = between(rand, 1, 3);
      for (const padding of ['valid', 'same'] as const) {
        for (const stride of [1, 2]) {
          const x = floats(rand, batch * steps * channels);
          const w = floats(rand, size * channels * filters);
          const x2 = floats(rand, batch * steps * 4 * channels);
          const w2 = floats(rand, 2 * size * channels * filters);
          await compareWithStockCpu(() => {
            const xt = tf.tensor3d(x, [batch, steps, channels]);
            const wt = tf.tensor3d(w, [size, channels, filters]);
            const g1 = tf.grads((a: import('@tensorflow/tfjs').Tensor, b: import('@tensorflow/tfjs').Tensor) =>
              tf.conv1d(a as import('@tensorflow/tfjs').Tensor3D, b as import('@tensorflow/tfjs').Tensor3D, stride, padding).square().sum())([xt, wt]);
            const x2t = tf.tensor4d(x2, [batch, steps, 4, channels]);
            const w2t = tf.tensor4d(w2, [2, size, channels, filters]);
            const g2 = tf.grad((b: import('@tensorflow/tfjs').Tensor) =>
              tf.conv2d(x2t, b as import('@tensorflow/tfjs').Tensor4D, [stride, 1], padding).square().sum())(w2t);
            return [...g1, g2];
          });
        }
      }
    });

    it(`Sum over leading, trailing and middle axes, keepDims or not (seed ${seed})`, async () => {
      const rand = random(600 + seed);
      const shape = [between(rand, 1, 9), between(rand, 1, 5), 4 * between(rand, 1, 6)];
      const x = floats(rand, shape[0] * shape[1] * shape[2]);
      for (const axis of [0, [0, 1], 1, 2, [1, 2], [0, 2]]) {
        for (const keepDims of [false, true]) {
          await compareWithStockCpu(() => [tf.sum(tf.tensor(x, shape), axis, keepDims), tf.sum(tf.tensor(x, shape).reshape([-1, shape[2] / 2]), 0, keepDims)]);
        }
      }
    });

    it(`Tile and broadcastTo, ranks 1 to 4 (seed ${seed})`, async () => {
      const rand = random(500 + seed);
      for (let rank = 1; rank <= 4; rank++) {
        const shape = Array.from({ length: rank }, () => between(rand, 1, 4));
        const reps = Array.from({ length: rank }, () => between(rand, 1, 3));
        const x = floats(rand, shape.reduce((a, b) => a * b));
        const ints = Int32Array.from(x, (v) => Math.round(v * 100));
        const target = shape.map((n) => (n === 1 ? between(rand, 1, 4) : n));
        await compareWithStockCpu(() => [
          tf.tile(tf.tensor(x, shape), reps),
          tf.tile(tf.tensor(ints, shape, 'int32'), reps).cast('float32'),
          tf.broadcastTo(tf.tensor(x, shape), target),
        ]);
      }
    });

    it(`the Tile gradient sums every repeat (seed ${seed})`, async () => {
      const rand = random(400 + seed);
      const shape = [between(rand, 1, 4), between(rand, 1, 5), between(rand, 1, 3)];
      const reps = [between(rand, 1, 3), between(rand, 1, 4), between(rand, 1, 3)];
      const outShape = shape.map((n, i) => n * reps[i]);
      const x = floats(rand, shape[0] * shape[1] * shape[2]);
      const dy = floats(rand, outShape[0] * outShape[1] * outShape[2]);
      // Reference: dx[i,j,k] = sum of dy over every output position that copies x[i,j,k].
      const expected = new Float32Array(x.length);
      for (let a = 0; a < outShape[0]; a++) {
        for (let b = 0; b < outShape[1]; b++) {
          for (let c = 0; c < outShape[2]; c++) {
            const src = ((a % shape[0]) * shape[1] + (b % shape[1])) * shape[2] + (c % shape[2]);
            expected[src] += dy[(a * outShape[1] + b) * outShape[2] + c];
          }
        }
      }
      for (const backend of ['wasm', 'cpu']) {
        const got = await on(backend, () => {
          const dyt = tf.tensor(dy, outShape);
          return [tf.grad((t: import('@tensorflow/tfjs').Tensor) => tf.tile(t, reps).mul(dyt).sum())(tf.tensor(x, shape))];
        });
        expectClose(got, [expected], 1e-5);
      }
    });
  }
});
