// The MLP of bench/mlp-threads.bench.ts (64-256-256-10, batch 64, Adam 1e-3 on
// nnc's ops) and what its two threads share: the weights, each thread's
// gradients, and a control word. Used by the bench (main thread) and
// bench/mlp-threads.worker.ts.
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

export const SHAPES: ReadonlyArray<readonly number[]> = [[64, 256], [256], [256, 256], [256], [256, 10], [10]];
export const SIZES = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));
export const PARAMS = SIZES.reduce((a, b) => a + b, 0);
export const BATCH = 64;
/** distinct batches cycled through, generated the same way in every thread */
export const BATCHES = 8;

/** Control words (Int32Array over a SharedArrayBuffer): the step the weights are for, gradients done, quit. */
export const CTRL = { step: 0, done: 1, quit: 2 } as const;

export interface Shared {
  readonly weights: SharedArrayBuffer;
  /** the worker's gradients of its half batch, then its loss */
  readonly grads: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
}

export function createShared(): Shared {
  return {
    weights: new SharedArrayBuffer(PARAMS * 4),
    grads: new SharedArrayBuffer((PARAMS + 1) * 4),
    ctrl: new SharedArrayBuffer(16),
  };
}

/** Deterministic data: batch b's inputs [64, 64] and one-hot labels [64, 10]. */
export function batchOf(tf: Tf, b: number): { x: tfjs.Tensor2D; y: tfjs.Tensor2D } {
  const x = tf.randomNormal([BATCH, 64], 0, 1, 'float32', 100 + b) as tfjs.Tensor2D;
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 200 + b) as tfjs.Tensor1D, 10) as tfjs.Tensor2D;
  return { x, y };
}

/** Glorot-uniform kernels and zero biases, the same in every run. */
export function initialWeights(tf: Tf): tfjs.Variable[] {
  return SHAPES.map((shape, i) => {
    if (shape.length === 1) return tf.variable(tf.zeros(shape as number[]));
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    return tf.variable(tf.randomUniform(shape as number[], -limit, limit, 'float32', 1 + i));
  });
}

export function logits(tf: Tf, v: readonly tfjs.Variable[], x: tfjs.Tensor): tfjs.Tensor {
  const h1 = tf.relu(tf.add(tf.matMul(x, v[0]), v[1]));
  const h2 = tf.relu(tf.add(tf.matMul(h1, v[2]), v[3]));
  return tf.add(tf.matMul(h2, v[4]), v[5]);
}

/** The mean cross-entropy of rows [from, to) of batch `b`, and its gradients with respect to `v`. */
export function gradients(tf: Tf, v: tfjs.Variable[], x: tfjs.Tensor2D, y: tfjs.Tensor2D, from: number, to: number): { loss: tfjs.Scalar; grads: tfjs.Tensor[] } {
  const xs = from === 0 && to === BATCH ? x : x.slice([from, 0], [to - from, -1]);
  const ys = from === 0 && to === BATCH ? y : y.slice([from, 0], [to - from, -1]);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, logits(tf, v, xs)) as tfjs.Scalar, v);
  if (xs !== x) tf.dispose([xs, ys]);
  return { loss: value, grads: v.map((w) => grads[w.name]) };
}

/** Copies the weights into `into` (one Float32Array over all of them). */
export function writeWeights(v: readonly tfjs.Variable[], into: Float32Array): void {
  let offset = 0;
  v.forEach((w, i) => {
    into.set(w.dataSync() as Float32Array, offset);
    offset += SIZES[i];
  });
}

/** Assigns the weights from `from`. */
export function readWeights(tf: Tf, v: readonly tfjs.Variable[], from: Float32Array): void {
  let offset = 0;
  v.forEach((w, i) => {
    tf.tidy(() => w.assign(tf.tensor(from.slice(offset, offset + SIZES[i]), SHAPES[i] as number[])));
    offset += SIZES[i];
  });
}
