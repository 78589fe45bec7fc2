// Plan, diagnostics and store records -> the protocol's views (src/shared/protocol.ts).
// Pure: the server and the watcher both shape what they send through here.
import { validationCount } from '../train/examples.js';
import { relative, sep } from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan, Sample } from '../../compiler/plan.js';
import type {
  DatasetView,
  DiagnosticView,
  HeadView,
  LayerView,
  LogView,
  PlanSummary,
  RunView,
  TensorStatsView,
  TokenCountsView,
  TokensView,
  TrainingStatsView,
} from '../../shared/protocol.js';
import type { RunRecord, StoredLog, TensorStats } from '../store/types.js';
import type { EpochSummary, TrainStats } from '../train/types.js';

const PREVIEW = 5;

function projectPath(dir: string, file: string): string {
  const rel = relative(dir, file);
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}

export function diagnosticView(dir: string, d: Diagnostic): DiagnosticView {
  const related = d.related?.map((r) => ({ file: projectPath(dir, r.file), line: r.line, column: r.column, message: r.message }));
  return { code: d.code, severity: d.severity, message: d.message, file: projectPath(dir, d.file), line: d.line, column: d.column, ...(related ? { related } : {}) };
}

export function planSummary(project: string, plan: Plan): PlanSummary {
  return {
    project,
    planHash: plan.hash,
    modelHash: plan.modelHash,
    params: plan.totals.params,
    weightBytes: plan.totals.weightBytes,
    layers: plan.layers.map((l) => ({ name: l.name, type: l.type, outputShape: [...l.outputShape], params: l.params, file: l.source.file, line: l.source.line })),
    heads: plan.heads.map((h) => ({ name: h.name, attach: h.attach, task: h.task, loss: h.loss, outputShape: [...h.outputShape], params: h.params, file: h.source.file, line: h.source.line })),
    datasets: plan.datasets.map((d) => ({ name: d.name, type: d.type, head: d.head, count: d.count })),
    vocabularySize: plan.vocabulary.tokens.length,
  };
}

export function tokensView(project: string, plan: Plan, counts?: TokenCountsView): TokensView {
  const v = plan.vocabulary;
  return {
    project,
    tokens: v.tokens,
    categories: v.categories,
    special: { ...v.special },
    vocabularySize: v.tokens.length,
    ...(v.dataTokens ? { dataTokens: { ...v.dataTokens } } : {}),
    ...(counts && counts.byId.length === v.tokens.length ? { counts } : {}),
  };
}

export function layerViews(plan: Plan): LayerView[] {
  return plan.layers.map((l) => ({
    name: l.name,
    type: l.type,
    config: { ...l.config },
    inputShape: l.inputShape,
    outputShape: l.outputShape,
    params: l.params,
    hash: l.hash,
    file: l.source.file,
    line: l.source.line,
    ...(l.plugin ? { plugin: l.plugin } : {}),
  }));
}

export function headViews(plan: Plan): HeadView[] {
  return plan.heads.map((h) => ({
    name: h.name,
    attach: h.attach,
    task: h.task,
    loss: h.loss,
    classes: h.classes,
    weight: h.weight,
    inputShape: h.inputShape,
    outputShape: h.outputShape,
    params: h.params,
    hash: h.hash,
    file: h.source.file,
    line: h.source.line,
  }));
}

/** The first samples of a dataset by name, where a compile keeps them beside its plan; undefined when it does not. */
export type SamplePreview = (dataset: string) => readonly Sample[] | undefined;

/**
 * The preview samples a compile keeps beside its plan (`CompileResult.data`:
 * per dataset its name and first samples), by dataset name. Empty when the
 * result carries none (a plan read back from the store).
 */
export function samplePreviews(result: { readonly data?: unknown }): Map<string, readonly Sample[]> {
  const previews = new Map<string, readonly Sample[]>();
  const datasets = (result.data as { datasets?: unknown } | null | undefined)?.datasets;
  if (!Array.isArray(datasets)) return previews;
  for (const d of datasets as Array<{ name?: unknown; preview?: unknown }>) {
    if (typeof d?.name === 'string' && Array.isArray(d.preview)) previews.set(d.name, d.preview as Sample[]);
  }
  return previews;
}

export function datasetViews(plan: Plan, preview: SamplePreview = () => undefined): DatasetView[] {
  return plan.datasets.map((d) => {
    const classes = plan.heads.find((h) => h.name === d.head)?.classes ?? [];
    // per class in the head's class order (plans with the samples beside them), else counted from the samples a plan holds
    const classCounts = 'classCounts' in d ? (d.classCounts as readonly number[] | undefined) : undefined;
    const labelCounts: Record<string, number> = {};
    if (classCounts) {
      classCounts.forEach((n, i) => {
        if (n > 0) labelCounts[classes[i] ?? String(i)] = n;
      });
    } else {
      for (const s of d.samples ?? []) {
        if ('label' in s) {
          const name = classes[s.label] ?? String(s.label);
          labelCounts[name] = (labelCounts[name] ?? 0) + 1;
        }
      }
    }
    const samples = preview(d.name) ?? d.samples ?? [];
    return {
      name: d.name,
      type: d.type,
      head: d.head,
      source: d.source,
      count: d.count,
      validationSplit: plan.project.training.validationSplit,
      validationCount: validationCount(d.count, plan.project.training.validationSplit),
      preview: samples.slice(0, PREVIEW).map((s) => previewSample(s, classes)),
      labelCounts,
      file: d.sourceRef.file,
      line: d.sourceRef.line,
    };
  });
}

/** A sample as a reader wants to see it: a classification label as its class name, not the index the plan keeps. */
function previewSample(sample: Sample, classes: readonly string[]): unknown {
  if (!('label' in sample)) return sample;
  const name = classes[sample.label];
  return name === undefined ? sample : { ...sample, label: name };
}

export function runView(run: RunRecord): RunView {
  return {
    id: run.id,
    project: run.project,
    planHash: run.planHash,
    gitCommit: run.gitCommit,
    gitDirty: run.gitDirty,
    backend: run.backend,
    status: run.status,
    parentId: run.parentId,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    best: run.best,
    info: run.info,
  };
}

export function logView(log: StoredLog): LogView {
  return { id: log.id, runId: log.runId, time: log.time, level: log.level, category: log.category, message: log.message, spam: log.spam, count: log.count };
}

export function tensorViews(tensors: readonly TensorStats[]): TensorStatsView[] {
  return tensors.map((t) => ({ ...t }));
}

/** Names in `next` that `previous` did not have (for the *_created messages). */
export function addedNames(previous: readonly string[], next: readonly string[]): string[] {
  const before = new Set(previous);
  return next.filter((n) => !before.has(n));
}

/** A window of training batches, as the viewer plots it. */
export function statsView(runId: string, s: TrainStats): TrainingStatsView {
  const total = s.epochs * s.stepsPerEpoch;
  return {
    runId,
    step: s.step,
    epoch: s.epoch,
    losses: s.losses,
    metrics: s.metrics,
    learningRate: s.lr,
    gradNorm: s.gradNorm,
    samplesPerSecond: s.samplesPerSecond,
    progress: total > 0 ? Math.min(1, s.step / total) : 0,
    numTensors: s.memory.numTensors,
    memoryBytes: s.memory.numBytes,
    ...(s.resources ? { cpuPercent: s.resources.cpuPercent, rssBytes: s.resources.rssBytes, heapUsedBytes: s.resources.heapUsedBytes } : {}),
    kind: 'batch',
  };
}

/** An epoch's end: per-head training losses and every other metric, validation included. */
export function epochStatsView(runId: string, e: EpochSummary, heads: readonly string[], memory: { numTensors: number; numBytes: number } | null): TrainingStatsView {
  const losses: Record<string, number> = {};
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(e.metrics)) {
    const dot = name.indexOf('.');
    if (dot > 0 && name.slice(dot + 1) === 'loss' && heads.includes(name.slice(0, dot))) losses[name.slice(0, dot)] = value;
    else if (name !== 'lr' && name !== 'grad_norm') metrics[name] = value;
  }
  return {
    runId,
    step: e.step,
    epoch: e.epoch,
    losses,
    metrics,
    learningRate: e.metrics.lr ?? 0,
    gradNorm: e.metrics.grad_norm ?? 0,
    samplesPerSecond: e.samplesPerSecond,
    progress: e.epochs > 0 ? Math.min(1, e.epoch / e.epochs) : 0,
    numTensors: memory?.numTensors ?? 0,
    memoryBytes: memory?.numBytes ?? 0,
    kind: 'epoch',
  };
}
