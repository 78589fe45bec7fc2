// A head's report (classification, regression or generation) and the scalar
// metrics it yields by name: the names of compiler/metric-catalog.ts, the
// same at epoch-end validation, in `nnc evaluate`, in metrics files and in
// the store.
import { defaultMetrics, topK, validationMetricNames } from '../../compiler/metric-catalog.js';
import type { PlanHead } from '../../compiler/plan.js';
import type { ClassificationReport } from './classification.js';
import type { GenerationReport } from './generation.js';
import type { RegressionReport } from './regression.js';

export type TaskReport = ClassificationReport | RegressionReport | GenerationReport;

/** One head scored on one set of samples. */
export type HeadReport = TaskReport & {
  readonly head: string;
  /** the head's own loss (unsmoothed, unweighted), as validation reports it */
  readonly loss: number | null;
};

/** The value of one scalar metric name in a report, or null when it does not apply (an AUC with one class present). */
export function scalarOf(report: TaskReport, name: string): number | null {
  const k = topK(name);
  if (k !== null) return report.task === 'classification' ? report.top_k[String(k)] ?? null : null;
  const value = (report as unknown as Record<string, unknown>)[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The metrics a head declares; a plan written before heads declared metrics gets its task's defaults. */
export function declaredMetrics(head: Pick<PlanHead, 'task' | 'metrics' | 'classes'>): readonly string[] {
  return head.metrics ?? defaultMetrics(head.task, head.classes.length);
}

/** The scalar metrics a head reports, by the names its plan declares (loss first when known). */
export function scalarMetrics(report: HeadReport, head: Pick<PlanHead, 'task' | 'metrics' | 'classes'>): Record<string, number> {
  const out: Record<string, number> = {};
  if (report.loss !== null && Number.isFinite(report.loss)) out.loss = report.loss;
  for (const name of validationMetricNames(head.task, declaredMetrics(head))) {
    const value = scalarOf(report, name);
    if (value !== null) out[name] = value;
  }
  return out;
}
