// The heading of a diff's metrics section, saying where the metrics come from.
import type { MetricsDiff } from './plan-diff.js';

export function metricsTitle(metrics: MetricsDiff): string {
  if (metrics.source?.kind === 'files') return `Metrics from ${metrics.source.path} of both sides`;
  return 'Best metrics from the run store';
}
