// Weight statistics per tensor (the seed's "weight sheet"): one read of all
// weights, statistics computed on the host.
import type { Snapshot, TensorStats } from '../store/types.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { makeBatch } from './batches.js';
import { headLoss } from './losses.js';
import type { HeadRunner } from './step.js';

type Variable = ReturnType<Tf['variable']>;

const BINS = 20;

export function tensorStats(name: string, shape: readonly number[], values: Float32Array, gradNorm: number | null): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const n = Math.max(values.length, 1);
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const histogram = new Array<number>(BINS).fill(0);
  const width = max - min;
  for (const v of values) histogram[width > 0 ? Math.min(BINS - 1, Math.floor(((v - min) / width) * BINS)) : 0]++;
  if (values.length === 0) [min, max] = [0, 0];
  return { name, layer: name.split('/')[0], shape: [...shape], mean, std: Math.sqrt(squares / n), min, max, histogram, gradNorm };
}

/** Statistics of every weight; `gradNorms` is keyed by weight name ("hidden/kernel"). */
export async function takeSnapshot(
  tf: Tf,
  model: LayersModel,
  gradNorms: ReadonlyMap<string, number>,
  step: number,
  epoch: number,
): Promise<Snapshot> {
  const weights = model.weights;
  const flat = tf.tidy(() => tf.concat(weights.map((w) => w.read().reshape([-1]))));
  const values = (await flat.data()) as Float32Array;
  flat.dispose();
  let offset = 0;
  const tensors = weights.map((w) => {
    const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    const stats = tensorStats(w.originalName, w.shape as number[], values.subarray(offset, offset + size), gradNorms.get(w.originalName) ?? null);
    offset += size;
    return stats;
  });
  return { step, epoch, time: Date.now(), tensors };
}

/**
 * Per-weight gradient norms of each head's loss on one of its batches, in
 * training mode as a step computes them, without applying anything: the run's
 * last snapshot, which falls between two snapshot steps, gets the norms every
 * other snapshot has. A weight several heads reach takes the first head's norm
 * (the head of the run's last batch comes first).
 */
export async function probeGradNorms(tf: Tf, probes: readonly { readonly runner: HeadRunner; readonly indices: readonly number[] }[]): Promise<Map<string, number>> {
  const norms = new Map<string, number>();
  for (const { runner, indices } of probes) {
    if (indices.length === 0) continue;
    const batch = makeBatch(tf, runner.data.train, indices);
    try {
      const { value, grads } = tf.variableGrads(() => {
        const output = runner.model.apply(batch.x, { training: true }) as Tensor;
        return tf.mul(headLoss(tf, runner.head, output, batch.y, batch.mask), runner.head.weight) as ReturnType<Tf['scalar']>;
      }, runner.variables as Variable[]);
      value.dispose();
      const reached = runner.variables.map((v, i) => [runner.weightNames[i], grads[v.name]] as const).filter(([, g]) => g !== undefined);
      if (reached.length === 0) {
        tf.dispose(Object.values(grads));
        continue;
      }
      const stacked = tf.tidy(() => tf.stack(reached.map(([, g]) => tf.sqrt(tf.sum(tf.square(g!))))));
      const values = await stacked.data();
      tf.dispose([stacked, ...Object.values(grads)]);
      reached.forEach(([name], i) => {
        if (!norms.has(name)) norms.set(name, values[i]);
      });
    } finally {
      tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
    }
  }
  return norms;
}
