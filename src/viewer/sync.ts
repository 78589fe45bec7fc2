// Keeps the state in step with the server: live messages are queued and
// applied once per frame in one batch(); every (re)connect refetches the
// whole state over the GET API, so nothing missed while away stays missing.
import { batch } from '@preact/signals';
import type { RunMetricsView, ServerMessage } from '../shared/protocol.js';
import { createApi } from './api.js';
import { createConnection, type Connection } from './connection.js';
import {
  applyMessages, connection, datasets, diagnostics, forgetSeries, heads, layers, liveRunId, logs, project, projectInfo, projects, pushedSweeps, runs,
  seriesFor, seriesVersion, stats, summary, sweepsEpoch, tokens, warmStart, weights,
} from './state.js';

const api = createApi(() => project.value, () => projects.value.length > 1);
let queue: ServerMessage[] = [];
let scheduled = false;
let generation = 0;
let refetchTimer: ReturnType<typeof setTimeout> | undefined;
const pending = { model: false, runs: false, metrics: new Set<string>() };

export function startSync(wsUrl: string): Connection {
  return createConnection({
    url: wsUrl,
    onState: (s) => (connection.value = s),
    onMessage(m) {
      if (m.type === 'connected') {
        // apply at once: the refresh needs the project list
        flush();
        applyMessages([m]);
        void refreshAll();
        return;
      }
      queue.push(m);
      if (!scheduled) {
        scheduled = true;
        // a hidden tab gets no animation frames: the timeout still flushes
        const t = setTimeout(flush, 250);
        requestAnimationFrame(() => {
          clearTimeout(t);
          flush();
        });
      }
    },
  });
}

function flush(): void {
  if (!scheduled) return;
  scheduled = false;
  const messages = queue;
  queue = [];
  const r = applyMessages(messages);
  if (r.all) {
    void refreshAll();
    return;
  }
  pending.model ||= r.model;
  pending.runs ||= r.runs;
  for (const id of r.metrics) pending.metrics.add(id);
  if (pending.model || pending.runs || pending.metrics.size) {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => {
      const gen = generation;
      if (pending.model) void refreshModel(gen);
      if (pending.runs) void refreshRuns(false, gen);
      for (const id of pending.metrics) void loadRunMetrics(id, true);
      pending.model = pending.runs = false;
      pending.metrics.clear();
    }, 200);
  }
}

/** Switches the project shown (several projects served by one `nnc watch`). */
export function selectProject(name: string): void {
  if (name === project.value) return;
  batch(() => {
    project.value = name;
    for (const s of [projectInfo, summary, stats, weights, liveRunId, tokens, warmStart]) s.value = null;
    for (const s of [layers, heads, datasets, diagnostics, runs, logs]) s.value = [];
    pushedSweeps.value = new Map();
    sweepsEpoch.value++;
  });
  forgetSeries();
  loaded.clear();
  void refreshAll();
}

let retryTimer: ReturnType<typeof setTimeout> | undefined;

export async function refreshAll(): Promise<void> {
  const gen = ++generation;
  clearTimeout(retryTimer);
  const known = project.value;
  const everything = () => Promise.all([refreshModel(gen), refreshRuns(true, gen), refreshLogs(gen)]);
  // the 'connected' message named the projects already: no need to wait for the list
  const early = known ? everything() : null;
  const list = await api.projects().catch(() => null);
  if (gen !== generation) return;
  if (!list?.length) {
    // a server just (re)started answers before its watcher has registered the projects: ask again shortly
    retryTimer = setTimeout(() => connection.value.state === 'open' && void refreshAll(), 500);
  } else {
    batch(() => {
      projects.value = list.map((p) => p.name);
      if (!project.value || !projects.value.includes(project.value)) project.value = list[0].name;
      projectInfo.value = list.find((p) => p.name === project.value) ?? null;
    });
  }
  if (project.value !== known && project.value) return refreshAll();
  await early;
}

async function refreshModel(gen: number): Promise<void> {
  const keep = () => null;
  const [tok, lay, hd, ds, diag] = await Promise.all([
    api.tokens().catch(keep),
    api.layers().catch(keep),
    api.heads().catch(keep),
    api.datasets().catch(keep),
    api.diagnostics().catch(keep),
  ]);
  if (gen !== generation) return;
  batch(() => {
    if (tok) tokens.value = tok;
    if (lay) layers.value = lay;
    if (hd) heads.value = hd;
    if (ds) datasets.value = ds;
    if (diag) diagnostics.value = diag;
  });
}

async function refreshRuns(withSeries: boolean, gen: number): Promise<void> {
  const list = await api.runs().catch(() => null);
  if (!list || gen !== generation) return;
  list.sort((a, b) => b.startedAt - a.startedAt);
  const live = list.find((r) => r.status === 'running') ?? list[0];
  batch(() => {
    runs.value = list;
    if (live && (withSeries || !liveRunId.value)) liveRunId.value = live.id;
  });
  if (!withSeries || !live) return;
  await Promise.all([loadRunMetrics(live.id, true), refreshWeights(gen)]);
}

const loaded = new Set<string>();

/** Loads a run's stored metric points into its series (once per run unless `force`). */
export async function loadRunMetrics(runId: string, force: boolean): Promise<void> {
  if (!force && loaded.has(runId)) return;
  loaded.add(runId);
  let body: RunMetricsView;
  try {
    body = await api.metrics(runId);
  } catch {
    loaded.delete(runId);
    return;
  }
  const set = seriesFor(runId);
  for (const [name, points] of Object.entries(body.metrics)) for (const p of points) set.append(name, p.step, p.value);
  seriesVersion.value++;
}

async function refreshWeights(gen: number): Promise<void> {
  const name = project.value;
  if (!name) return;
  const w = await api.weights(name).catch(() => null);
  if (w && gen === generation && w.tensors.length) weights.value = { runId: w.runId, step: w.step, tensors: w.tensors };
}

/** Reloads the stored log lines (live spam lines are thinned on the way, the store has them all). */
export function reloadLogs(): Promise<void> {
  return refreshLogs(generation);
}

async function refreshLogs(gen: number): Promise<void> {
  // per-batch spam lines could crowd the rest out of one newest-N query: ask for both kinds
  const [quiet, all] = await Promise.all([api.logs({ limit: '1000' }).catch(() => null), api.logs({ spam: 'true', limit: '1000' }).catch(() => null)]);
  if (!quiet || !all || gen !== generation) return;
  const byId = new Map([...quiet, ...all].map((l) => [l.id, l]));
  logs.value = [...byId.values()].sort((a, b) => a.id - b.id);
}
