// The read-only JSON API (CLI.md "Viewer server"). Every answer is computed
// from a ProjectSource: the plan for tokens/layers/heads/datasets, the run
// store for runs, metrics, weights and logs.
import type { Plan } from '../../compiler/plan.js';
import type { ProjectView, RunMetricsView, WeightsView } from '../../shared/protocol.js';
import type { LogFilter, LogLevel, RunStore } from '../store/types.js';
import type { ProjectSource } from './source.js';
import { datasetViews, diagnosticView, headViews, layerViews, logView, runView, tensorViews, tokensView } from './views.js';

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

const fail = (status: number, error: string): ApiAnswer => ({ status, body: { error } });
const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

export function handleApi(url: URL, sources: readonly ProjectSource[]): ApiAnswer {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/api/projects') return ok(sources.map(projectView));

  const picked = pickProject(url, sources);
  if ('status' in picked) return picked;
  const source = picked;

  switch (path) {
    case '/api/tokens':
      return withPlan(source, (plan) => tokensView(source.name, plan));
    case '/api/layers':
      return withPlan(source, layerViews);
    case '/api/heads':
      return withPlan(source, headViews);
    case '/api/datasets':
      return withPlan(source, datasetViews);
    case '/api/diagnostics':
      return ok(source.diagnostics().map((d) => diagnosticView(source.dir, d)));
    case '/api/runs':
      return ok(withStore(source, (store) => store.listRuns({ limit: intParam(url, 'limit') ?? 200 }).map(runView), []));
    case '/api/logs':
      return logs(url, source);
  }

  const metrics = path.match(/^\/api\/runs\/([^/]+)\/metrics$/);
  if (metrics) return runMetrics(source, decodeURIComponent(metrics[1]!));
  const weights = path.match(/^\/api\/models\/([^/]+)\/weights$/);
  if (weights) return modelWeights(source, decodeURIComponent(weights[1]!));
  const run = path.match(/^\/api\/runs\/([^/]+)$/);
  if (run) {
    const record = withStore(source, (store) => store.getRun(decodeURIComponent(run[1]!)), null);
    return record ? ok(runView(record)) : fail(404, `There is no run '${run[1]}' in project '${source.name}'. GET /api/runs lists the runs.`);
  }
  return fail(404, `There is no API endpoint '${url.pathname}'. The endpoints are /api/projects, /api/tokens, /api/layers, /api/heads, /api/datasets, /api/diagnostics, /api/runs, /api/runs/{id}/metrics, /api/models/{name}/weights and /api/logs.`);
}

function projectView(source: ProjectSource): ProjectView {
  const diagnostics = source.diagnostics();
  const running = source.running();
  const plan = source.plan();
  return {
    name: source.name,
    title: plan?.project.name ?? null,
    planHash: plan?.hash ?? null,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    running: running ? runView(running) : null,
    live: source.live,
  };
}

function pickProject(url: URL, sources: readonly ProjectSource[]): ProjectSource | ApiAnswer {
  const wanted = url.searchParams.get('project');
  if (wanted === null || wanted === '') {
    return sources[0] ?? fail(404, 'No project is served.');
  }
  const found = sources.find((s) => s.name === wanted);
  return found ?? fail(404, `No project '${wanted}' is served. The projects are ${sources.map((s) => `'${s.name}'`).join(', ')}.`);
}

function withPlan(source: ProjectSource, view: (plan: Plan) => unknown): ApiAnswer {
  const plan = source.plan();
  if (!plan) {
    return fail(404, `Project '${source.name}' has not compiled yet. GET /api/diagnostics?project=${source.name} says what to fix.`);
  }
  return ok(view(plan));
}

function withStore<T>(source: ProjectSource, read: (store: RunStore) => T, fallback: T): T {
  const store = source.store();
  return store ? read(store) : fallback;
}

function intParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function runMetrics(source: ProjectSource, id: string): ApiAnswer {
  const store = source.store();
  if (!store?.getRun(id)) return fail(404, `There is no run '${id}' in project '${source.name}'. GET /api/runs lists the runs.`);
  const byName: Record<string, Array<{ step: number; epoch: number; value: number }>> = {};
  for (const point of store.metrics(id)) {
    (byName[point.name] ??= []).push({ step: point.step, epoch: point.epoch, value: point.value });
  }
  const body: RunMetricsView = { runId: id, metrics: byName };
  return ok(body);
}

function modelWeights(source: ProjectSource, name: string): ApiAnswer {
  const plan = source.plan();
  const known = [source.name, plan?.project.name].filter(Boolean);
  if (!known.includes(name)) {
    return fail(404, `There is no model '${name}' in project '${source.name}'. Use /api/models/${plan?.project.name ?? source.name}/weights.`);
  }
  const store = source.store();
  const empty: WeightsView = { model: name, runId: null, step: null, epoch: null, tensors: [] };
  if (!store) return ok(empty);
  // the running run first, then the newest run that has a snapshot
  const candidates = [source.running(), ...store.listRuns({ limit: 20 })].filter((r) => r !== null);
  for (const run of candidates) {
    const snapshot = store.latestSnapshot(run.id);
    if (snapshot) {
      const body: WeightsView = { model: name, runId: run.id, step: snapshot.step, epoch: snapshot.epoch, tensors: tensorViews(snapshot.tensors) };
      return ok(body);
    }
  }
  return ok(empty);
}

function logs(url: URL, source: ProjectSource): ApiAnswer {
  const q = url.searchParams;
  const level = q.get('level');
  if (level && !LEVELS.includes(level as LogLevel)) {
    return fail(400, `'level' is one of ${LEVELS.map((l) => `'${l}'`).join(', ')}, not '${level}'.`);
  }
  const spam = q.get('spam');
  const filter: LogFilter = {
    ...(level ? { level: level as LogLevel } : {}),
    ...(q.get('q') ? { q: q.get('q')! } : {}),
    ...(q.get('run') ? { runId: q.get('run')! } : {}),
    spam: spam === '1' || spam === 'true',
    limit: Math.min(intParam(url, 'limit') ?? 1000, 10_000),
    ...(intParam(url, 'after') ? { afterId: intParam(url, 'after')! } : {}),
  };
  return ok(withStore(source, (store) => store.logs(filter).map(logView), []));
}
