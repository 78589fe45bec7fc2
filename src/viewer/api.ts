// GET API client: the answers are the protocol's view types. A failed request
// (404 while the project does not compile, or the server going away) leaves
// the last good state in place.
import type {
  DatasetView, DiagnosticView, HeadView, LayerView, LogView, ProjectView, RunMetricsView, RunView, TokensView, WeightsView,
} from '../shared/protocol.js';

export interface Api {
  projects(): Promise<ProjectView[]>;
  tokens(): Promise<TokensView>;
  layers(): Promise<LayerView[]>;
  heads(): Promise<HeadView[]>;
  datasets(): Promise<DatasetView[]>;
  diagnostics(): Promise<DiagnosticView[]>;
  runs(): Promise<RunView[]>;
  metrics(runId: string): Promise<RunMetricsView>;
  weights(model: string): Promise<WeightsView>;
  logs(query: Record<string, string>): Promise<LogView[]>;
}

/** `project()` names the project asked about; `multi()` says whether ?project= is needed. */
export function createApi(project: () => string | null, multi: () => boolean): Api {
  const get = async <T>(path: string, query: Record<string, string> = {}): Promise<T> => {
    const params = new URLSearchParams(query);
    const name = project();
    if (name && multi()) params.set('project', name);
    const qs = params.toString();
    const url = qs ? `${path}?${qs}` : path;
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}.`);
    return res.json() as Promise<T>;
  };
  const id = encodeURIComponent;
  return {
    projects: () => get('/api/projects'),
    tokens: () => get('/api/tokens'),
    layers: () => get('/api/layers'),
    heads: () => get('/api/heads'),
    datasets: () => get('/api/datasets'),
    diagnostics: () => get('/api/diagnostics'),
    runs: () => get('/api/runs'),
    metrics: (runId) => get(`/api/runs/${id(runId)}/metrics`),
    weights: (model) => get(`/api/models/${id(model)}/weights`),
    logs: (query) => get('/api/logs', query),
  };
}
