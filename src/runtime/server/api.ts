// The read-only JSON API (docs/cli.md, "The viewer server"). Every answer is computed
// from a ProjectSource: the plan for tokens/layers/heads/datasets, the run
// store for runs, metrics, weights and logs.
import type { Plan } from '../../compiler/plan.js';
import type { ProjectView, RunMetricsView, SweepDetailView, WeightsView } from '../../shared/protocol.js';
import type { LogFilter, LogLevel, RunStore } from '../store/types.js';
import { shown } from './request-guard.js';
import type { ProjectSource } from './source.js';
import { listSweepViews, sweepDetail, sweepSummary, trialViews } from '../sweep/sweep-views.js';
import type { SweepReader } from '../sweep/sweep-store.js';
import { datasetViews, diagnosticView, headViews, layerViews, logView, runView, tensorViews, tokensView } from './views.js';

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

const fail = (status: number, error: string): ApiAnswer => ({ status, body: { error } });
const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

const SECTIONS = ['projects', 'tokens', 'layers', 'heads', 'datasets', 'diagnostics', 'runs', 'logs', 'sweeps'];
/** where a write method names a thing that exists (a layer, a head, a dataset, a token) and the answer is which file to edit */
const EDITABLE = ['tokens', 'layers', 'heads', 'datasets'];

/** True for the API paths a GET answers (or, below the YAML sections, names something a YAML file holds). */
export function apiPathExists(pathname: string): boolean {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(2);
  const [section, item, rest, ...more] = parts;
  if (section === undefined || more.length > 0 || parts.some((p) => p === '')) return false;
  if (item === undefined) return SECTIONS.includes(section);
  if (rest === undefined) return section === 'runs' || section === 'sweeps' || EDITABLE.includes(section);
  return (section === 'runs' && (rest === 'metrics' || rest === 'evaluations')) || (section === 'models' && rest === 'weights');
}

export function handleApi(url: URL, sources: readonly ProjectSource[]): ApiAnswer {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/api/projects') return ok(sources.map(projectView));

  const picked = pickProject(url, sources);
  if ('status' in picked) return picked;
  const source = picked;

  switch (path) {
    case '/api/tokens':
      return withPlan(source, (plan) => tokensView(source.name, plan, source.tokenCounts?.()));
    case '/api/layers':
      return withPlan(source, layerViews);
    case '/api/heads':
      return withPlan(source, headViews);
    case '/api/datasets':
      return withPlan(source, (plan) => datasetViews(plan, (name) => source.samplePreview?.(name)));
    case '/api/diagnostics':
      return ok(source.diagnostics().map((d) => diagnosticView(source.dir, d)));
    case '/api/runs': {
      const limit = wholeParam(url, 'limit', 1);
      if (typeof limit === 'string') return fail(400, limit);
      return ok(withStore(source, (store) => store.listRuns({ limit: limit ?? 200 }).map(runView), []));
    }
    case '/api/logs':
      return logs(url, source);
    case '/api/sweeps': {
      const reader = source.sweeps?.();
      return ok(readStored(() => (reader ? reader.listSweeps().map(sweepSummary) : listSweepViews(source.dir)), []));
    }
  }
  const sweep = path.match(/^\/api\/sweeps\/([^/]+)$/);
  if (sweep) {
    const id = decodeSegment(sweep[1]);
    if (id === null) return fail(400, `'${shown(sweep[1])}' in the path is not valid percent-encoding (each % is followed by two hex digits of UTF-8).`);
    const reader = source.sweeps?.();
    const found = readStored(() => (reader ? sharedSweepDetail(reader, id) : sweepDetail(source.dir, id)), null);
    return found ? ok(found) : fail(404, `There is no sweep '${shown(id)}' in project '${source.name}'. GET /api/sweeps lists the sweeps.`);
  }

  const metrics = path.match(/^\/api\/runs\/([^/]+)\/metrics$/);
  const evaluations = path.match(/^\/api\/runs\/([^/]+)\/evaluations$/);
  const weights = path.match(/^\/api\/models\/([^/]+)\/weights$/);
  const run = path.match(/^\/api\/runs\/([^/]+)$/);
  const segment = (metrics ?? evaluations ?? weights ?? run)?.[1];
  if (segment === undefined) {
    return fail(404, `There is no API endpoint '${shown(url.pathname)}'. The endpoints are /api/projects, /api/tokens, /api/layers, /api/heads, /api/datasets, /api/diagnostics, /api/runs, /api/runs/{id}/metrics, /api/runs/{id}/evaluations, /api/models/{name}/weights, /api/logs, /api/sweeps and /api/sweeps/{id}.`);
  }
  const name = decodeSegment(segment);
  if (name === null) return fail(400, `'${shown(segment)}' in the path is not valid percent-encoding (each % is followed by two hex digits of UTF-8).`);
  if (metrics) return runMetrics(source, name);
  if (evaluations) return runEvaluations(source, name);
  if (weights) return modelWeights(source, name);
  const record = withStore(source, (store) => store.getRun(name), null);
  return record ? ok(runView(record)) : fail(404, `There is no run '${shown(name)}' in project '${source.name}'. GET /api/runs lists the runs.`);
}

/** Sweeps are read from the store file with a connection of their own; a store that cannot be read has none to show. */
function readStored<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** A sweep of a shared store by id (or a unique start of one), as sweepDetail gives one from a folder's file. */
function sharedSweepDetail(reader: SweepReader, id: string): SweepDetailView | null {
  const sweep = reader.findSweep(id);
  if (typeof sweep === 'string' || !sweep.id.startsWith(id)) return null;
  return { sweep: sweepSummary(sweep), trials: trialViews(sweep, reader.trials(sweep.id)) };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
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
    storedIn: source.storedIn ?? '.nnc/nnc.db',
  };
}

function pickProject(url: URL, sources: readonly ProjectSource[]): ProjectSource | ApiAnswer {
  const wanted = url.searchParams.get('project');
  if (wanted === null || wanted === '') {
    return sources[0] ?? fail(404, 'No project is served.');
  }
  const found = sources.find((s) => s.name === wanted);
  return found ?? fail(404, `No project '${shown(wanted)}' is served. The projects are ${sources.map((s) => `'${s.name}'`).join(', ')}.`);
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

/**
 * A whole-number query parameter: undefined when absent or empty, the number
 * when it is a whole number from `min` up to 2^53 - 1, else the sentence of a 400.
 */
function wholeParam(url: URL, name: string, min: number): number | undefined | string {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(n) && n >= min) return n;
  return `'${name}' is a whole number of ${min} or more (at most ${Number.MAX_SAFE_INTEGER}), not '${shown(text)}'.`;
}

function runMetrics(source: ProjectSource, id: string): ApiAnswer {
  const store = source.store();
  if (!store?.getRun(id)) return fail(404, `There is no run '${shown(id)}' in project '${source.name}'. GET /api/runs lists the runs.`);
  const byName: Record<string, Array<{ step: number; epoch: number; value: number }>> = {};
  for (const point of store.metrics(id)) {
    (byName[point.name] ??= []).push({ step: point.step, epoch: point.epoch, value: point.value });
  }
  const body: RunMetricsView = { runId: id, metrics: byName };
  return ok(body);
}

/** nnc evaluate's results for a run, oldest first, with each head's report and worst samples. */
function runEvaluations(source: ProjectSource, id: string): ApiAnswer {
  const store = source.store();
  if (!store?.getRun(id)) return fail(404, `There is no run '${shown(id)}' in project '${source.name}'. GET /api/runs lists the runs.`);
  return ok({ runId: id, evaluations: store.evaluations(id) });
}

function modelWeights(source: ProjectSource, name: string): ApiAnswer {
  const plan = source.plan();
  const known = [source.name, plan?.project.name].filter(Boolean);
  if (!known.includes(name)) {
    return fail(404, `There is no model '${shown(name)}' in project '${source.name}'. Use /api/models/${plan?.project.name ?? source.name}/weights.`);
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
    return fail(400, `'level' is one of ${LEVELS.map((l) => `'${l}'`).join(', ')}, not '${shown(level)}'.`);
  }
  const spam = q.get('spam') ?? '';
  if (!['', '0', '1', 'false', 'true'].includes(spam)) return fail(400, `'spam' is 'true' or 'false' (or 1 or 0), not '${shown(spam)}'.`);
  const limit = wholeParam(url, 'limit', 1);
  if (typeof limit === 'string') return fail(400, limit);
  const after = wholeParam(url, 'after', 0);
  if (typeof after === 'string') return fail(400, after);
  const filter: LogFilter = {
    ...(level ? { level: level as LogLevel } : {}),
    ...(q.get('q') ? { q: q.get('q')! } : {}),
    ...(q.get('run') ? { runId: q.get('run')! } : {}),
    // kind: one category; its per-batch lines (samples are flagged so) come with it
    ...(q.get('kind') ? { category: q.get('kind')! } : {}),
    spam: spam === '1' || spam === 'true' || !!q.get('kind'),
    limit: Math.min(limit ?? 1000, 10_000),
    ...(after ? { afterId: after } : {}),
  };
  return ok(withStore(source, (store) => store.logs(filter).map(logView), []));
}
