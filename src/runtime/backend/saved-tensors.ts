// Tensors the tape saves for the backward pass, without a kernel call each.
// While a gradient is recorded, tfjs-core's engine saves every tensor a
// kernel's gradient needs through Engine.clone: an Identity kernel dispatch
// (with its own tape node) plus a second tape node for the clone. For a
// first-order gradient (the only kind training takes) neither node can be on
// the path from the weights to the loss (nothing in the forward pass reads a
// saved copy), so they only cost time: ~44 of the ~170 kernel dispatches of a
// tiny model's training step, and tape entries every backward pass filters
// again (BENCHMARKS.md). Here a saved tensor is a new tensor on the same data
// (the backend's reference count raised, as nnc's Identity kernel does), made
// without a dispatch or a tape node. Inside a nested gradient (a gradient of a
// gradient: the backward pass itself is recorded) the engine's own clone runs,
// so higher-order gradients are as before.
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from './index.js';

interface EngineLike {
  clone(x: Tensor): Tensor;
  backend: unknown;
  state: { gradientDepth: number; tensorInfo: Map<object, { backend: unknown }> };
  makeTensorFromTensorInfo(info: TensorInfo, backend?: unknown): Tensor;
}

interface RefCounting {
  incRef(dataId: object): void;
}

const installed = new WeakMap<object, () => void>();

/**
 * Makes the engine save tensors for first-order gradients by sharing their
 * data. Idempotent; returns a function that puts the engine's own clone back.
 */
export function shareSavedTensors(tf: Tf): () => void {
  const engine = tf.engine() as unknown as EngineLike;
  const existing = installed.get(engine);
  if (existing) return existing;
  const own = Object.prototype.hasOwnProperty.call(engine, 'clone') ? engine.clone : undefined;
  const original = engine.clone;
  engine.clone = function clone(this: EngineLike, x: Tensor): Tensor {
    const backend = this.state.tensorInfo.get(x.dataId)?.backend as Partial<RefCounting> | undefined;
    if (this.state.gradientDepth > 1 || x.dtype === 'string' || typeof backend?.incRef !== 'function') return original.call(this, x);
    backend.incRef(x.dataId);
    return this.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend);
  };
  const restore = () => {
    if (own) engine.clone = own;
    else delete (engine as Partial<EngineLike>).clone;
    installed.delete(engine);
  };
  installed.set(engine, restore);
  return restore;
}
