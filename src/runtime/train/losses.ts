// Each head's loss and the batch sums its metrics are computed from.
// Outputs are probabilities (softmax/sigmoid heads), so cross-entropies clip
// them away from 0 like Keras does.
import type { PlanHead } from '../../compiler/plan.js';
import type { Tensor, Tf } from '../emit/tf.js';

const EPSILON = 1e-7;

/**
 * Loss of every item of the batch: one per sample, or one per position for
 * generation (masked out later). Unweighted by the head weight.
 */
function itemLosses(tf: Tf, head: PlanHead, output: Tensor, y: Tensor, smoothing: number): Tensor {
  if (head.task === 'generation' || (head.task === 'classification' && head.loss === 'crossentropy')) {
    const classes = output.shape[output.shape.length - 1]!;
    const probabilities = output.reshape([-1, classes]);
    let target = tf.oneHot(y.reshape([-1]) as never, classes).toFloat();
    if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / classes);
    return tf.neg(tf.sum(tf.mul(target, tf.log(tf.clipByValue(probabilities, EPSILON, 1))), -1));
  }
  if (head.loss === 'bce') {
    const p = tf.clipByValue(output.reshape([-1]), EPSILON, 1 - EPSILON);
    let target = y.reshape([-1]).toFloat();
    if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / 2);
    return tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))));
  }
  const error = tf.sub(output, y);
  if (head.loss === 'mse') return tf.mean(tf.square(error), -1);
  if (head.loss === 'mae') return tf.mean(tf.abs(error), -1);
  // huber, delta 1
  const absolute = tf.abs(error);
  const quadratic = tf.minimum(absolute, 1);
  return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(absolute, quadratic)), -1);
}

/**
 * Each sample's loss times its class's weight (heads.yaml classWeights, as
 * Keras' class_weight: the batch mean stays a mean over samples). Training
 * only: validation and evaluation losses are unweighted.
 */
function classWeighted(tf: Tf, head: PlanHead, losses: Tensor, y: Tensor): Tensor {
  const weights = head.task === 'classification' ? head.classWeights : null;
  if (!weights || weights.length === 0) return losses;
  return tf.mul(losses, tf.gather(tf.tensor1d([...weights]), y.reshape([-1]).toInt()));
}

/** The scalar loss the optimizer minimizes for one head's batch (mean over samples, or over target tokens). */
export function headLoss(tf: Tf, head: PlanHead, output: Tensor, y: Tensor, mask: Tensor | null): Tensor {
  const losses = classWeighted(tf, head, itemLosses(tf, head, output, y, head.labelSmoothing), y);
  if (!mask) return tf.mean(losses);
  const m = mask.reshape([-1]);
  return tf.div(tf.sum(tf.mul(losses, m)), tf.maximum(tf.sum(m), 1));
}

/**
 * Batch sums, in a fixed layout per task, that add up across batches:
 *   classification [loss·n, n, correct]
 *   regression     [loss·n, n, Σ|error| in target units / width]
 *   generation     [Σ token loss, tokens, correct tokens]
 * `loss` is the given head's loss without label smoothing or class weights when `plain`.
 */
export function metricSums(tf: Tf, head: PlanHead, output: Tensor, y: Tensor, mask: Tensor | null, targetStd: Tensor | null, plain = false): Tensor {
  const item = itemLosses(tf, head, output, y, plain ? 0 : head.labelSmoothing);
  const losses = plain ? item : classWeighted(tf, head, item, y);
  if (head.task === 'generation') {
    const m = mask!.reshape([-1]);
    const classes = output.shape[output.shape.length - 1]!;
    const hits = tf.equal(tf.argMax(output.reshape([-1, classes]), -1), y.reshape([-1]).toInt()).toFloat();
    return tf.stack([tf.sum(tf.mul(losses, m)), tf.sum(m), tf.sum(tf.mul(hits, m))]);
  }
  const n = tf.scalar(output.shape[0]!);
  if (head.task === 'classification') {
    const predicted = head.loss === 'bce' ? tf.greater(output.reshape([-1]), 0.5).toInt() : tf.argMax(output, -1);
    const hits = tf.equal(predicted, y.reshape([-1]).toInt()).toFloat();
    return tf.stack([tf.sum(losses), n, tf.sum(hits)]);
  }
  const absolute = tf.abs(tf.sub(output, y));
  const scaled = targetStd ? tf.mul(absolute, targetStd) : absolute;
  return tf.stack([tf.sum(losses), n, tf.div(tf.sum(scaled), head.units)]);
}

export interface HeadMetrics {
  readonly loss: number;
  /** accuracy (classification), mae (regression), token_accuracy and perplexity (generation) */
  readonly [metric: string]: number;
}

/** Metric values from accumulated sums (see metricSums). */
export function metricsFromSums(head: PlanHead, sums: ArrayLike<number>): HeadMetrics {
  const [lossSum, count, third] = [sums[0], sums[1], sums[2]];
  const denominator = Math.max(count, 1);
  const loss = lossSum / denominator;
  if (head.task === 'classification') return { loss, accuracy: third / denominator };
  if (head.task === 'regression') return { loss, mae: third / denominator };
  return { loss, token_accuracy: third / denominator, perplexity: Math.exp(Math.min(loss, 50)) };
}
