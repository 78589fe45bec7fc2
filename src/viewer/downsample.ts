// Min/max per pixel column: a series of any length becomes at most four
// points per column (first, min, max, last), which draws the same picture as
// every point would (the classic M4 reduction), in one pass.

export interface Viewport {
  readonly x0: number;
  readonly x1: number;
  /** pixel columns */
  readonly width: number;
}

/**
 * Returns [column, value] pairs flattened, in drawing order, for the points of
 * xs/ys (first n, xs ascending) inside [x0, x1]. Columns are 0..width-1.
 */
export function downsampleMinMax(xs: Float64Array, ys: Float64Array, n: number, view: Viewport): Float64Array {
  const { x0, x1 } = view;
  const width = Math.max(1, Math.floor(view.width));
  // each column holds at most four points
  const out = new Float64Array(Math.min(n, width) * 8 + 8);
  let k = 0;
  const span = x1 - x0 || 1;
  const scale = (width - 1) / span;
  let col = -1;
  let first = 0, min = 0, max = 0, last = 0, minAt = 0, maxAt = 0;
  const push = (v: number) => {
    if (k >= 2 && out[k - 2] === col && out[k - 1] === v) return;
    out[k++] = col;
    out[k++] = v;
  };
  const flush = () => {
    push(first);
    // min and max in the order they happened, so the line does not zigzag
    if (minAt <= maxAt) { push(min); push(max); } else { push(max); push(min); }
    push(last);
  };
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x < x0 || x > x1) continue;
    const y = ys[i];
    if (!Number.isFinite(y)) continue;
    const c = Math.round((x - x0) * scale);
    if (c !== col) {
      if (col >= 0) flush();
      col = c;
      first = min = max = last = y;
      minAt = maxAt = i;
    } else {
      if (y < min) { min = y; minAt = i; }
      if (y > max) { max = y; maxAt = i; }
      last = y;
    }
  }
  if (col >= 0) flush();
  return out.subarray(0, k);
}

/** Smallest and largest finite value of a flattened [column, value] list. */
export function valueRange(points: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 1; i < points.length; i += 2) {
    const v = points[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}
