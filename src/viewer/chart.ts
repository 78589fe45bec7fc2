// A lean canvas line chart: steps on x, one or more series, min/max per pixel
// column so 100,000 points per series draw as fast as a few hundred. Redraws
// at most once per frame, when seriesVersion changes or the size does.
import { effect } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createColumnReducer, niceTicks, valueRange, type ColumnReducer } from './downsample.js';
import { formatValue } from './format.js';
import { html } from './html.js';
import { nearestIndex, type Series } from './series.js';
import { seriesVersion } from './state.js';

export interface ChartLine {
  readonly label: string;
  readonly color: string;
  readonly series: Series | undefined;
  readonly dashed?: boolean;
}

export interface ChartProps {
  readonly title: string;
  /** called on every redraw, so it can pick up series created after mount */
  readonly lines: () => readonly ChartLine[];
  readonly height?: number;
  /** shown in the empty chart */
  readonly empty?: string;
  /**
   * the series are growing (a run in progress): the x axis keeps headroom and
   * moves in jumps, so the columns already reduced stay valid between frames
   */
  readonly follow?: boolean;
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const PAD = { left: 52, right: 10, top: 8, bottom: 22 };

interface Drawn {
  readonly lines: readonly ChartLine[];
  readonly x0: number;
  readonly x1: number;
}

/** What a chart keeps between draws: a reducer per line, and the x axis while following. */
interface DrawCache {
  readonly reducers: Map<string, ColumnReducer>;
  axis: { x0: number; x1: number } | null;
}

declare global {
  interface Window {
    /** milliseconds from navigation start to the first chart drawn with data (bench/viewer.bench.ts) */
    __nncFirstPlot?: number;
  }
}

export function Chart(props: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const hover = useRef<number | null>(null);
  const drawn = useRef<Drawn | null>(null);
  const redraw = useRef<() => void>(() => {});
  const cache = useRef<DrawCache>({ reducers: new Map(), axis: null });
  const [legend, setLegend] = useState<Array<{ label: string; color: string; value: string; dashed?: boolean }>>([]);
  const [hoverStep, setHoverStep] = useState<number | null>(null);

  useEffect(() => {
    const el = canvas.current!;
    let frame = 0;
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    const draw = () => {
      frame = 0;
      const d = drawChart(el, propsRef.current.lines(), hover.current, cache.current, propsRef.current.follow === true);
      drawn.current = d;
      // points per line, for tests and curious readers of the DOM
      el.dataset.points = d.lines.map((l) => l.series!.n).join(' ');
      const at = hover.current;
      setLegend(d.lines.map((l) => ({ label: l.label, color: l.color, dashed: l.dashed, value: formatValue(valueAt(l.series, at)) })));
      setHoverStep(at);
    };
    redraw.current = schedule;
    const stop = effect(() => {
      void seriesVersion.value;
      schedule();
    });
    const resize = new ResizeObserver(schedule);
    resize.observe(el);
    const move = (e: MouseEvent) => {
      const d = drawn.current;
      if (!d) return;
      const r = el.getBoundingClientRect();
      const w = r.width - PAD.left - PAD.right;
      const t = (e.clientX - r.left - PAD.left) / w;
      hover.current = t < 0 || t > 1 ? null : d.x0 + t * (d.x1 - d.x0);
      schedule();
    };
    const leave = () => {
      hover.current = null;
      schedule();
    };
    el.addEventListener('mousemove', move);
    el.addEventListener('mouseleave', leave);
    return () => {
      stop();
      resize.disconnect();
      cancelAnimationFrame(frame);
      el.removeEventListener('mousemove', move);
      el.removeEventListener('mouseleave', leave);
    };
  }, []);

  // redraw when the parent re-renders with other lines (a run or metric picked)
  useEffect(() => redraw.current(), [props.lines]);

  const hasData = legend.length > 0;
  return html`<figure class="chart">
    <figcaption>${props.title}${hoverStep != null ? html`<span class="muted"> at step ${Math.round(hoverStep)}</span>` : null}</figcaption>
    <div class="chart-box" style=${`height:${props.height ?? 180}px`}>
      <canvas ref=${canvas}></canvas>
      ${hasData ? null : html`<div class="chart-empty">${props.empty ?? 'No points yet.'}</div>`}
    </div>
    <ul class="legend">
      ${legend.map((l) => html`<li><i style=${`background:${l.color}`} class=${l.dashed ? 'dashed' : ''}></i>${l.label} <b>${l.value}</b></li>`)}
    </ul>
  </figure>`;
}

function valueAt(s: Series | undefined, step: number | null): number | null {
  if (!s || s.n === 0) return null;
  if (step == null) return s.ys[s.n - 1];
  const i = nearestIndex(s.xs, s.n, step);
  return i < 0 ? null : s.ys[i];
}

function drawChart(el: HTMLCanvasElement, all: readonly ChartLine[], hoverStep: number | null, cache: DrawCache, follow: boolean): Drawn {
  const lines = all.filter((l) => l.series && l.series.n > 0);
  const dpr = window.devicePixelRatio || 1;
  const cssW = el.clientWidth;
  const cssH = el.clientHeight;
  if (el.width !== Math.round(cssW * dpr) || el.height !== Math.round(cssH * dpr)) {
    el.width = Math.round(cssW * dpr);
    el.height = Math.round(cssH * dpr);
  }
  const ctx = el.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const w = cssW - PAD.left - PAD.right;
  const h = cssH - PAD.top - PAD.bottom;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const l of lines) {
    x0 = Math.min(x0, l.series!.xs[0]);
    x1 = Math.max(x1, l.series!.xs[l.series!.n - 1]);
  }
  if (!lines.length || w <= 10 || h <= 10) return { lines, x0: 0, x1: 1 };
  if (x1 === x0) x1 = x0 + 1;
  if (follow) {
    const a = cache.axis;
    // keep the axis while the data stays in its right half-to-end; then jump with 15% headroom
    if (!a || a.x0 !== x0 || x1 > a.x1 || x1 < a.x0 + (a.x1 - a.x0) / 2) cache.axis = { x0, x1: Math.ceil(x0 + (x1 - x0) * 1.15) };
    x1 = cache.axis!.x1;
  } else cache.axis = null;
  const columns = Math.max(1, Math.floor(w));
  for (const key of cache.reducers.keys()) if (!lines.some((l) => l.label === key)) cache.reducers.delete(key);
  const paths = lines.map((l) => {
    let r = cache.reducers.get(l.label);
    if (!r) cache.reducers.set(l.label, (r = createColumnReducer()));
    const s = l.series!;
    return r.reduce(s.xs, s.ys, s.n, s.edits, { x0, x1, width: columns });
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of paths) {
    const [a, b] = valueRange(p);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  if (!Number.isFinite(lo)) return { lines, x0, x1 };
  // equal, or apart by rounding only (a constant learning rate computed two ways)
  if (hi - lo <= Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || 1;
  }
  const padY = (hi - lo) * 0.06;
  lo -= padY;
  hi += padY;
  const xPx = (col: number) => PAD.left + (col / Math.max(1, columns - 1)) * w;
  const yPx = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * h;
  const styles = getComputedStyle(el);
  const grid = styles.getPropertyValue('--grid').trim() || '#e5e7eb';
  const text = styles.getPropertyValue('--muted').trim() || '#6b7280';

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = grid;
  ctx.fillStyle = text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(lo, hi, Math.max(2, Math.floor(h / 40)))) {
    const y = Math.round(yPx(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + w, y);
    ctx.stroke();
    ctx.fillText(formatValue(t), PAD.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xTicks = niceTicks(x0, x1, Math.max(2, Math.floor(w / 90))).filter((t) => Number.isInteger(t) || x1 - x0 < 10);
  for (const t of xTicks) {
    const x = PAD.left + ((t - x0) / (x1 - x0)) * w;
    ctx.fillText(formatValue(t), x, PAD.top + h + 5);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 1, w, h + 2);
  ctx.clip();
  lines.forEach((l, i) => {
    const p = paths[i];
    // a dense path (several points per pixel column) strokes thin: software
    // rasterizers (no GPU) spend most of a frame on wide antialiased zigzags
    ctx.lineWidth = p.length > columns * 2.4 ? 1 : 1.5;
    ctx.strokeStyle = l.color;
    ctx.setLineDash(l.dashed ? [5, 4] : []);
    ctx.beginPath();
    if (p.length === 2) {
      // one point: a dot, since a line needs two
      ctx.fillStyle = l.color;
      ctx.arc(xPx(p[0]), yPx(p[1]), 2.5, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    for (let k = 0; k < p.length; k += 2) {
      const x = xPx(p[k]);
      const y = yPx(p[k + 1]);
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  });
  ctx.setLineDash([]);
  if (hoverStep != null) {
    const x = Math.round(PAD.left + ((hoverStep - x0) / (x1 - x0)) * w) + 0.5;
    ctx.strokeStyle = text;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, PAD.top + h);
    ctx.stroke();
  }
  ctx.restore();
  if (window.__nncFirstPlot == null) window.__nncFirstPlot = performance.now();
  return { lines, x0, x1 };
}
