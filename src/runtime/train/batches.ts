// Batches: each head's training examples shuffled per epoch from the seed,
// then interleaved round-robin over heads so every head keeps pulling on the
// shared trunk.
import type { Tensor, Tf } from '../emit/tf.js';
import type { Examples } from './examples.js';
import { deriveSeed, mulberry32, shuffledIndices } from './random.js';

export interface PlannedBatch {
  /** index into the trained heads */
  readonly head: number;
  readonly indices: readonly number[];
}

export function epochBatches(
  heads: readonly { readonly name: string; readonly count: number }[],
  batchSize: number,
  seed: number,
  epoch: number,
): PlannedBatch[] {
  const queues = heads.map(({ name, count }) => {
    const order = shuffledIndices(count, mulberry32(deriveSeed(seed, 'epoch', epoch, name)));
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
    return batches;
  });
  const planned: PlannedBatch[] = [];
  for (let round = 0; queues.some((q) => round < q.length); round++) {
    queues.forEach((queue, head) => {
      if (round < queue.length) planned.push({ head, indices: queue[round] });
    });
  }
  return planned;
}

export interface BatchTensors {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly mask: Tensor | null;
}

function gatherRows<T extends Int32Array | Float32Array>(source: T, width: number, indices: readonly number[]): T {
  const out = new (source.constructor as new (n: number) => T)(indices.length * width);
  indices.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

export function makeBatch(tf: Tf, examples: Examples, indices: readonly number[]): BatchTensors {
  const n = indices.length;
  const dtype = (a: Int32Array | Float32Array) => (a instanceof Int32Array ? 'int32' : 'float32');
  const x = tf.tensor2d(gatherRows(examples.inputs, examples.inputWidth, indices), [n, examples.inputWidth], dtype(examples.inputs));
  const targets = gatherRows(examples.targets, examples.targetWidth, indices);
  const y = examples.targets instanceof Int32Array && examples.targetWidth === 1
    ? tf.tensor1d(targets, 'int32')
    : tf.tensor2d(targets, [n, examples.targetWidth], dtype(examples.targets));
  const mask = examples.mask ? tf.tensor2d(gatherRows(examples.mask, examples.targetWidth, indices), [n, examples.targetWidth]) : null;
  return { x, y, mask };
}

/** All examples in order, in slices of `size`, for evaluation. */
export function* sequentialBatches(count: number, size: number): Generator<number[]> {
  for (let start = 0; start < count; start += size) {
    yield Array.from({ length: Math.min(size, count - start) }, (_, i) => start + i);
  }
}
