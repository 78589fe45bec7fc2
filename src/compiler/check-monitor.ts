// The metrics a run reports, by name, and the two settings that name one:
// `training.earlyStopping.monitor` and `training.checkpoint.monitor` (the
// metric that picks a run's best checkpoint). Names are checked here, at the
// value's line, so training never has to guess what a name meant.
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import type { LoadedDocument } from './load.js';
import type { MetricMode, PlanProject, Task } from './plan.js';
import type { RawHead, RawProject } from './raw.js';
import { suggest } from './suggest.js';
import { BASE_METRICS, defaultMetrics, metricMode, validationMetricNames } from './metric-catalog.js';
import { MESSAGES } from './diagnostic-messages.js';

/** What each head task reports on training batches besides its loss (runtime/train/losses.ts metricsFromSums computes them); validation adds the head's metrics (metric-catalog.ts). */
export const HEAD_METRICS: Readonly<Record<Task, readonly string[]>> = BASE_METRICS;

/** Higher is better for accuracies, precision, recall, F1, AUCs, R² and exact match; lower for losses, errors and perplexity. */
export function inferredMode(metric: string): MetricMode {
  return metricMode(metric);
}

type RawMonitor = { readonly monitor?: string; readonly mode?: MetricMode };

/**
 * Defaults: 'val_loss', or 'loss' when nothing is held out for validation;
 * the mode from the name unless given.
 */
export function resolveMonitor(raw: RawMonitor, validationSplit: number): { monitor: string; mode: MetricMode } {
  const monitor = raw.monitor ?? (validationSplit > 0 ? 'val_loss' : 'loss');
  return { monitor, mode: raw.mode ?? inferredMode(monitor) };
}

/** The best-checkpoint monitor: its own, else early stopping's, else the default. */
export function resolveCheckpointMonitor(training: NonNullable<RawProject['training']>, validationSplit: number): { monitor: string; mode: MetricMode } {
  const own = training.checkpoint;
  if (own?.monitor !== undefined) return resolveMonitor(own, validationSplit);
  const early = training.earlyStopping;
  return resolveMonitor({ monitor: early?.monitor, mode: own?.mode ?? (early?.monitor !== undefined ? early.mode : undefined) }, validationSplit);
}

/**
 * Every metric name a run of these heads reports at an epoch's end that can be
 * monitored (not 'lr' or 'grad_norm'): totals first, then per head.
 */
export function reportedMetrics(heads: readonly (Pick<RawHead, 'name' | 'task'> & { readonly metrics?: readonly string[]; readonly classes?: readonly string[] })[], validated: boolean): string[] {
  const names = ['loss', ...(validated ? ['val_loss'] : [])];
  for (const head of heads) {
    const own = ['loss', ...(HEAD_METRICS[head.task] ?? [])];
    names.push(...own.map((m) => `${head.name}.${m}`));
    // classes not known yet (taken from the data): a default list that includes the two-class AUCs
    const declared = head.metrics ?? defaultMetrics(head.task, head.classes?.length ?? 2);
    if (validated) names.push(...['loss', ...validationMetricNames(head.task, declared)].map((m) => `${head.name}.val_${m}`));
  }
  return names;
}

/** Checks the monitor names the project document writes. */
export function checkMonitors(document: LoadedDocument, project: PlanProject, heads: readonly Pick<RawHead, 'name' | 'task'>[], diagnostics: Diagnostic[]): void {
  const training = (document.value as RawProject).training;
  const validated = project.training.validationSplit > 0;
  const known = reportedMetrics(heads, true);
  for (const key of ['earlyStopping', 'checkpoint'] as const) {
    const name = training?.[key]?.monitor;
    if (name === undefined) continue;
    const path = ['training', key, 'monitor'];
    if (!known.includes(name)) {
      diagnostics.push(diagnosticAt(document, path, MESSAGES.unknownMonitor.code, `Runs do not report a metric '${name}'.${didYouMean(name, known)} Runs of this project report ${listed(known)}.`));
    } else if (!validated && isValidation(name)) {
      diagnostics.push(diagnosticAt(document, path, MESSAGES.monitorNeedsValidation.code, `'${name}' is a validation metric, but 'validationSplit' is 0, so nothing is held out to compute it. Monitor '${name.replace('val_', '')}', or set 'validationSplit' above 0.`));
    }
  }
}

function isValidation(name: string): boolean {
  return name.startsWith('val_') || name.includes('.val_');
}

/** A close spelling, or the same words in another order ('val_topic_loss' -> 'topic.val_loss'). */
export function didYouMean(name: string, known: readonly string[]): string {
  // 'topic.f1': a metric computed at validation only
  const validation = name.replace(/^([^.]+)\.(?!val_)/, '$1.val_');
  if (validation !== name && known.includes(validation)) return ` Did you mean '${validation}'?`;
  const words = (text: string) => text.split(/[._]/).filter(Boolean).sort().join(' ');
  const reordered = known.filter((k) => words(k) === words(name));
  if (reordered.length === 1) return ` Did you mean '${reordered[0]}'?`;
  const close = suggest(name, known);
  if (close) return ` Did you mean '${close}'?`;
  // 'val_accuracy' without a head: the heads' metrics of that name
  const perHead = known.filter((k) => k.endsWith(`.${name}`));
  if (perHead.length === 1) return ` Did you mean '${perHead[0]}'?`;
  if (perHead.length > 1) return ` Name the head: ${listed(perHead)}.`;
  return '';
}

export function listed(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
