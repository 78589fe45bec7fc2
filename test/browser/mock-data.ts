// Data for the mock server: a small sentiment project with two stored runs,
// and as many metric points per series as a test asks for.
import type { DatasetView, HeadView, LayerView, LogView, PlanSummary, ProjectView, RunMetricsView, RunView, TensorStatsView, TokensView, WeightsView } from '../../src/shared/protocol.js';
import type { MockState } from './mock-server.js';

export const PROJECT = 'sentiment';

export const summary: PlanSummary = {
  project: PROJECT,
  planHash: 'a1b2c3d4e5f60718',
  modelHash: 'ffee0011',
  params: 1474,
  weightBytes: 5896,
  layers: [
    { name: 'embed', type: 'embedding', outputShape: [12, 16], params: 1200, file: 'layers.yaml', line: 4 },
    { name: 'pool', type: 'pool', outputShape: [16], params: 0, file: 'layers.yaml', line: 5 },
    { name: 'hidden', type: 'dense', outputShape: [16], params: 272, file: 'layers.yaml', line: 6 },
  ],
  heads: [{ name: 'sentiment', attach: 'hidden', task: 'classification', loss: 'crossentropy', outputShape: [2], params: 34, file: 'heads.yaml', line: 4 }],
  datasets: [{ name: 'reviews', type: 'binary_classification', head: 'sentiment', count: 40 }],
  vocabularySize: 75,
};

export function run(id: string, status: RunView['status'], startedAt: number, parentId: string | null = null): RunView {
  return {
    id, project: PROJECT, planHash: 'a1b2c3d4e5f60718', gitCommit: '9f8e7d6c5b4a', gitDirty: status === 'running', backend: 'wasm', status, parentId,
    startedAt, endedAt: status === 'running' ? null : startedAt + 65_000, best: status === 'running' ? {} : { val_loss: 0.312, 'sentiment.val_accuracy': 0.875 }, info: {},
  };
}

/** Loss-like curves: name -> n points over steps 1..n. */
export function metricPoints(n: number, seed = 1) {
  const out: Array<{ step: number; epoch: number; name: string; value: number }> = [];
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    const epoch = Math.ceil(t * 20);
    out.push({ step: i, epoch, name: 'sentiment.loss', value: 0.7 * Math.exp(-3 * t) + 0.05 + rnd() * 0.05 });
    out.push({ step: i, epoch, name: 'sentiment.accuracy', value: 0.5 + 0.45 * (1 - Math.exp(-4 * t)) + rnd() * 0.03 });
    out.push({ step: i, epoch, name: 'lr', value: 0.01 * 0.95 ** epoch });
    out.push({ step: i, epoch, name: 'grad_norm', value: 1.5 * Math.exp(-2 * t) + rnd() * 0.3 });
  }
  return out;
}

export function tensors(scale = 1): TensorStatsView[] {
  const t = (name: string, layer: string, shape: number[], std: number): TensorStatsView => ({
    name, layer, shape, mean: 0.01 * scale, std: std * scale, min: -3 * std * scale, max: 3 * std * scale,
    histogram: Array.from({ length: 20 }, (_, i) => Math.round(100 * Math.exp(-(((i - 9.5) / 4) ** 2)))), gradNorm: 0.02 * scale,
  });
  return [t('embed/embeddings', 'embed', [75, 16], 0.05), t('hidden/kernel', 'hidden', [16, 16], 0.3), t('hidden/bias', 'hidden', [16], 0.01), t('sentiment/kernel', 'sentiment', [16, 2], 0.4), t('sentiment/bias', 'sentiment', [2], 0.01)];
}

export function logLines(n: number): LogView[] {
  const lines: LogView[] = [];
  for (let i = 0; i < n; i++) {
    const spam = i % 3 !== 0;
    lines.push({ id: i + 1, runId: 'run2', time: 1_700_000_000_000 + i * 1000, level: i % 17 === 5 ? 'warning' : 'info', category: spam ? 'train' : 'system', message: spam ? `batch ${i} loss 0.${500 - i}` : `epoch ${i / 3 + 1} done`, spam, count: 1 });
  }
  return lines;
}

function metricsView(runId: string, points: ReturnType<typeof metricPoints>): RunMetricsView {
  const metrics: Record<string, Array<{ step: number; epoch: number; value: number }>> = {};
  for (const p of points) (metrics[p.name] ??= []).push({ step: p.step, epoch: p.epoch, value: p.value });
  return { runId, metrics };
}

export function mockState(pointsPerSeries: number): MockState {
  const now = Date.now();
  const runs = [run('run2', 'running', now - 30_000, 'run1'), run('run1', 'completed', now - 600_000)];
  const tokenList = ['<pad>', '<unk>', 'good', 'great', 'bad', 'awful', 'movie', 'plot', 'the', 'a', 'was'];
  const tokens: TokensView = {
    project: PROJECT, tokens: tokenList, vocabularySize: tokenList.length, special: { pad: 0, unk: 1, bos: null, sep: null, eos: null },
    categories: { special: ['<pad>', '<unk>'], general: ['good', 'great', 'bad', 'awful', 'movie', 'plot'], fromDatasets: ['the', 'a', 'was'] },
  };
  const layers: LayerView[] = summary.layers.map((l, i) => ({
    ...l, config: l.type === 'dense' ? { units: 16, activation: 'relu' } : l.type === 'embedding' ? { units: 16, inputDim: 75 } : { mode: 'mean' },
    inputShape: i === 0 ? [12] : summary.layers[i - 1].outputShape, hash: `h${i}`,
  }));
  const heads: HeadView[] = summary.heads.map((h) => ({ ...h, classes: ['negative', 'positive'], weight: 1, inputShape: [16], hash: 'hh' }));
  const datasets: DatasetView[] = [{
    ...summary.datasets[0], source: 'reviews.jsonl', file: 'datasets/reviews.yaml', line: 1, labelCounts: { negative: 20, positive: 20 },
    validationSplit: 0.2, validationCount: Math.round(summary.datasets[0].count * 0.2),
    preview: [{ input: 'a great movie', label: 1 }, { input: 'the plot was awful', label: 0 }],
  }];
  const project: ProjectView = { name: PROJECT, title: PROJECT, planHash: summary.planHash, errors: 0, warnings: 0, running: runs[0], live: true, storedIn: '.nnc/nnc.db' };
  const weights: WeightsView = { model: PROJECT, runId: 'run2', step: 100, epoch: 3, tensors: tensors() };
  return {
    projects: [PROJECT],
    api: {
      '/api/projects': [project],
      '/api/tokens': tokens,
      '/api/layers': layers,
      '/api/heads': heads,
      '/api/datasets': datasets,
      '/api/diagnostics': [],
      '/api/runs': runs,
      '/api/runs/run2/metrics': metricsView('run2', metricPoints(pointsPerSeries, 1)),
      '/api/runs/run1/metrics': metricsView('run1', metricPoints(pointsPerSeries, 2).map((p) => ({ ...p, value: p.value * 1.1 }))),
      [`/api/models/${PROJECT}/weights`]: weights,
      '/api/logs': logLines(60),
    },
    greeting: [{ type: 'project_compiled', project: PROJECT, summary }],
  };
}
