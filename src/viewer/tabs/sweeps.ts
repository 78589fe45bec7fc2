// Sweeps: the stored sweeps of the project (nnc sweep), one at a time: its
// trials ranked by the sweep's metric, sortable by any column, and a scatter
// of one parameter against the metric. Read from /api/sweeps when shown, at
// every (re)connect and project switch; after that the server pushes each
// change of a sweep or its trials as a `sweep_updated` message (state.ts
// pushedSweeps), so a sweep training in another terminal fills in as its
// trials train, without polling.
// The line chart (chart.ts) draws series over steps; a scatter of trials
// needs its own small canvas.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SweepDetailView, SweepSummaryView, SweepTrialView } from '../../shared/protocol.js';
import { formatTime, formatValue } from '../format.js';
import { html } from '../html.js';
import { project, projects, pushedSweeps, sweepsEpoch } from '../state.js';

const STATUS_COLOR: Record<string, string> = { completed: '#4e79a7', pruned: '#bab0ac', running: '#59a14f', waiting: '#59a14f', stopped: '#f28e2b', failed: '#e15759', pending: '#d3d3d3' };

async function getJson<T>(path: string): Promise<T | null> {
  const params = new URLSearchParams();
  if (project.value && projects.value.length > 1) params.set('project', project.value);
  const qs = params.toString();
  try {
    const res = await fetch(qs ? `${path}?${qs}` : path, { headers: { accept: 'application/json' } });
    return res.ok ? ((await res.json()) as T) : null;
  } catch {
    return null;
  }
}

type SortKey = { readonly column: string; readonly descending: boolean };

/** The fetched list with what was pushed since: a pushed sweep replaces its entry, a new one joins it (newest first). */
function mergedList(fetched: readonly SweepSummaryView[], pushed: ReadonlyMap<string, SweepDetailView>): SweepSummaryView[] {
  const byId = new Map(fetched.map((s) => [s.id, s]));
  for (const [id, detail] of pushed) byId.set(id, detail.sweep);
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

export function SweepsTab() {
  const [fetched, setFetched] = useState<SweepSummaryView[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [fetchedDetail, setDetail] = useState<{ readonly epoch: number; readonly view: SweepDetailView } | null>(null);
  const [sort, setSort] = useState<SortKey>({ column: 'rank', descending: false });
  const [axis, setAxis] = useState<string>('');
  const epoch = sweepsEpoch.value;
  // nothing is asked before the server's 'connected' message (epoch 0): it bumps the epoch, and the list is read then, once
  const open = epoch > 0;
  const pushed = pushedSweeps.value;
  const list = fetched === null ? null : mergedList(fetched, pushed);
  const shownId = picked ?? list?.[0]?.id ?? null;

  // the list once per (re)connect; pushes keep it current
  useEffect(() => {
    if (!open) return;
    let alive = true;
    void getJson<SweepSummaryView[]>('/api/sweeps').then((sweeps) => alive && sweeps && setFetched(sweeps));
    return () => {
      alive = false;
    };
  }, [project.value, epoch, open]);

  // a sweep's trials when it is picked, and again after a reconnect (unless they were pushed since)
  const fetchId = open && shownId && !pushed.has(shownId) && (fetchedDetail?.view.sweep.id !== shownId || fetchedDetail.epoch !== epoch) ? shownId : null;
  useEffect(() => {
    if (!fetchId) return;
    let alive = true;
    void getJson<SweepDetailView>(`/api/sweeps/${encodeURIComponent(fetchId)}`).then((found) => alive && found && setDetail({ epoch, view: found }));
    return () => {
      alive = false;
    };
  }, [fetchId, project.value, epoch]);
  const detail = (shownId && pushed.get(shownId)) || fetchedDetail?.view || null;

  if (list === null) return html`<section class="tab sweeps"><p class="muted">Loading sweeps…</p></section>`;
  if (list.length === 0) {
    return html`<section class="tab sweeps">
      <div class="tab-head"><h2>Sweeps</h2></div>
      <p class="muted">No sweep is stored yet. Add a Sweep document (kind: Sweep) and run <code>nnc sweep</code>; its trials show up here as they train.</p>
    </section>`;
  }
  const current = detail && detail.sweep.id === shownId ? detail : null;
  const sweep = current?.sweep ?? list.find((s) => s.id === shownId) ?? list[0];
  const parameters = sweep.parameters;
  const x = parameters.includes(axis) ? axis : parameters[0] ?? '';
  const trials = current ? sortTrials(current.trials, sort, sweep) : [];
  const header = (column: string, label: string) => {
    const active = sort.column === column;
    const next = () => setSort({ column, descending: active ? !sort.descending : false });
    return html`<th data-sort=${column} aria-sort=${active ? (sort.descending ? 'descending' : 'ascending') : 'none'} onClick=${next} class="sortable">${label}${active ? (sort.descending ? ' ▾' : ' ▴') : ''}</th>`;
  };

  return html`<section class="tab sweeps">
    <div class="tab-head">
      <h2>Sweeps <span class="muted">${list.length}</span></h2>
      <select aria-label="Sweep" value=${sweep.id} onChange=${(e: Event) => setPicked((e.target as HTMLSelectElement).value)}>
        ${list.map((s) => html`<option value=${s.id}>${s.name} · ${s.id} · ${formatTime(s.createdAt)}</option>`)}
      </select>
    </div>
    <p class="source-note">
      <span class=${`badge status-${sweep.status}`} data-sweep-status=${sweep.status}>${sweep.status}</span>
      ${' '}${sweep.trials} trials (${sweep.method}${sweep.halving ? `, halving after epochs ${sweep.halving.epochs.join(', ')}` : ''}), ${sweep.parallel} at a time, ranked by <code>${sweep.metric}</code> (${sweep.mode === 'max' ? 'higher is better' : 'lower is better'}).
      The Sweep document in the project says what varies; <code>nnc sweep --show ${sweep.id}</code> prints this table.
    </p>
    <table class="run-table sweep-trials">
      <thead><tr>
        ${header('rank', 'rank')}${header('trial', 'trial')}${header('status', 'status')}
        ${parameters.map((p) => header(`param:${p}`, p))}
        ${header('value', sweep.metric)}${header('epochs', 'epochs')}<th>run</th>
      </tr></thead>
      <tbody>${trials.map(
        (t) => html`<tr data-trial=${t.trial}>
          <td>${t.rank}</td><td>${t.trial}</td>
          <td><span class=${`badge status-${t.status}`}>${t.status === 'pruned' && t.stoppedAt !== null ? `pruned at ${t.stoppedAt}` : t.status}</span></td>
          ${parameters.map((p) => html`<td>${shownValue(t.params[p])}</td>`)}
          <td class="value"><b>${formatValue(t.value)}</b></td><td>${t.epochs}</td>
          <td>${t.runId ? html`<code>${t.runId}</code>` : '-'}</td>
        </tr>`,
      )}</tbody>
    </table>
    ${parameters.length
      ? html`<div class="compare">
          <label>x <select aria-label="Parameter on the x axis" value=${x} onChange=${(e: Event) => setAxis((e.target as HTMLSelectElement).value)}>
            ${parameters.map((p) => html`<option value=${p}>${p}</option>`)}
          </select></label>
          <${Scatter} trials=${current?.trials ?? []} parameter=${x} metric=${sweep.metric} />
        </div>`
      : null}
  </section>`;
}

function shownValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sortTrials(trials: readonly SweepTrialView[], sort: SortKey, sweep: SweepSummaryView): SweepTrialView[] {
  const key = (t: SweepTrialView): number | string | null => {
    if (sort.column === 'rank') return t.rank;
    if (sort.column === 'trial') return t.trial;
    if (sort.column === 'status') return t.status;
    if (sort.column === 'epochs') return t.epochs;
    // by value: the best first when ascending, whichever way the metric goes
    if (sort.column === 'value') return t.value === null ? null : sweep.mode === 'max' ? -t.value : t.value;
    const v = t.params[sort.column.slice('param:'.length)];
    return typeof v === 'number' || typeof v === 'string' ? v : v === undefined ? null : JSON.stringify(v);
  };
  const sign = sort.descending ? -1 : 1;
  return [...trials].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) return ka === kb ? a.rank - b.rank : ka === null ? 1 : -1; // no value: last either way
    const diff = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return sign * diff || a.rank - b.rank;
  });
}

const PAD = { left: 56, right: 12, top: 10, bottom: 28 };

/** Trials as points: a parameter on x (log scale when it spans more than 20x), the metric on y, colour by status. */
function Scatter(props: { trials: readonly SweepTrialView[]; parameter: string; metric: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (el) draw(el, props.trials, props.parameter);
  }, [props.trials, props.parameter]);
  return html`<figure class="chart">
    <figcaption>${props.metric} by ${props.parameter}</figcaption>
    <div class="chart-box" style="height:240px"><canvas ref=${canvas} class="sweep-scatter"></canvas></div>
    <ul class="legend">${Object.entries(STATUS_COLOR)
      .filter(([status]) => props.trials.some((t) => t.status === status))
      .map(([status, color]) => html`<li><i style=${`background:${color}`}></i>${status}</li>`)}</ul>
  </figure>`;
}

function draw(el: HTMLCanvasElement, trials: readonly SweepTrialView[], parameter: string): void {
  const dpr = window.devicePixelRatio || 1;
  const w = el.clientWidth;
  const h = el.clientHeight;
  el.width = Math.round(w * dpr);
  el.height = Math.round(h * dpr);
  const ctx = el.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, w, h);
  // categorical values (text, true/false) take evenly spaced places in order of appearance
  const categories: string[] = [];
  const xOf = (v: unknown): number | null => {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (v === undefined || v === null) return null;
    const text = JSON.stringify(v);
    if (!categories.includes(text)) categories.push(text);
    return categories.indexOf(text);
  };
  const points = trials.flatMap((t) => {
    const px = xOf(t.params[parameter]);
    return px === null || t.value === null || !Number.isFinite(t.value) ? [] : [{ x: px, y: t.value, t }];
  });
  el.dataset.points = String(points.length);
  if (points.length === 0) return;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const log = categories.length === 0 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) > 20;
  const fx = (v: number) => (log ? Math.log10(v) : v);
  let [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
  const padX = (x1 - x0) * 0.06;
  const padY = (y1 - y0) * 0.08;
  x0 -= padX;
  x1 += padX;
  y0 -= padY;
  y1 += padY;
  const sx = (v: number) => PAD.left + ((fx(v) - x0) / (x1 - x0)) * (w - PAD.left - PAD.right);
  const sy = (v: number) => h - PAD.bottom - ((v - y0) / (y1 - y0)) * (h - PAD.top - PAD.bottom);
  const style = getComputedStyle(el);
  ctx.strokeStyle = style.getPropertyValue('--grid') || '#e5e7eb';
  ctx.fillStyle = style.color || '#6b7280';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, h - PAD.bottom);
  ctx.lineTo(w - PAD.right, h - PAD.bottom);
  ctx.stroke();
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    ctx.fillText(formatValue(v), 4, sy(v) + 4);
  }
  const ticks = categories.length ? categories.map((_, i) => i) : [...new Set(xs)].sort((a, b) => a - b).slice(0, 12);
  for (const v of ticks) ctx.fillText(categories.length ? categories[v] : formatValue(v), sx(v) - 10, h - 8);
  for (const p of points) {
    ctx.fillStyle = STATUS_COLOR[p.t.status] ?? '#4e79a7';
    ctx.beginPath();
    ctx.arc(sx(p.x), sy(p.y), p.t.rank === 1 ? 6 : 4, 0, Math.PI * 2);
    ctx.fill();
  }
}
