// What a model that ignores its input scores on the validation split: the
// majority class of the training split, or the training mean of the target.
// A trained head should beat these.
import type { PlanHead } from '../../compiler/plan.js';
import type { HeadData } from './examples.js';
import type { Scaling } from './scaling.js';
import { scoresFromConfusion } from '../metrics/classification.js';

export interface Baseline {
  readonly head: string;
  /** metric name -> value, e.g. val_accuracy, val_loss, val_mae */
  readonly metrics: Readonly<Record<string, number>>;
  readonly description: string;
}

export function baseline(data: HeadData, scaling: Scaling): Baseline | null {
  const { head, train, validation } = data;
  if (train.count === 0 || validation.count === 0) return null;
  if (head.task === 'classification') return classificationBaseline(head, train.targets, validation.targets);
  if (head.task === 'regression') return regressionBaseline(head, validation.targets, scaling.targets[head.name]!.std);
  return null;
}

function classificationBaseline(head: PlanHead, train: ArrayLike<number>, validation: ArrayLike<number>): Baseline {
  const classes = Math.max(head.classes.length, 2);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  const majority = counts.indexOf(Math.max(...counts));
  const priors = counts.map((c) => Math.max(c / train.length, 1e-7));
  let hits = 0;
  let loss = 0;
  for (let i = 0; i < validation.length; i++) {
    if (validation[i] === majority) hits++;
    loss -= Math.log(priors[validation[i]]);
  }
  const name = head.classes[majority] ?? String(majority);
  // macro F1 of always answering the majority class (metrics/classification.ts computes it as nnc evaluate does)
  const constant = new Array(classes).fill(0).map((_, c) => new Array<number>(classes).fill(0).map((__, j) => (j === majority ? countOf(validation, c) : 0)));
  const { f1 } = scoresFromConfusion(constant, Array.from({ length: classes }, (_, c) => head.classes[c] ?? String(c)));
  return {
    head: head.name,
    metrics: { val_accuracy: hits / validation.length, val_f1: f1, val_loss: loss / validation.length },
    description: `always '${name}'`,
  };
}

function countOf(labels: ArrayLike<number>, label: number): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) n++;
  return n;
}

function regressionBaseline(head: PlanHead, validation: Float32Array | Int32Array, std: readonly number[]): Baseline {
  // Targets are standardized: the training mean is 0.
  let loss = 0;
  let absolute = 0;
  const width = head.units;
  for (let i = 0; i < validation.length; i++) {
    const e = Math.abs(validation[i]);
    loss += head.loss === 'mse' ? e * e : head.loss === 'mae' ? e : e <= 1 ? 0.5 * e * e : e - 0.5;
    absolute += e * std[i % width];
  }
  return {
    head: head.name,
    metrics: { val_loss: loss / validation.length, val_mae: absolute / validation.length },
    description: 'always the training mean',
  };
}
