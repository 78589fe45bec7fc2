// Validation: the head's metrics over a split, in inference mode (no dropout),
// with plain (unsmoothed) losses; one host read per head.
import type { Tensor, Tf } from '../emit/tf.js';
import { makeBatch, sequentialBatches } from './batches.js';
import type { Examples } from './examples.js';
import { metricSums, metricsFromSums, type HeadMetrics } from './losses.js';
import type { HeadRunner } from './step.js';

const EVAL_BATCH = 128;

export async function evaluateHead(tf: Tf, runner: HeadRunner, examples: Examples): Promise<HeadMetrics | null> {
  if (examples.count === 0) return null;
  let total: Tensor = tf.zeros([3]);
  for (const indices of sequentialBatches(examples.count, EVAL_BATCH)) {
    const next = tf.tidy(() => {
      const batch = makeBatch(tf, examples, indices);
      const output = runner.model.apply(batch.x, { training: false }) as Tensor;
      return tf.add(total, metricSums(tf, runner.head, output, batch.y, batch.mask, runner.targetStd, true));
    });
    total.dispose();
    total = next;
  }
  const sums = await total.data();
  total.dispose();
  return metricsFromSums(runner.head, sums);
}
