// One optimizer step for one head: gradients of the head's weighted loss with
// respect to the variables that head reaches, clipped by global norm, applied.
// Returns tensors only: the loop reads them in bulk at its stats cadence.
import type { PlanHead } from '../../compiler/plan.js';
import { headModel } from '../emit/build.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import type { BatchTensors } from './batches.js';
import type { HeadData } from './examples.js';
import { headLoss, metricSums } from './losses.js';
import type { Optimizer } from './schedule.js';

type Variable = ReturnType<Tf['variable']>;
type Scalar = ReturnType<Tf['scalar']>;

export interface HeadRunner {
  readonly head: PlanHead;
  readonly data: HeadData;
  /** the shared layers up to this head's output */
  readonly model: LayersModel;
  readonly variables: readonly Variable[];
  /** weight names ("hidden/kernel"), aligned with variables */
  readonly weightNames: readonly string[];
  /** regression: target std per column, to report MAE in target units */
  readonly targetStd: Tensor | null;
}

export function createHeadRunner(tf: Tf, model: LayersModel, data: HeadData, targetStd: readonly number[] | null): HeadRunner {
  const sub = headModel(tf, model, data.head.name);
  const weights = sub.trainableWeights;
  return {
    head: data.head,
    data,
    model: sub,
    variables: weights.map((w) => w.read() as Variable),
    weightNames: weights.map((w) => w.originalName),
    targetStd: targetStd ? tf.tensor1d([...targetStd]) : null,
  };
}

export interface StepOutput {
  /** metric sums of this batch, see metricSums */
  readonly sums: Tensor;
  /** global gradient norm before clipping */
  readonly gradNorm: Tensor;
  /** 1 when the gradient was clipped, else 0 */
  readonly clipped: Tensor;
  /** per-variable gradient norms, aligned with runner.variables, when asked for */
  readonly gradNorms: Tensor | null;
}

/**
 * tfjs optimizers keep their slots (Adam's moments, ...) by the position of a
 * variable in the gradient map, not by name: every step must list every
 * trainable variable in one fixed order (`variableOrder`), with null for the
 * ones this head does not reach, or heads would share each other's slots.
 */
export function trainStep(
  tf: Tf,
  optimizer: Optimizer,
  runner: HeadRunner,
  batch: BatchTensors,
  clipNorm: number | null,
  variableOrder: readonly string[],
  withGradNorms: boolean,
): StepOutput {
  const { head } = runner;
  let sums: Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const output = runner.model.apply(batch.x, { training: true }) as Tensor;
    sums = tf.keep(metricSums(tf, head, output, batch.y, batch.mask, runner.targetStd));
    return tf.mul(headLoss(tf, head, output, batch.y, batch.mask), head.weight) as Scalar;
  }, runner.variables as Variable[]);
  value.dispose();

  const names = Object.keys(grads);
  const [gradNorm, clipped, gradNorms] = tf.tidy(() => {
    const squares = names.map((n) => tf.sum(tf.square(grads[n])));
    const norm = tf.sqrt(tf.addN(squares));
    let wasClipped: Tensor = tf.scalar(0);
    let scale: Tensor | null = null;
    if (clipNorm !== null) {
      scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
      wasClipped = tf.greater(norm, clipNorm).toFloat();
    }
    const applied = Object.fromEntries(
      variableOrder.map((n) => [n, grads[n] ? (scale ? tf.mul(grads[n], scale) : grads[n]) : null]),
    );
    optimizer.applyGradients(applied as never);
    if (!withGradNorms) return [norm, wasClipped];
    // -1 marks a variable this head's loss does not reach
    const perVariable = runner.variables.map((v) => (grads[v.name] ? tf.sqrt(squares[names.indexOf(v.name)]) : tf.scalar(-1)));
    return [norm, wasClipped, tf.stack(perVariable)];
  });
  tf.dispose(grads);
  return { sums: sums!, gradNorm, clipped, gradNorms: gradNorms ?? null };
}
