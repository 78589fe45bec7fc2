// Tensors saved for the backward pass share their data (saved-tensors.ts): the
// same gradients, bit for bit, as with tfjs' own clones, through stock ops,
// tf.layers and nnc's custom-gradient ops (embedding, LSTM, layer norm,
// conv1d, pool), on wasm and cpu; second-order gradients as before; no tensor
// or byte left behind; and a quarter fewer kernel dispatches per step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTf, type Tf } from '../src/runtime/backend/index.js';
import { nncOps } from '../src/runtime/ops/index.js';
import { shareSavedTensors } from '../src/runtime/backend/saved-tensors.js';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf('wasm')).tf;
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

/** A small model touching stock ops, a tf.layers layer and nnc's custom-gradient ops; its variables and loss. */
function model(seed: number): { variables: Variable[]; inputs: Tensor[]; loss: () => Tensor } {
  const ops = nncOps(tf);
  const u = (shape: number[], s: number) => tf.tidy(() => tf.variable(tf.randomUniform(shape, -0.3, 0.3, 'float32', seed + s)));
  const table = u([20, 8], 1);
  const kernel = u([8, 16], 2);
  const recurrent = u([4, 16], 3);
  const bias = u([16], 4);
  const gamma = tf.tidy(() => tf.variable(tf.ones([4])));
  const beta = tf.tidy(() => tf.variable(tf.zeros([4])));
  const conv = u([3, 4, 6], 5);
  const dense = tf.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 6 }) });
  tf.tidy(() => dense.build([null, 6]));
  const ids = tf.tensor2d([[1, 2, 3, 4, 0], [5, 6, 7, 0, 0], [8, 9, 10, 11, 12]], [3, 5], 'int32');
  const target = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const variables = [table, kernel, recurrent, bias, gamma, beta, conv, ...(dense.trainableWeights.map((w) => w.read()) as Variable[])];
  const loss = () => {
    const x = ops.embeddingLookup(table, ids);
    const h = ops.layerNorm(ops.lstm(x, kernel, recurrent, bias, { returnSequences: true }), gamma, beta);
    const c = tf.relu(ops.conv1d(h, conv, null, { padding: 'same' }));
    const pooled = ops.pool(c, 'mean');
    const out = dense.apply(pooled) as Tensor;
    return tf.losses.softmaxCrossEntropy(target, tf.mul(out, tf.sigmoid(out)));
  };
  return { variables, inputs: [ids, target], loss };
}

/** Gradients of the model's loss (values), and the Identity dispatches made while computing them. */
function gradientsOf(seed: number): { grads: number[][]; identities: number; kernels: number } {
  const { variables, inputs, loss } = model(seed);
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const run = engine.runKernel;
  let identities = 0;
  let kernels = 0;
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    kernels++;
    if (name === 'Identity') identities++;
    return run.call(this, name, ...rest);
  };
  try {
    const { value, grads } = tf.variableGrads(loss as () => ReturnType<Tf['scalar']>, variables);
    const out = variables.map((v) => Array.from(grads[v.name].dataSync()));
    tf.dispose([value, ...Object.values(grads)]);
    return { grads: out, identities, kernels };
  } finally {
    engine.runKernel = run;
    tf.dispose([...variables, ...inputs]);
  }
}

describe.each(['wasm', 'cpu'])('saved tensors on %s', (backend) => {
  beforeAll(async () => {
    tf = (await loadTf(backend)).tf;
  });

  it('gives the same gradients, bit for bit, with a quarter fewer kernel dispatches', () => {
    shareSavedTensors(tf); // installed by loadTf already: idempotent
    const shared = gradientsOf(3);
    const restore = shareSavedTensors(tf);
    restore();
    let own: ReturnType<typeof gradientsOf>;
    try {
      own = gradientsOf(3);
    } finally {
      shareSavedTensors(tf);
    }
    expect(shared.grads).toEqual(own.grads);
    expect(shared.grads.flat().some((g) => g !== 0)).toBe(true);
    expect(own.identities).toBeGreaterThan(10);
    expect(shared.identities).toBeLessThan(own.identities / 4);
    expect(shared.kernels).toBeLessThan(own.kernels * 0.85);
  });

  it('leaves no tensor or byte behind', () => {
    gradientsOf(4);
    const before = tf.memory();
    for (let i = 0; i < 3; i++) gradientsOf(5 + i);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('computes second-order gradients as before', () => {
    // d²/dx² of x³ + sin(x)·x is 6x + 2cos(x) - x·sin(x); the saved tensors of the inner gradient are differentiated
    const x = tf.tensor1d([0.5, -1.25, 2]);
    const f = (t: Tensor) => tf.add(tf.pow(t, 3), tf.mul(tf.sin(t), t));
    const second = tf.grad((t: Tensor) => tf.grad(f)(t))(x);
    const expected = [0.5, -1.25, 2].map((v) => 6 * v + 2 * Math.cos(v) - v * Math.sin(v));
    Array.from(second.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    tf.dispose([x, second]);
  });
});
