// The metrics a head can declare (`metrics:` in heads.yaml), the names each
// one reports, and which way is better. Imports nothing at run time: the
// compiler checks names with it, the training loop and `nnc evaluate` compute
// what it lists (runtime/metrics/), the store and the monitor rank with it.
import type { MetricMode, Task } from './plan.js';

/** What a metric needs beyond the task: two classes (ROC and PR curves). */
export interface MetricInfo {
  readonly task: Task;
  readonly description: string;
  /** scalar names it reports ('f1' -> f1 (macro) and weighted_f1); [] for tables (the confusion matrix) */
  readonly reports: readonly string[];
  readonly binaryOnly?: boolean;
}

export const METRICS: Readonly<Record<string, MetricInfo>> = {
  accuracy: { task: 'classification', description: 'share of samples whose likeliest class is the label', reports: ['accuracy'] },
  precision: { task: 'classification', description: 'per class, and their macro and weighted means', reports: ['precision', 'weighted_precision'] },
  recall: { task: 'classification', description: 'per class, and their macro and weighted means', reports: ['recall', 'weighted_recall'] },
  f1: { task: 'classification', description: 'per class, and their macro and weighted means', reports: ['f1', 'weighted_f1'] },
  confusion_matrix: { task: 'classification', description: 'counts of each expected class by predicted class', reports: [] },
  auc: { task: 'classification', description: 'area under the ROC curve of the second class', reports: ['auc'], binaryOnly: true },
  pr_auc: { task: 'classification', description: 'area under the precision-recall curve of the second class (average precision)', reports: ['pr_auc'], binaryOnly: true },
  log_loss: { task: 'classification', description: 'mean negative log probability of the label', reports: ['log_loss'] },
  mae: { task: 'regression', description: 'mean absolute error in target units, per target and overall', reports: ['mae'] },
  rmse: { task: 'regression', description: 'root mean squared error in target units, per target and overall', reports: ['rmse'] },
  r2: { task: 'regression', description: 'coefficient of determination, per target and their mean', reports: ['r2'] },
  token_accuracy: { task: 'generation', description: 'share of target tokens predicted right (teacher forcing)', reports: ['token_accuracy'] },
  perplexity: { task: 'generation', description: 'exp of the mean target-token loss', reports: ['perplexity'] },
  exact_match: { task: 'generation', description: 'share of samples whose greedily decoded answer is the target', reports: ['exact_match'] },
};

/** `top_3_accuracy`: the label among the k likeliest classes. */
export const TOP_K = /^top_([1-9][0-9]?)_accuracy$/;

/** The metric a name declares, or null: a catalog entry, or top_<k>_accuracy. */
export function metricInfo(name: string): MetricInfo | null {
  if (Object.hasOwn(METRICS, name)) return METRICS[name];
  if (TOP_K.test(name)) return { task: 'classification', description: 'the label among the k likeliest classes', reports: [name] };
  return null;
}

/** k of a top_<k>_accuracy name, or null. */
export function topK(name: string): number | null {
  const match = TOP_K.exec(name);
  return match ? Number(match[1]) : null;
}

/** Reported on training batches and at validation whatever a head declares (the loss besides). */
export const BASE_METRICS: Readonly<Record<Task, readonly string[]>> = {
  classification: ['accuracy'],
  regression: ['mae'],
  generation: ['token_accuracy', 'perplexity'],
};

/** A head's metrics when it declares none. */
export function defaultMetrics(task: Task, classes: number): string[] {
  if (task === 'classification') return ['accuracy', 'precision', 'recall', 'f1', 'confusion_matrix', 'log_loss', ...(classes === 2 ? ['auc', 'pr_auc'] : [])];
  if (task === 'regression') return ['mae', 'rmse', 'r2'];
  return ['token_accuracy', 'perplexity'];
}

/**
 * The scalar names a head reports at validation (and `nnc evaluate` for it),
 * besides its loss: the task's base metrics, then what its metrics list adds.
 */
export function validationMetricNames(task: Task, metrics: readonly string[] | undefined): string[] {
  const names = [...BASE_METRICS[task]];
  for (const metric of metrics ?? []) for (const name of metricInfo(metric)?.reports ?? []) if (!names.includes(name)) names.push(name);
  return names;
}

const MAXIMIZED = /(^|[._])(accuracy|precision|recall|f1|auc|r2|exact_match)$/;

/**
 * Higher is better for accuracies, precision, recall, F1, AUCs, R² and exact
 * match; lower for losses, errors and perplexity. Takes bare or qualified
 * names ('sentiment.val_f1').
 */
export function metricMode(name: string): MetricMode {
  return MAXIMIZED.test(name) ? 'max' : 'min';
}
