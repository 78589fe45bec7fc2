// GET API client. The server's JSON is normalized into the viewer's shapes
// (model.ts) with lenient readers, so a missing optional field shows as '-'
// instead of breaking a tab.
import type { DiagnosticView, LogView, RunView, TensorStatsView } from '../shared/protocol.js';
import type { DatasetRow, HeadRow, LayerRow, TokenCategory, TokensView } from './model.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function apiUrl(path: string, project: string | null, multiProject: boolean, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query);
  if (project && multiProject) params.set('project', project);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function getJson(url: string, signal?: AbortSignal): Promise<Json> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}.`);
  return res.json();
}

/** The array itself, or the first array-valued property among `keys`. */
function list(x: Json, ...keys: string[]): Json[] {
  if (Array.isArray(x)) return x;
  if (x && typeof x === 'object') for (const k of keys) if (Array.isArray(x[k])) return x[k];
  return [];
}

const num = (x: unknown, fallback = 0): number => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);
const numOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown, fallback = ''): string => (typeof x === 'string' ? x : fallback);
const shape = (x: unknown): number[] => (Array.isArray(x) ? x.map((v) => (typeof v === 'number' ? v : -1)) : []);
const fileOf = (x: Json): string => str(x?.file ?? x?.source?.file ?? x?.sourceRef?.file);
const lineOf = (x: Json): number => num(x?.line ?? x?.source?.line ?? x?.sourceRef?.line);

export function readProjects(x: Json): string[] {
  return list(x, 'projects').map((p) => (typeof p === 'string' ? p : str(p?.name))).filter(Boolean);
}

export function readTokens(x: Json): TokensView {
  let categories: TokenCategory[] = [];
  const counts: Record<string, number> = x?.counts && typeof x.counts === 'object' ? x.counts : {};
  const ids = new Map<string, number>();
  if (Array.isArray(x?.tokens)) x.tokens.forEach((t: Json, i: number) => typeof t === 'string' && ids.set(t, i));
  const row = (t: Json) =>
    typeof t === 'string'
      ? { text: t, id: ids.get(t) ?? null, count: numOrNull(counts[t]) }
      : { text: str(t?.text ?? t?.token), id: numOrNull(t?.id), count: numOrNull(t?.count) };
  const cats = x?.categories;
  if (Array.isArray(cats)) {
    categories = cats.map((c: Json) => ({ name: str(c?.name ?? c?.category), tokens: list(c?.tokens).map(row) }));
  } else if (cats && typeof cats === 'object') {
    categories = Object.entries(cats).map(([name, toks]) => ({ name, tokens: list(toks, 'tokens').map(row) }));
  } else if (Array.isArray(x)) {
    // a flat list of {text|token, category, id, count}
    const byCat = new Map<string, TokenCategory['tokens'][number][]>();
    for (const t of x) {
      const c = str(t?.category, 'general');
      byCat.set(c, [...(byCat.get(c) ?? []), row(t)]);
    }
    categories = [...byCat].map(([name, tokens]) => ({ name, tokens }));
  }
  const size = num(x?.size ?? x?.vocabularySize, categories.reduce((n, c) => n + c.tokens.length, 0));
  return { categories, size, file: str(x?.file) || null };
}

export function readLayers(x: Json): LayerRow[] {
  return list(x, 'layers').map((l) => ({
    name: str(l?.name),
    type: str(l?.type),
    inputShape: Array.isArray(l?.inputShape) ? shape(l.inputShape) : null,
    outputShape: shape(l?.outputShape),
    params: num(l?.params),
    config: l?.config && typeof l.config === 'object' ? l.config : {},
    file: fileOf(l),
    line: lineOf(l),
  }));
}

export function readHeads(x: Json): HeadRow[] {
  return list(x, 'heads').map((h) => ({
    name: str(h?.name),
    attach: str(h?.attach),
    task: str(h?.task),
    loss: str(h?.loss),
    outputShape: shape(h?.outputShape),
    params: num(h?.params),
    classes: Array.isArray(h?.classes) ? h.classes.map(String) : [],
    weight: numOrNull(h?.weight),
    file: fileOf(h),
    line: lineOf(h),
  }));
}

export function readDatasets(x: Json): DatasetRow[] {
  return list(x, 'datasets').map((d) => {
    const count = num(d?.count ?? d?.samples?.length);
    const split = numOrNull(d?.validationSplit ?? d?.split?.validation);
    const validationCount = numOrNull(d?.validationCount ?? d?.validation?.count ?? d?.split?.validationCount);
    const trainCount = numOrNull(d?.trainCount ?? d?.train?.count ?? d?.split?.trainCount);
    return {
      name: str(d?.name),
      type: str(d?.type),
      head: str(d?.head),
      count,
      trainCount,
      validationCount,
      validationSplit: split,
      source: typeof d?.source === 'string' ? d.source : null,
      file: fileOf(d) || null,
      samples: list(d?.preview ?? d?.samples, 'samples').filter((s) => s && typeof s === 'object'),
    };
  });
}

export function readDiagnostics(x: Json): DiagnosticView[] {
  return list(x, 'diagnostics').map((d) => ({
    code: num(d?.code),
    severity: d?.severity === 'warning' || d?.severity === 'info' ? d.severity : 'error',
    message: str(d?.message),
    file: str(d?.file),
    line: num(d?.line),
    column: num(d?.column),
  }));
}

export function readRuns(x: Json): RunView[] {
  return list(x, 'runs').filter((r) => r && typeof r.id === 'string');
}

/** Metric points as [name, step, value]: from a list of {name, step, value} or {name: [[step, value]] | {steps, values}}. */
export function readMetrics(x: Json): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  const pts = list(x, 'metrics', 'points');
  if (pts.length || Array.isArray(x) || Array.isArray(x?.metrics)) {
    for (const p of pts) if (p && typeof p.name === 'string') out.push([p.name, num(p.step), Number(p.value)]);
    return out;
  }
  const byName = x?.series ?? x?.metrics ?? x;
  if (byName && typeof byName === 'object') {
    for (const [name, s] of Object.entries<Json>(byName)) {
      if (Array.isArray(s)) for (const p of s) Array.isArray(p) ? out.push([name, num(p[0]), Number(p[1])]) : out.push([name, num(p?.step), Number(p?.value)]);
      else if (Array.isArray(s?.steps) && Array.isArray(s?.values)) s.steps.forEach((st: number, i: number) => out.push([name, st, Number(s.values[i])]));
    }
  }
  return out;
}

export function readWeights(x: Json): { runId: string | null; step: number | null; tensors: TensorStatsView[] } {
  return {
    runId: typeof x?.runId === 'string' ? x.runId : null,
    step: numOrNull(x?.step),
    tensors: list(x, 'tensors'),
  };
}

export function readLogs(x: Json): LogView[] {
  return list(x, 'logs').map((l, i) => ({
    id: num(l?.id, -1 - i),
    runId: typeof l?.runId === 'string' ? l.runId : null,
    time: num(l?.time),
    level: l?.level === 'debug' || l?.level === 'warning' || l?.level === 'error' ? l.level : 'info',
    category: str(l?.category),
    message: str(l?.message),
    spam: l?.spam === true,
    count: num(l?.count, 1),
  }));
}
