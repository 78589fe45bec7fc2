// Classification metrics from probabilities and labels, on the host, in
// float64. No TensorFlow.js: the training loop's validation and `nnc
// evaluate` hand the same typed arrays to the same function, so the figures
// agree. Conventions (scikit-learn's): a ratio whose denominator is 0 (the
// precision of a class never predicted, the recall of a class never expected)
// is 0; macro means run over the classes that are expected or predicted at
// least once; weighted means weigh each class by its support.

export interface ClassificationInput {
  /** count × classes probabilities (a bce head's single output expanded to [1 - p, p]) */
  readonly probabilities: ArrayLike<number>;
  /** class index of each sample */
  readonly labels: ArrayLike<number>;
  readonly classes: readonly string[];
  /** k of each top-k accuracy to compute */
  readonly topK?: readonly number[];
  /** class index a model that ignores its input would always answer (the training split's majority) */
  readonly majority?: number | null;
}

export interface ClassScores {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** samples expected to be this class */
  readonly support: number;
  /** samples predicted to be this class */
  readonly predicted: number;
}

export interface RocCurve {
  /** false and true positive rates, from (0, 0) to (1, 1), one point per distinct score */
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
}

export interface ClassificationReport {
  readonly task: 'classification';
  readonly count: number;
  readonly classes: readonly string[];
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly weighted_precision: number;
  readonly weighted_recall: number;
  readonly weighted_f1: number;
  readonly per_class: readonly ClassScores[];
  /** confusion[expected][predicted] = count */
  readonly confusion: readonly (readonly number[])[];
  readonly log_loss: number;
  /** two classes: area under the ROC curve of the second class; null with one class present (or more than two classes) */
  readonly auc: number | null;
  /** two classes: average precision of the second class; null when it is never expected */
  readonly pr_auc: number | null;
  readonly roc: RocCurve | null;
  /** top-k accuracy by k */
  readonly top_k: Readonly<Record<string, number>>;
  /** always answering the majority class: its accuracy and macro F1 on these samples */
  readonly baseline: { readonly class: string; readonly accuracy: number; readonly f1: number; readonly weighted_f1: number } | null;
}

/** Clipped like the losses (Keras' epsilon), so log loss agrees with the training loss. */
const EPSILON = 1e-7;

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/** Index of the largest probability of a row; ties go to the lower index (argmax). */
export function argmaxRow(p: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (p[offset + j] > p[offset + best]) best = j;
  return best;
}

/** Precision, recall and F1 per class, and their macro and weighted means, from a confusion matrix. */
export function scoresFromConfusion(confusion: readonly (readonly number[])[], classes: readonly string[]) {
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = classes.map((_, j) => confusion.reduce((a, row) => a + row[j], 0));
  const total = support.reduce((a, b) => a + b, 0);
  const per_class: ClassScores[] = classes.map((name, c) => {
    const precision = ratio(confusion[c][c], predicted[c]);
    const recall = ratio(confusion[c][c], support[c]);
    return { class: name, precision, recall, f1: harmonic(precision, recall), support: support[c], predicted: predicted[c] };
  });
  const present = per_class.filter((s) => s.support > 0 || s.predicted > 0);
  const macro = (key: 'precision' | 'recall' | 'f1') => ratio(present.reduce((a, s) => a + s[key], 0), present.length);
  const weighted = (key: 'precision' | 'recall' | 'f1') => ratio(per_class.reduce((a, s) => a + s[key] * s.support, 0), total);
  return {
    per_class,
    precision: macro('precision'),
    recall: macro('recall'),
    f1: macro('f1'),
    weighted_precision: weighted('precision'),
    weighted_recall: weighted('recall'),
    weighted_f1: weighted('f1'),
  };
}

export function classificationReport(input: ClassificationInput): ClassificationReport {
  const { probabilities: p, labels, classes } = input;
  const k = classes.length;
  const n = labels.length;
  const confusion = classes.map(() => new Array<number>(k).fill(0));
  let hits = 0;
  let logLoss = 0;
  const topKs = [...new Set(input.topK ?? [])];
  const topHits = topKs.map(() => 0);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    const guess = argmaxRow(p, i * k, k);
    confusion[label][guess]++;
    if (guess === label) hits++;
    const own = p[i * k + label];
    logLoss -= Math.log(Math.min(Math.max(own, EPSILON), 1));
    if (topKs.length > 0) {
      // the label is among the k likeliest when fewer than k classes are strictly likelier
      let above = 0;
      for (let j = 0; j < k; j++) if (p[i * k + j] > own) above++;
      topKs.forEach((t, m) => {
        if (above < t) topHits[m]++;
      });
    }
  }
  const scores = scoresFromConfusion(confusion, classes);
  const binary = k === 2;
  const positive = binary ? Float64Array.from({ length: n }, (_, i) => p[i * k + 1]) : null;
  const isPositive = binary ? Uint8Array.from({ length: n }, (_, i) => (labels[i] === 1 ? 1 : 0)) : null;
  const majority = input.majority ?? null;
  return {
    task: 'classification',
    count: n,
    classes: [...classes],
    accuracy: ratio(hits, n),
    ...scores,
    confusion,
    log_loss: ratio(logLoss, n),
    auc: positive && isPositive ? rocAuc(positive, isPositive) : null,
    pr_auc: positive && isPositive ? averagePrecision(positive, isPositive) : null,
    roc: positive && isPositive ? rocCurve(positive, isPositive) : null,
    top_k: Object.fromEntries(topKs.map((t, m) => [String(t), ratio(topHits[m], n)])),
    baseline: majority === null || majority < 0 || majority >= k || n === 0 ? null : majorityBaseline(confusion, classes, majority),
  };
}

/** What always answering one class scores: every sample lands in that class's column. */
function majorityBaseline(confusion: readonly (readonly number[])[], classes: readonly string[], majority: number) {
  const constant = confusion.map((row) => classes.map((_, j) => (j === majority ? row.reduce((a, b) => a + b, 0) : 0)));
  const scores = scoresFromConfusion(constant, classes);
  const n = constant.reduce((a, row) => a + row[majority], 0);
  return { class: classes[majority], accuracy: ratio(constant[majority][majority], n), f1: scores.f1, weighted_f1: scores.weighted_f1 };
}

/** Distinct scores from high to low, with the positives and negatives at each (ties share a threshold). */
function thresholds(scores: ArrayLike<number>, positive: ArrayLike<number>): { tp: number[]; fp: number[]; pos: number; neg: number } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  order.forEach((i, rank) => {
    if (positive[i]) t++;
    else f++;
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tp.push(t);
      fp.push(f);
    }
  });
  return { tp, fp, pos: t, neg: f };
}

/** Area under the ROC curve (trapezoids over distinct thresholds: ties count half); null without both classes. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number>): number | null {
  const curve = rocCurve(scores, positive);
  if (!curve) return null;
  let area = 0;
  for (let i = 1; i < curve.fpr.length; i++) area += ((curve.fpr[i] - curve.fpr[i - 1]) * (curve.tpr[i] + curve.tpr[i - 1])) / 2;
  return area;
}

export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): RocCurve | null {
  const { tp, fp, pos, neg } = thresholds(scores, positive);
  if (pos === 0 || neg === 0) return null;
  return { fpr: [0, ...fp.map((f) => f / neg)], tpr: [0, ...tp.map((t) => t / pos)] };
}

/** Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds from high to low; null when no sample is positive. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<number>): number | null {
  const { tp, fp, pos } = thresholds(scores, positive);
  if (pos === 0) return null;
  let previousRecall = 0;
  let area = 0;
  tp.forEach((t, i) => {
    const recall = t / pos;
    area += (recall - previousRecall) * (t / (t + fp[i]));
    previousRecall = recall;
  });
  return area;
}
