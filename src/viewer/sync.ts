// Keeps the state in step with the server: live messages are queued and
// applied once per frame in one batch(); every (re)connect refetches the
// whole state over the GET API, so nothing missed while away stays missing.
import { batch } from '@preact/signals';
import type { ServerMessage } from '../shared/protocol.js';
import {
  apiUrl, getJson, readDatasets, readDiagnostics, readHeads, readLayers, readLogs, readMetrics, readProjects, readRuns, readTokens, readWeights,
} from './api.js';
import { createConnection, type Connection } from './connection.js';
import {
  applyMessages, connection, datasets, diagnostics, forgetSeries, heads, layers, liveRunId, logs, project, projects, runs, seriesFor,
  seriesVersion, stats, summary, tokens, weights,
} from './state.js';

let queue: ServerMessage[] = [];
let scheduled = false;
let generation = 0;
let refetchTimer: ReturnType<typeof setTimeout> | undefined;
const pending = { model: false, runs: false };

const url = (path: string, query?: Record<string, string>) => apiUrl(path, project.value, projects.value.length > 1, query);

export function startSync(wsUrl: string): Connection {
  return createConnection({
    url: wsUrl,
    onState: (s) => (connection.value = s),
    onMessage(m) {
      if (m.type === 'connected') {
        // apply at once: the refresh needs the project list
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
  const batchOfMessages = queue;
  queue = [];
  const r = applyMessages(batchOfMessages);
  pending.model ||= r.model;
  pending.runs ||= r.runs;
  if (pending.model || pending.runs) {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => {
      const { model, runs: runList } = pending;
      pending.model = pending.runs = false;
      if (model) void refreshModel();
      if (runList) void refreshRuns(false);
    }, 200);
  }
}

/** Switches the project shown (several projects served by one `nnc watch`). */
export function selectProject(name: string): void {
  if (name === project.value) return;
  batch(() => {
    project.value = name;
    summary.value = null;
    stats.value = null;
    weights.value = null;
    logs.value = [];
    liveRunId.value = null;
  });
  forgetSeries();
  void refreshAll();
}

export async function refreshAll(): Promise<void> {
  const gen = ++generation;
  try {
    const list = readProjects(await getJson('/api/projects'));
    if (gen !== generation) return;
    if (list.length) {
      batch(() => {
        projects.value = list;
        if (!project.value || !list.includes(project.value)) project.value = list[0];
      });
    }
  } catch {
    // the project list also comes with the 'connected' message
  }
  await Promise.all([refreshModel(gen), refreshRuns(true, gen), refreshLogs(gen)]);
}

async function refreshModel(gen = generation): Promise<void> {
  const [tok, lay, hd, ds, diag] = await Promise.all([
    getJson(url('/api/tokens')).then(readTokens, () => null),
    getJson(url('/api/layers')).then(readLayers, () => null),
    getJson(url('/api/heads')).then(readHeads, () => null),
    getJson(url('/api/datasets')).then(readDatasets, () => null),
    getJson(url('/api/diagnostics')).then(readDiagnostics, () => null),
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

async function refreshRuns(withSeries: boolean, gen = generation): Promise<void> {
  let list;
  try {
    list = readRuns(await getJson(url('/api/runs')));
  } catch {
    return;
  }
  if (gen !== generation) return;
  list.sort((a, b) => b.startedAt - a.startedAt);
  const live = list.find((r) => r.status === 'running') ?? list[0];
  batch(() => {
    runs.value = list;
    if (live && (withSeries || !liveRunId.value)) liveRunId.value = live.id;
  });
  if (!withSeries || !live) return;
  await Promise.all([loadRunMetrics(live.id), refreshWeights(gen)]);
}

/** Loads a run's stored metric points into its series (once per run unless `force`). */
const loaded = new Set<string>();
export async function loadRunMetrics(runId: string, force = true): Promise<void> {
  if (!force && loaded.has(runId)) return;
  loaded.add(runId);
  try {
    const points = readMetrics(await getJson(url(`/api/runs/${encodeURIComponent(runId)}/metrics`)));
    const set = seriesFor(runId);
    for (const [name, step, value] of points) set.append(name, step, value);
    seriesVersion.value++;
  } catch {
    loaded.delete(runId);
  }
}

async function refreshWeights(gen: number): Promise<void> {
  const name = project.value;
  if (!name) return;
  try {
    const w = readWeights(await getJson(url(`/api/models/${encodeURIComponent(name)}/weights`)));
    if (gen === generation && w.tensors.length) weights.value = w;
  } catch {
    // no snapshot yet
  }
}

async function refreshLogs(gen: number): Promise<void> {
  try {
    const lines = readLogs(await getJson(url('/api/logs', { spam: 'true', limit: '2000' })));
    if (gen === generation) logs.value = lines;
  } catch {
    // keep what we have
  }
}
