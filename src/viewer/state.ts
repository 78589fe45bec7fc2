// The viewer's state: a few signals, changed only in batch() by applyMessages
// (WebSocket) and by the refresh in sync.ts (GET API). Components read them.
import { batch, signal } from '@preact/signals';
import type {
  DatasetView, DiagnosticView, HeadView, LayerView, LogView, PlanSummary, ProjectView, RunView, ServerMessage, SweepDetailView, TensorStatsView, TokensView,
  TrainingStatsView, WarmStartView,
} from '../shared/protocol.js';
import type { ConnectionState } from './connection.js';
import { mergeLog } from './logs.js';
import { createSeriesSet, type SeriesSet } from './series.js';

export interface WeightsView {
  readonly runId: string | null;
  readonly step: number | null;
  readonly tensors: readonly TensorStatsView[];
}

export const connection = signal<ConnectionState>({ state: 'connecting', attempt: 0 });
export const projects = signal<string[]>([]);
export const project = signal<string | null>(null);
/** /api/projects' entry for the shown project: live (nnc watch) or stored runs only (nnc view) */
export const projectInfo = signal<ProjectView | null>(null);
export const summary = signal<PlanSummary | null>(null);
export const tokens = signal<TokensView | null>(null);
export const layers = signal<LayerView[]>([]);
export const heads = signal<HeadView[]>([]);
export const datasets = signal<DatasetView[]>([]);
export const diagnostics = signal<DiagnosticView[]>([]);
export const runs = signal<RunView[]>([]);
/** the run the Monitoring tab follows: the one training now, else the newest */
export const liveRunId = signal<string | null>(null);
export const stats = signal<TrainingStatsView | null>(null);
/** how the followed run reused its parent's weights, when it did */
export const warmStart = signal<WarmStartView | null>(null);
export const weights = signal<WeightsView | null>(null);
export const logs = signal<LogView[]>([]);
/** sweeps pushed over the WebSocket since the page (re)connected (sweep_updated), by id: newer than what /api/sweeps gave */
export const pushedSweeps = signal<ReadonlyMap<string, SweepDetailView>>(new Map());
/** bumped at every (re)connect and project switch: the Sweeps tab reads /api/sweeps again then, and only then */
export const sweepsEpoch = signal(0);
/** names created by the last recompiles ("layer:hidden"), highlighted for a while */
export const fresh = signal<ReadonlySet<string>>(new Set());
/** bumped whenever a metric series gains points; charts redraw on it */
export const seriesVersion = signal(0);

const seriesByRun = new Map<string, SeriesSet>();

export function seriesFor(runId: string): SeriesSet {
  let set = seriesByRun.get(runId);
  if (!set) {
    set = createSeriesSet(runId);
    seriesByRun.set(runId, set);
  }
  return set;
}

export function hasSeries(runId: string): boolean {
  return seriesByRun.has(runId);
}

export function forgetSeries(): void {
  seriesByRun.clear();
}

/** What a batch of messages asks the sync layer to refetch. */
export interface Refetch {
  model: boolean;
  runs: boolean;
  /** runs whose stored metrics should be reloaded (live stats may have been coalesced away) */
  metrics: string[];
  /** everything: the project shown was not known before */
  all: boolean;
}

/** Folds a batch of server messages into the signals, in one batch(). */
export function applyMessages(messages: readonly ServerMessage[]): Refetch {
  const refetch: Refetch = { model: false, runs: false, metrics: [], all: false };
  batch(() => {
    let logLines = logs.value;
    let bumped = false;
    const created: string[] = [];
    for (const m of messages) {
      if (m.type === 'connected') {
        // what was pushed before is as old as the GET API's answer the Sweeps tab now asks for
        pushedSweeps.value = new Map();
        sweepsEpoch.value++;
        // a server still starting may not list its projects yet: keep the one shown
        if (m.projects.length) {
          projects.value = m.projects;
          if (!project.value || !m.projects.includes(project.value)) project.value = m.projects[0];
        }
        continue;
      }
      if (!projects.value.includes(m.project)) projects.value = [...projects.value, m.project];
      if (!project.value) {
        // the first project the server speaks of, when the list came empty
        project.value = m.project;
        refetch.all = true;
      }
      if (m.project !== project.value) continue;
      switch (m.type) {
        case 'project_compiled':
          summary.value = m.summary;
          refetch.model = true;
          break;
        case 'diagnostics':
          diagnostics.value = m.diagnostics;
          break;
        case 'token_created':
          created.push(...m.tokens.map((t) => `token:${t}`));
          refetch.model = true;
          break;
        case 'layer_created':
          created.push(...m.layers.map((l) => `layer:${l}`));
          refetch.model = true;
          break;
        case 'head_created':
          created.push(...m.heads.map((h) => `head:${h}`));
          refetch.model = true;
          break;
        case 'model_created':
          refetch.model = true;
          break;
        case 'run_started':
          runs.value = [m.run, ...runs.value.filter((r) => r.id !== m.run.id)];
          liveRunId.value = m.run.id;
          stats.value = null;
          warmStart.value = m.warmStart ?? null;
          break;
        case 'run_ended':
          runs.value = runs.value.some((r) => r.id === m.run.id)
            ? runs.value.map((r) => (r.id === m.run.id ? m.run : r))
            : [m.run, ...runs.value];
          refetch.runs = true;
          refetch.metrics.push(m.run.id);
          break;
        case 'training_log':
          logLines = mergeLog(logLines, m.log);
          break;
        case 'training_stats': {
          const s = m.stats;
          if (liveRunId.value !== s.runId) liveRunId.value = s.runId;
          addStatsPoints(seriesFor(s.runId), s);
          // an epoch summary can arrive after a later batch: the header never steps back
          const current = stats.value;
          if (!current || current.runId !== s.runId || s.step >= current.step) stats.value = s;
          bumped = true;
          break;
        }
        case 'weights_update':
          weights.value = { runId: m.runId, step: m.step, tensors: m.tensors };
          break;
        case 'sweep_updated':
          pushedSweeps.value = new Map(pushedSweeps.value).set(m.sweep.id, { sweep: m.sweep, trials: m.trials });
          break;
      }
    }
    if (logLines !== logs.value) logs.value = logLines;
    if (bumped) seriesVersion.value++;
    if (created.length) markFresh(created);
  });
  return refetch;
}

/** Metric names follow the run store: "<head>.loss", the stats' metric names, "lr", "grad_norm". */
export function addStatsPoints(set: SeriesSet, s: TrainingStatsView): void {
  for (const [head, v] of Object.entries(s.losses)) set.append(`${head}.loss`, s.step, v);
  for (const [name, v] of Object.entries(s.metrics)) set.append(name, s.step, v);
  set.append('lr', s.step, s.learningRate);
  set.append('grad_norm', s.step, s.gradNorm);
  if (s.kind === 'epoch') return;
  // the store's resource series (runtime/train/resources.ts)
  set.append('sys.tensors', s.step, s.numTensors);
  set.append('sys.tensor_bytes', s.step, s.memoryBytes);
  set.append('sys.samples_per_second', s.step, s.samplesPerSecond);
  if (s.cpuPercent !== undefined) set.append('sys.cpu_percent', s.step, s.cpuPercent);
  if (s.rssBytes !== undefined) set.append('sys.rss', s.step, s.rssBytes);
  if (s.heapUsedBytes !== undefined) set.append('sys.heap_used', s.step, s.heapUsedBytes);
}

let freshTimer: ReturnType<typeof setTimeout> | undefined;

function markFresh(names: string[]): void {
  fresh.value = new Set([...fresh.value, ...names]);
  clearTimeout(freshTimer);
  freshTimer = setTimeout(() => (fresh.value = new Set()), 8000);
}
