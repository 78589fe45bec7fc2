// Metrics files for pull requests: a small JSON written by `nnc train
// --metrics-out` and `nnc evaluate --metrics-out`, meant to be committed, so
// `nnc diff` can compare two revisions' metrics in CI where no run store
// exists. Stable on purpose: keys sorted, values to 6 significant digits, no
// times, so the file changes only when a metric does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const METRICS_FILE_FORMAT = 'nnc-metrics/v1';

export interface MetricsFile {
  readonly format: typeof METRICS_FILE_FORMAT;
  readonly project: string;
  /** the plan the scored model was trained on */
  readonly planHash: string;
  readonly runId: string;
  /** which command wrote it */
  readonly source: 'train' | 'evaluate';
  /** what was scored: 'validation', 'test', 'train' (no validation split), or 'file' */
  readonly split: string;
  /** the file scored (--data), when split is 'file' */
  readonly data?: string;
  /** train: the best epoch the metrics are from */
  readonly epoch?: number;
  /** head -> metric -> value, e.g. {"spam": {"accuracy": 0.98, "f1": 0.975, "loss": 0.061}} */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

/** The file's text: sorted keys, rounded values, a final newline. */
export function formatMetricsFile(file: MetricsFile): string {
  const metrics = Object.fromEntries(
    Object.keys(file.metrics)
      .sort()
      .map((head) => [head, Object.fromEntries(Object.keys(file.metrics[head]).sort().map((name) => [name, round(file.metrics[head][name])]))]),
  );
  const ordered = {
    format: file.format,
    project: file.project,
    planHash: file.planHash,
    runId: file.runId,
    source: file.source,
    split: file.split,
    ...(file.data !== undefined ? { data: file.data } : {}),
    ...(file.epoch !== undefined ? { epoch: file.epoch } : {}),
    metrics,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function writeMetricsFile(path: string, file: MetricsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatMetricsFile(file));
}

/** A metrics file's text parsed, or a sentence saying why it is not one. */
export function parseMetricsFile(text: string): MetricsFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `it is not JSON (${(error as Error).message})`;
  }
  const v = value as Partial<MetricsFile> | null;
  if (!v || typeof v !== 'object' || v.format !== METRICS_FILE_FORMAT) return `it is not an nnc metrics file (no "format": "${METRICS_FILE_FORMAT}")`;
  if (!v.metrics || typeof v.metrics !== 'object') return 'it has no "metrics" object';
  for (const [head, values] of Object.entries(v.metrics)) {
    if (!values || typeof values !== 'object') return `its metrics of head '${head}' are not an object`;
    for (const [name, n] of Object.entries(values)) if (typeof n !== 'number') return `its metric '${head}.${name}' is not a number`;
  }
  return v as MetricsFile;
}

/**
 * A run's metrics at its best epoch, per head, from the epoch-end points the
 * store keeps ('<head>.val_<metric>', or '<head>.<metric>' without a
 * validation split).
 */
export function bestEpochMetrics(points: readonly { readonly epoch: number; readonly name: string; readonly value: number }[], epoch: number, heads: readonly string[]): { split: 'validation' | 'train'; metrics: Record<string, Record<string, number>> } {
  const at = points.filter((p) => p.epoch === epoch);
  const validated = at.some((p) => p.name.includes('.val_'));
  const metrics: Record<string, Record<string, number>> = {};
  for (const head of heads) {
    const prefix = validated ? `${head}.val_` : `${head}.`;
    // the last point of the epoch: its end
    for (const p of at) {
      if (!p.name.startsWith(prefix)) continue;
      const name = p.name.slice(prefix.length);
      if (!validated && name.startsWith('val_')) continue;
      (metrics[head] ??= {})[name] = p.value;
    }
  }
  return { split: validated ? 'validation' : 'train', metrics };
}

/** `nnc train --metrics-out`: the finished run's metrics at its best epoch (its model), per head. */
export function trainMetricsFile(run: { readonly id: string; readonly planHash: string; readonly info: Readonly<Record<string, unknown>> }, project: string, heads: readonly string[], points: readonly { readonly epoch: number; readonly name: string; readonly value: number }[]): MetricsFile | null {
  const best = typeof run.info.bestEpoch === 'number' ? run.info.bestEpoch : Math.max(0, ...points.map((p) => p.epoch));
  if (best === 0) return null;
  const { split, metrics } = bestEpochMetrics(points, best, heads);
  return { format: METRICS_FILE_FORMAT, project, planHash: run.planHash, runId: run.id, source: 'train', split, epoch: best, metrics };
}
