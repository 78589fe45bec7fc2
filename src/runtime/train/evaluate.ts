// Validation: the head's metrics over a split, in inference mode (no dropout),
// with plain (unsmoothed, unweighted) losses. The metrics come from
// metrics/score.ts, which `nnc evaluate` calls too, so both report the same
// figures for the same split.
import type { Tf } from '../emit/tf.js';
import { scoreExamples } from '../metrics/score.js';
import type { Examples } from './examples.js';
import type { HeadMetrics } from './losses.js';
import type { HeadRunner } from './step.js';

export async function evaluateHead(tf: Tf, runner: HeadRunner, examples: Examples): Promise<HeadMetrics | null> {
  const std = runner.targetStd ? Array.from(await runner.targetStd.data()) : null;
  const scored = await scoreExamples(tf, runner, examples, {
    // standardized targets: the training mean is 0, and std alone puts errors in target units
    targetScale: std ? { mean: std.map(() => 0), std } : null,
    majority: runner.head.task === 'classification' ? majorityClass(runner.data.train.targets, runner.head.classes.length) : null,
  });
  return scored ? { loss: scored.metrics.loss, ...scored.metrics } : null;
}

/** The most frequent class of a split's labels (the lowest index on a tie), or null without labels. */
export function majorityClass(labels: ArrayLike<number>, classes: number): number | null {
  if (labels.length === 0) return null;
  const counts = new Array<number>(Math.max(classes, 2)).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.indexOf(Math.max(...counts));
}
