// nnc's ops against references (tf.conv1d, tf.gather, tf.layers.lstm, autodiff
// of plain tf ops, tfjs' Adam): same values and gradients on wasm and cpu, on
// random shapes from several seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../src/runtime/backend/index.js';
import { installKernels } from '../src/runtime/backend/kernels/register.js';
import { nncOps, conv1dGeometry, type NncOps } from '../src/runtime/ops/index.js';
import { lstmComposite } from '../src/runtime/ops/lstm.js';
import { gruComposite } from '../src/runtime/ops/gru.js';
import { conv1dComposite } from '../src/runtime/ops/conv1d.js';
// a seeded uniform generator: random(seed)() is in [0, 1)
import { mulberry32 as random } from '../src/runtime/train/random.js';

type Tensor = tfjs.Tensor;
let tf: Tf;
let ops: NncOps;
const BACKENDS = ['wasm', 'cpu'];

beforeAll(async () => {
  ({ tf } = await loadTf('wasm'));
  installKernels('cpu');
  ops = nncOps(tf);
});

const between = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const floats = (rand: () => number, n: number, scale = 1) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);

/** Runs fn on a backend and returns every output's values. */
async function on(backend: string, fn: () => Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(fn).map((t) => {
    const values = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return values;
  });
}

function expectClose(actual: Float32Array[], expected: Float32Array[], tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => {
    expect(values.length).toBe(expected[i].length);
    let worst = 0;
    for (let j = 0; j < values.length; j++) {
      worst = Math.max(worst, Math.abs(values[j] - expected[i][j]) / Math.max(1, Math.abs(expected[i][j])));
    }
    expect(worst, `output ${i}`).toBeLessThan(tolerance);
  });
}

/** Value and gradients of sum(f(...) * dy) with respect to every input. */
function valueAndGrads(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], dy: Float32Array): Tensor[] {
  const weighted = (...xs: Tensor[]) => {
    const y = f(...xs);
    return tf.sum(tf.mul(y, tf.tensor(dy, y.shape)));
  };
  return [f(...inputs), ...tf.grads(weighted)(inputs)];
}

describe('conv1d', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches tf.conv1d for valid and same, strides 1 and 2, values and gradients (seed ${seed})`, async () => {
      const rand = random(seed);
      // seed 3: channels and filters multiples of 4 (the WebAssembly SIMD paths on wasm)
      const C = seed === 3 ? 4 * between(rand, 4, 5) : between(rand, 1, 5);
      const F = seed === 3 ? 4 * between(rand, 1, 3) : between(rand, 1, 6);
      const [B, T, K] = [between(rand, 1, 3), between(rand, 4, 12), between(rand, 1, 4)];
      const x = floats(rand, B * T * C);
      const w = floats(rand, K * C * F);
      const bias = floats(rand, F);
      for (const padding of ['valid', 'same'] as const) {
        for (const strides of [1, 2]) {
          const { outSteps } = conv1dGeometry(T, K, { padding, strides });
          const dy = floats(rand, B * outSteps * F);
          const inputs = () => [tf.tensor3d(x, [B, T, C]), tf.tensor3d(w, [K, C, F]), tf.tensor1d(bias)];
          const expected = await on('cpu', () => valueAndGrads(
            (a, b, c) => tf.add(tf.conv1d(a as tfjs.Tensor3D, b as tfjs.Tensor3D, strides, padding), c), inputs(), dy));
          for (const backend of BACKENDS) {
            const got = await on(backend, () => valueAndGrads((a, b, c) => ops.conv1d(a, b, c, { padding, strides }), inputs(), dy));
            expectClose(got, expected);
          }
        }
      }
    });
  }

  it('matches tf.conv1d with dilation 2 (values) and autodiff of the op-built convolution (gradients)', async () => {
    const rand = random(7);
    const [B, T, C, F, K] = [2, 11, 8, 4, 3];
    const x = floats(rand, B * T * C);
    const w = floats(rand, K * C * F);
    for (const padding of ['valid', 'same'] as const) {
      const { outSteps } = conv1dGeometry(T, K, { padding, dilation: 2 });
      const dy = floats(rand, B * outSteps * F);
      const inputs = () => [tf.tensor3d(x, [B, T, C]), tf.tensor3d(w, [K, C, F])];
      // tf.conv1d has no gradient with dilation: its values, then the composite's gradients
      const stock = await on('cpu', () => [tf.conv1d(inputs()[0] as tfjs.Tensor3D, inputs()[1] as tfjs.Tensor3D, 1, padding, 'NWC', 2)]);
      const expected = await on('cpu', () => valueAndGrads((a, b) => conv1dComposite(tf, a, b, null, { padding, dilation: 2 }), inputs(), dy));
      expectClose([expected[0]], stock);
      for (const backend of BACKENDS) {
        expectClose(await on(backend, () => valueAndGrads((a, b) => ops.conv1d(a, b, null, { padding, dilation: 2 }), inputs(), dy)), expected);
      }
    }
  });

  it('causal padding equals left zero padding then a valid convolution', async () => {
    const rand = random(9);
    const [B, T, C, F, K] = [2, 7, 3, 4, 3];
    const x = floats(rand, B * T * C);
    const w = floats(rand, K * C * F);
    const expected = await on('cpu', () => [tf.conv1d(tf.pad(tf.tensor3d(x, [B, T, C]), [[0, 0], [K - 1, 0], [0, 0]]), tf.tensor3d(w, [K, C, F]), 1, 'valid')]);
    const got = await on('wasm', () => [ops.conv1d(tf.tensor3d(x, [B, T, C]), tf.tensor3d(w, [K, C, F]), null, { padding: 'causal' })]);
    expect(got[0].length).toBe(B * T * F);
    expectClose(got, expected);
  });
});

describe('layerNorm', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches autodiff of the moments formula, values and gradients (seed ${seed})`, async () => {
      const rand = random(10 + seed);
      const [B, T, D] = [between(rand, 1, 4), between(rand, 1, 6), between(rand, 2, 12)];
      const x = floats(rand, B * T * D, 3);
      const gamma = floats(rand, D);
      const beta = floats(rand, D);
      const dy = floats(rand, B * T * D);
      const inputs = () => [tf.tensor3d(x, [B, T, D]), tf.tensor1d(gamma), tf.tensor1d(beta)];
      const reference = (a: Tensor, g: Tensor, b: Tensor) => {
        const { mean, variance } = tf.moments(a, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-3))), g), b);
      };
      const expected = await on('cpu', () => valueAndGrads(reference, inputs(), dy));
      for (const backend of BACKENDS) {
        expectClose(await on(backend, () => valueAndGrads((a, g, b) => ops.layerNorm(a, g, b, 1e-3), inputs(), dy)), expected);
      }
    });
  }
});

describe('embeddingLookup', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches tf.gather, values and table gradient with repeated ids (seed ${seed})`, async () => {
      const rand = random(20 + seed);
      const [V, D, B, T] = [between(rand, 2, 30), between(rand, 1, 8), between(rand, 1, 4), between(rand, 1, 9)];
      const table = floats(rand, V * D);
      const ids = Int32Array.from({ length: B * T }, () => between(rand, 0, V - 1));
      const dy = floats(rand, B * T * D);
      const run = (lookup: (t: Tensor, i: Tensor) => Tensor) => () => {
        const t = tf.tensor2d(table, [V, D]);
        const i = tf.tensor2d(ids, [B, T], 'int32');
        const dyt = tf.tensor3d(dy, [B, T, D]);
        return [lookup(t, i), tf.grad((w: Tensor) => tf.sum(tf.mul(lookup(w, i), dyt)))(t)];
      };
      const expected = await on('cpu', run((t, i) => tf.gather(t, i)));
      for (const backend of BACKENDS) expectClose(await on(backend, run(ops.embeddingLookup)), expected, 1e-6);
    });
  }
});

describe('pool', () => {
  it('matches tf.mean, tf.max and the last step, values and gradients', async () => {
    const rand = random(50);
    const [B, T, D] = [3, 5, 4];
    const x = floats(rand, B * T * D);
    const dy = floats(rand, B * D);
    const references = {
      mean: (a: Tensor) => tf.mean(a, 1),
      max: (a: Tensor) => tf.max(a, 1),
      last: (a: Tensor) => tf.gather(a, [T - 1], 1).reshape([B, D]),
    };
    for (const mode of ['mean', 'max', 'last'] as const) {
      const expected = await on('cpu', () => valueAndGrads(references[mode], [tf.tensor3d(x, [B, T, D])], dy));
      for (const backend of BACKENDS) {
        expectClose(await on(backend, () => valueAndGrads((a) => ops.pool(a, mode), [tf.tensor3d(x, [B, T, D])], dy)), expected);
      }
    }
  });

  it('with a padding mask, matches a mean and max over the unmasked steps only, values and gradients', async () => {
    const rand = random(51);
    const [B, T, D] = [3, 5, 4];
    const x = floats(rand, B * T * D);
    const dy = floats(rand, B * D);
    // left padding as nnc encodes text: 2, 0 (all padding) and 4 pad steps
    const m = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1];
    const weights = (mask: Tensor) => tf.div(mask, tf.maximum(tf.sum(mask, 1, true), 1)).reshape([B, T, 1]);
    const references = {
      mean: (a: Tensor) => tf.sum(tf.mul(a, weights(tf.tensor2d(m, [B, T]))), 1),
      max: (a: Tensor) => tf.max(tf.add(a, tf.mul(tf.sub(tf.tensor2d(m, [B, T]).reshape([B, T, 1]), 1), 1e9)), 1),
    };
    for (const mode of ['mean', 'max'] as const) {
      const expected = await on('cpu', () => valueAndGrads(references[mode], [tf.tensor3d(x, [B, T, D])], dy));
      // the mean over the real steps of the first row, by hand
      if (mode === 'mean') {
        const first = Array.from({ length: D }, (_, d) => [2, 3, 4].reduce((s, t) => s + x[t * D + d], 0) / 3);
        first.forEach((v, d) => expect(expected[0][d]).toBeCloseTo(v, 5));
      }
      for (const backend of BACKENDS) {
        expectClose(await on(backend, () => valueAndGrads((a) => ops.pool(a, mode, tf.tensor2d(m, [B, T])), [tf.tensor3d(x, [B, T, D])], dy)), expected);
      }
    }
  });
});

describe('dropout', () => {
  it('drops about rate of the values, scales the rest, repeats a seed, and passes gradients through the mask', async () => {
    const rand = random(61);
    const n = 20000;
    const x = Float32Array.from({ length: n }, () => 0.5 + rand());
    const rate = 0.3;
    const run = (seed: number) => () => {
      const xt = tf.tensor2d(x, [100, 200]);
      const [y, dx] = valueAndGrads((a) => ops.dropout(a, rate, seed), [xt], new Float32Array(n).fill(1));
      return [y, dx];
    };
    const results: Float32Array[][] = [];
    for (const backend of BACKENDS) {
      const [y, dx] = await on(backend, run(7));
      let dropped = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] === 0) {
          dropped++;
          expect(dx[i]).toBe(0);
        } else {
          expect(y[i]).toBeCloseTo(x[i] / (1 - rate), 5);
          expect(dx[i]).toBeCloseTo(1 / (1 - rate), 5);
        }
      }
      expect(Math.abs(dropped / n - rate)).toBeLessThan(0.02);
      results.push([y]);
      expectClose(await on(backend, run(7)), [y, dx], 1e-9);
      const other = await on(backend, run(8));
      expect(other[0].some((v, i) => (v === 0) !== (y[i] === 0))).toBe(true);
    }
    expectClose(results[1], results[0], 1e-9); // the same mask on wasm and cpu
    const same = await on('wasm', () => [ops.dropout(tf.tensor1d([1, 2, 3]), 0, 1)]);
    expect(Array.from(same[0])).toEqual([1, 2, 3]);
  });
});

describe('createAdam', () => {
  it('moves variables exactly as tf.train.adam over several steps, on wasm and cpu', async () => {
    const rand = random(31);
    const init = floats(rand, 6 * 5);
    const target = floats(rand, 6 * 5);
    const train = (optimizer: tfjs.Optimizer) => () => {
      const w = tf.variable(tf.tensor2d(init, [6, 5]));
      const goal = tf.tensor2d(target, [6, 5]);
      for (let i = 0; i < 5; i++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.mul(w, w), goal))) as tfjs.Scalar);
      const out = w.clone();
      w.dispose();
      optimizer.dispose();
      return [out];
    };
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const expected = await on(backend, train(tf.train.adam(0.05)));
      const got = await on(backend, train(ops.createAdam(0.05)));
      expectClose(got, expected, 1e-5);
      expect(Math.abs(got[0][0] - init[0])).toBeGreaterThan(1e-3);
    }
    expect(ops.createAdam(0.01).getClassName()).toBe('Adam');
  });

  it('trains tf.layers dense layers exactly as tf.train.adam (weights read by cached wasm products)', async () => {
    const train = (makeOptimizer: () => tfjs.Optimizer) => () => {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 8, inputShape: [5], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ] });
      const x = tf.randomNormal([16, 5], 0, 1, 'float32', 3);
      const y = tf.randomNormal([16, 3], 0, 1, 'float32', 4);
      const optimizer = makeOptimizer();
      const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
      for (let i = 0; i < 20; i++) {
        const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as Tensor) as tfjs.Scalar, vars);
        value.dispose();
        tf.tidy(() => optimizer.applyGradients(grads));
        tf.dispose(grads);
      }
      const out = [tf.losses.meanSquaredError(y, model.apply(x) as Tensor) as Tensor, ...vars.map((v) => v.clone())];
      optimizer.dispose();
      model.dispose();
      return out;
    };
    for (const backend of BACKENDS) {
      const expected = await on(backend, train(() => tf.train.adam(0.01)));
      expectClose(await on(backend, train(() => ops.createAdam(0.01))), expected, 1e-4);
    }
  });
});

describe('lstm', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches tf.layers.lstm and autodiff of the step loop, both gate activations (seed ${seed})`, async () => {
      const rand = random(40 + seed);
      // seed 3: units a multiple of 4 (the WebAssembly SIMD gate passes on wasm)
      const [B, T, D] = [between(rand, 1, 4), between(rand, 1, 7), between(rand, 1, 6)];
      const U = seed === 3 ? 4 * between(rand, 1, 2) : between(rand, 1, 5);
      const x = floats(rand, B * T * D);
      const kernel = floats(rand, D * 4 * U, 0.6);
      const recurrent = floats(rand, U * 4 * U, 0.6);
      const bias = floats(rand, 4 * U, 0.5);
      for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const) {
        for (const returnSequences of [false, true]) {
          const options = { recurrentActivation, returnSequences };
          const dy = floats(rand, returnSequences ? B * T * U : B * U);
          const inputs = () => [tf.tensor3d(x, [B, T, D]), tf.tensor2d(kernel, [D, 4 * U]), tf.tensor2d(recurrent, [U, 4 * U]), tf.tensor1d(bias)];
          const expected = await on('cpu', () => valueAndGrads((a, k, r, b) => lstmComposite(tf, a, k, r, b, options), inputs(), dy));
          const layer = await on('cpu', () => {
            const lstm = tf.layers.lstm({ units: U, recurrentActivation, returnSequences });
            const [xt, ...weights] = inputs();
            lstm.apply(xt);
            lstm.setWeights(weights);
            const out = lstm.apply(xt) as Tensor;
            lstm.dispose();
            return [out];
          });
          expectClose([expected[0]], layer);
          for (const backend of BACKENDS) {
            expectClose(await on(backend, () => valueAndGrads((a, k, r, b) => ops.lstm(a, k, r, b, options), inputs(), dy)), expected);
          }
        }
      }
    });
  }

  it('LSTM and GRU match the step loop with saturated gates (pre-activations up to ~100)', async () => {
    const rand = random(48);
    const [B, T, D, U] = [3, 4, 5, 8];
    const x = floats(rand, B * T * D, 30);
    const weights = [floats(rand, D * 4 * U), floats(rand, U * 4 * U), floats(rand, 4 * U)];
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
      const options = { recurrentActivation, returnSequences: true };
      const dy = floats(rand, B * T * U);
      const inputs = () => [tf.tensor3d(x, [B, T, D]), tf.tensor2d(weights[0], [D, 4 * U]), tf.tensor2d(weights[1], [U, 4 * U]), tf.tensor1d(weights[2])];
      const expected = await on('cpu', () => valueAndGrads((a, k, r, b) => lstmComposite(tf, a, k, r, b, options), inputs(), dy));
      expectClose(await on('wasm', () => valueAndGrads((a, k, r, b) => ops.lstm(a, k, r, b, options), inputs(), dy)), expected, 1e-4);
      // the GRU on the same inputs, with its 3-gate slices of the weights
      const gruInputs = () => [tf.tensor3d(x, [B, T, D]), tf.tensor2d(weights[0].slice(0, D * 3 * U), [D, 3 * U]),
        tf.tensor2d(weights[1].slice(0, U * 3 * U), [U, 3 * U]), tf.tensor1d(weights[2].slice(0, 3 * U))];
      const gruExpected = await on('cpu', () => valueAndGrads((a, k, r, b) => gruComposite(tf, a, k, r, b, options), gruInputs(), dy));
      expectClose(await on('wasm', () => valueAndGrads((a, k, r, b) => ops.gru(a, k, r, b, options), gruInputs(), dy)), gruExpected, 1e-4);
    }
  });

  it('leaves no tensors behind after a training step', async () => {
    await tf.setBackend('wasm');
    const w = [tf.variable(tf.randomNormal([3, 8])), tf.variable(tf.randomNormal([2, 8])), tf.variable(tf.zeros([8]))];
    const x = tf.randomNormal([2, 4, 3]);
    const optimizer = ops.createAdam(0.01);
    const step = () => optimizer.minimize(() => tf.sum(ops.lstm(x, w[0], w[1], w[2])) as tfjs.Scalar);
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    tf.dispose([...w, x]);
  });
});

describe('gru', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches tf.layers.gru and autodiff of the step loop, both gate activations (seed ${seed})`, async () => {
      const rand = random(60 + seed);
      // seed 3: units a multiple of 4 (the WebAssembly SIMD gate passes on wasm)
      const [B, T, D] = [between(rand, 1, 4), between(rand, 1, 7), between(rand, 1, 6)];
      const U = seed === 3 ? 4 * between(rand, 1, 2) : between(rand, 1, 5);
      const x = floats(rand, B * T * D);
      const kernel = floats(rand, D * 3 * U, 0.6);
      const recurrent = floats(rand, U * 3 * U, 0.6);
      const bias = floats(rand, 3 * U, 0.5);
      for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const) {
        for (const returnSequences of [false, true]) {
          const options = { recurrentActivation, returnSequences };
          const dy = floats(rand, returnSequences ? B * T * U : B * U);
          const inputs = () => [tf.tensor3d(x, [B, T, D]), tf.tensor2d(kernel, [D, 3 * U]), tf.tensor2d(recurrent, [U, 3 * U]), tf.tensor1d(bias)];
          const expected = await on('cpu', () => valueAndGrads((a, k, r, b) => gruComposite(tf, a, k, r, b, options), inputs(), dy));
          const layer = await on('cpu', () => {
            const gru = tf.layers.gru({ units: U, recurrentActivation, returnSequences });
            const [xt, ...weights] = inputs();
            gru.apply(xt);
            gru.setWeights(weights);
            const out = gru.apply(xt) as Tensor;
            gru.dispose();
            return [out];
          });
          expectClose([expected[0]], layer);
          for (const backend of BACKENDS) {
            expectClose(await on(backend, () => valueAndGrads((a, k, r, b) => ops.gru(a, k, r, b, options), inputs(), dy)), expected);
          }
        }
      }
    });
  }
});

describe('accelerateLayer', () => {
  /** Output and weight gradients of a fresh layer on x with the given weights, and its class and config. */
  async function layerRun(make: () => tfjs.layers.Layer, x: Tensor, weights: Float32Array[], fastKernel: string | null) {
    const layer = make();
    layer.apply(x);
    layer.setWeights(weights.map((w, i) => tf.tensor(w, layer.getWeights()[i].shape)));
    if (fastKernel) {
      expect(ops.accelerateLayer(layer)).toBe(true);
      const profile = await tf.profile(() => layer.apply(x) as Tensor);
      expect(profile.kernelNames).toContain(fastKernel);
    }
    const vars = layer.trainableWeights.map((w) => w.read() as tfjs.Variable);
    const values = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as Tensor)) as tfjs.Scalar, vars);
      return [value, ...vars.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync() as Float32Array));
    });
    // layer names differ between instances (lstm_LSTM1, lstm_LSTM2); the rest of the config must not
    const config: Record<string, unknown> = { ...layer.getConfig() };
    delete config.name;
    const className = layer.getClassName();
    layer.dispose();
    return { values, config, className };
  }

  const cases: Array<[string, () => tfjs.layers.Layer, (rand: () => number) => Tensor, string]> = [
    ['LSTM', () => tf.layers.lstm({ units: 3, returnSequences: true }), (r) => tf.tensor3d(floats(r, 2 * 4 * 5), [2, 4, 5]), 'NncLstm'],
    ['GRU', () => tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid' }), (r) => tf.tensor3d(floats(r, 2 * 4 * 5), [2, 4, 5]), 'NncGru'],
    ['Conv1D', () => tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), (r) => tf.tensor3d(floats(r, 2 * 6 * 8), [2, 6, 8]), 'NncConv1d'],
    ['Embedding', () => tf.layers.embedding({ inputDim: 7, outputDim: 4 }), (r) => tf.tensor2d(Array.from({ length: 6 }, () => between(r, 0, 6)), [2, 3], 'int32'), 'GatherV2'],
  ];
  for (const [kind, make, input, fastKernel] of cases) {
    it(`${kind}: same outputs and weight gradients as the stock layer, same class and config`, async () => {
      for (const backend of BACKENDS) {
        await tf.setBackend(backend);
        const rand = random(90);
        const x = input(rand);
        const shapes = (() => {
          const probe = make();
          probe.apply(x);
          const found = probe.getWeights().map((w) => w.size);
          probe.dispose();
          return found;
        })();
        const weights = shapes.map((size) => floats(rand, size, 0.5));
        const stock = await layerRun(make, x, weights, null);
        const fast = await layerRun(make, x, weights, fastKernel);
        expectClose(fast.values, stock.values);
        expect(fast.className).toBe(stock.className);
        expect(fast.config).toEqual(stock.config);
        x.dispose();
      }
    });
  }
});

describe('without nnc kernels (as on the node backend)', () => {
  it('every op falls back to plain tf ops with the same values and gradients', async () => {
    const rand = random(77);
    const [B, T, D, U] = [2, 5, 4, 3];
    const x = floats(rand, B * T * D);
    const lstmW = [floats(rand, D * 4 * U, 0.5), floats(rand, U * 4 * U, 0.5), floats(rand, 4 * U, 0.5)];
    const gruW = [floats(rand, D * 3 * U, 0.5), floats(rand, U * 3 * U, 0.5), floats(rand, 3 * U, 0.5)];
    const convW = floats(rand, 3 * D * 8);
    const run = () => {
      const xt = tf.tensor3d(x, [B, T, D]);
      const lw = [tf.tensor2d(lstmW[0], [D, 4 * U]), tf.tensor2d(lstmW[1], [U, 4 * U]), tf.tensor1d(lstmW[2])];
      const gw = [tf.tensor2d(gruW[0], [D, 3 * U]), tf.tensor2d(gruW[1], [U, 3 * U]), tf.tensor1d(gruW[2])];
      const cw = tf.tensor3d(convW, [3, D, 8]);
      const loss = (a: Tensor, l0: Tensor, g0: Tensor, c: Tensor) => tf.add(tf.add(
        tf.sum(ops.lstm(a, l0, lw[1], lw[2], { returnSequences: true })),
        tf.sum(tf.square(ops.gru(a, g0, gw[1], gw[2])))),
      tf.sum(tf.tanh(ops.conv1d(a, c, null, { padding: 'causal' }))));
      return [loss(xt, lw[0], gw[0], cw), ...tf.grads(loss)([xt, lw[0], gw[0], cw])];
    };
    const fused = await on('cpu', run);
    const cpuKernels = installKernels('cpu');
    cpuKernels.restore();
    try {
      expect(tf.getKernel('NncLstm', 'cpu')).toBeUndefined();
      expectClose(await on('cpu', run), fused);
      const adam = ops.createAdam(0.1);
      const w = tf.variable(tf.ones([3]));
      adam.minimize(() => tf.sum(tf.square(w)) as tfjs.Scalar);
      expect(Array.from(w.dataSync())).toEqual([0.9, 0.9, 0.9].map((v) => expect.closeTo(v, 5)));
      adam.dispose();
      w.dispose();
    } finally {
      installKernels('cpu');
    }
  });
});
