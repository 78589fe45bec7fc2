// A head's `metrics` and `classWeights`: each metric must fit the head's task
// (and AUCs two classes), at the metric's own line; class weights name the
// head's classes, and 'balanced' is resolved here from the training split
// (samples / (classes × the class's samples)), with an info line that says
// what it gave, since nnc decided it.
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import type { CheckedDataset } from './check-datasets.js';
import type { CheckedHead } from './check-heads.js';
import type { LoadedDocument } from './load.js';
import { defaultMetrics, METRICS, metricInfo, topK } from './metric-catalog.js';
import type { RawHead } from './raw.js';
import { SPLIT } from './split.js';
import { suggest } from './suggest.js';
import { MESSAGES } from './diagnostic-messages.js';

export const METRIC_CODES = {
  wrongTask: MESSAGES.metricWrongTask.code,
  needsTwoClasses: MESSAGES.metricNeedsTwoClasses.code,
  topKTooLarge: MESSAGES.topKTooLarge.code,
  weightsNotClassification: MESSAGES.classWeightsNotClassification.code,
  unknownClass: MESSAGES.classWeightUnknownClass.code,
  balancedEmptyClass: MESSAGES.balancedEmptyClass.code,
  balancedResolved: MESSAGES.balancedResolved.code,
} as const;

/** What check-metrics adds to a checked head. */
export interface HeadMeasures {
  readonly metrics: readonly string[];
  readonly classWeights: readonly number[] | null;
}

export interface MetricsCheckInput {
  readonly document: LoadedDocument;
  readonly raw: readonly RawHead[];
  readonly heads: readonly CheckedHead[];
  readonly datasets: readonly CheckedDataset[];
  readonly diagnostics: Diagnostic[];
}

/** The heads with their metrics and class weights; a head whose metrics or weights are wrong keeps the defaults (the errors stop the compile). */
export function checkMetrics(input: MetricsCheckInput): (CheckedHead & HeadMeasures)[] {
  return input.heads.map((head) => {
    const index = input.raw.findIndex((r) => r.name === head.name);
    const raw = input.raw[index];
    const at = (path: readonly (string | number)[], code: number, message: string, severity: 'error' | 'warning' | 'info' = 'error') =>
      input.diagnostics.push(diagnosticAt(input.document, ['heads', index, ...path], code, message, { severity }));
    const metrics = raw?.metrics ? checkDeclared(head, raw.metrics, at) : defaultMetrics(head.task, head.classes.length);
    const classWeights = raw?.classWeights === undefined ? null : resolveWeights(head, raw.classWeights, input.datasets, at);
    return { ...head, metrics, classWeights };
  });
}

type At = (path: readonly (string | number)[], code: number, message: string, severity?: 'error' | 'warning' | 'info') => void;

function checkDeclared(head: CheckedHead, declared: readonly string[], at: At): string[] {
  const fitting = Object.entries(METRICS).filter(([, info]) => info.task === head.task).map(([name]) => name);
  const kept: string[] = [];
  declared.forEach((name, j) => {
    // the schema's pattern admits the catalog's names and top_<k>_accuracy only (NNC2008)
    const info = metricInfo(name)!;
    if (info.task !== head.task) {
      at(['metrics', j], METRIC_CODES.wrongTask, `Metric '${name}' is for ${info.task} heads, but '${head.name}' is a ${head.task} head. A ${head.task} head reports ${listed(fitting)}${head.task === 'classification' ? ' and top_<k>_accuracy' : ''}.`);
      return;
    }
    if (info.binaryOnly && head.classes.length !== 2) {
      at(['metrics', j], METRIC_CODES.needsTwoClasses, `Metric '${name}' scores the second of two classes, but head '${head.name}' has ${head.classes.length} classes. Remove '${name}', or use f1, precision and recall, which are per class.`);
      return;
    }
    const k = topK(name);
    if (k !== null && k >= head.classes.length) {
      at(['metrics', j], METRIC_CODES.topKTooLarge, `'${name}' counts a sample right when its label is among the ${k} likeliest classes, and head '${head.name}' has ${head.classes.length}, so it is always 1. Use a k below ${head.classes.length}.`);
      return;
    }
    kept.push(name);
  });
  return kept;
}

function resolveWeights(head: CheckedHead, declared: NonNullable<RawHead['classWeights']>, datasets: readonly CheckedDataset[], at: At): number[] | null {
  if (head.task !== 'classification') {
    at(['classWeights'], METRIC_CODES.weightsNotClassification, `classWeights weigh the classes of a classification head, but '${head.name}' is a ${head.task} head. Remove 'classWeights'.`);
    return null;
  }
  const classes = head.classes;
  if (declared !== 'balanced') {
    let ok = true;
    for (const name of Object.keys(declared)) {
      if (classes.includes(name)) continue;
      const close = suggest(name, classes);
      at(['classWeights', name], METRIC_CODES.unknownClass, `Head '${head.name}' has no class '${name}'.${close ? ` Did you mean '${close}'?` : ''} Its classes: ${listed(classes)}.`);
      ok = false;
    }
    return ok ? classes.map((c) => (Object.hasOwn(declared, c) ? declared[c] : 1)) : null;
  }
  const counts = classes.map(() => 0);
  for (const d of datasets) {
    if (d.head !== head.name || !d.samples.labels) continue;
    const { labels, split } = d.samples;
    for (let i = 0; i < d.samples.count; i++) if (split[i] === SPLIT.train && labels[i] >= 0 && labels[i] < counts.length) counts[labels[i]]++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const empty = classes.filter((_, c) => counts[c] === 0);
  if (empty.length > 0) {
    at(['classWeights'], METRIC_CODES.balancedEmptyClass, `${listed(empty)} ${empty.length === 1 ? 'has' : 'have'} no training samples, so 'balanced' cannot weigh ${empty.length === 1 ? 'it' : 'them'}; ${empty.length === 1 ? 'it weighs' : 'they weigh'} 1. Add samples, or give the weights as a map.`, 'warning');
  }
  const weights = counts.map((n) => (n === 0 ? 1 : total / (classes.length * n)));
  const shown = classes.map((c, i) => `'${c}' ${Number(weights[i].toPrecision(3))} (${counts[i]} samples)`).join(', ');
  at(['classWeights'], METRIC_CODES.balancedResolved, `'balanced' weighs the loss of head '${head.name}' by class, from its ${total} training samples: ${shown}.`, 'info');
  return weights;
}

function listed(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
