// Min/max per pixel column: a series of any length becomes at most four
// points per column (first, min, max, last), which draws the same picture as
// every point would (the classic M4 reduction). A reducer keeps its columns
// between calls, so a live series that only grew costs the new points plus
// one pass over the columns, not a pass over 100,000 points per frame.

export interface Viewport {
  readonly x0: number;
  readonly x1: number;
  /** pixel columns */
  readonly width: number;
}

export interface ColumnReducer {
  /**
   * [column, value] pairs flattened, in drawing order, for the points of xs/ys
   * (first n, xs ascending) inside [x0, x1]; columns are 0..width-1. Work is
   * reused when the view and `edits` (bumped when old points change) are those
   * of the previous call and n did not shrink.
   */
  reduce(xs: Float64Array, ys: Float64Array, n: number, edits: number, view: Viewport): Float64Array;
}

export function createColumnReducer(): ColumnReducer {
  let key = '';
  let done = 0;
  let width = 0;
  let first = new Float64Array(0), min = first, max = first, last = first, minAt = first, maxAt = first;
  let has = new Uint8Array(0);
  return {
    reduce(xs, ys, n, edits, view) {
      const w = Math.max(1, Math.floor(view.width));
      const k = `${view.x0}|${view.x1}|${w}|${edits}`;
      if (k !== key || n < done) {
        key = k;
        done = 0;
        if (w !== width) {
          width = w;
          [first, min, max, last, minAt, maxAt] = Array.from({ length: 6 }, () => new Float64Array(w));
          has = new Uint8Array(w);
        } else has.fill(0);
      }
      const { x0, x1 } = view;
      const scale = (w - 1) / (x1 - x0 || 1);
      for (let i = done; i < n; i++) {
        const x = xs[i];
        const y = ys[i];
        if (x < x0 || x > x1 || !Number.isFinite(y)) continue;
        const c = Math.round((x - x0) * scale);
        if (!has[c]) {
          has[c] = 1;
          first[c] = min[c] = max[c] = last[c] = y;
          minAt[c] = maxAt[c] = i;
          continue;
        }
        if (y < min[c]) { min[c] = y; minAt[c] = i; }
        if (y > max[c]) { max[c] = y; maxAt[c] = i; }
        last[c] = y;
      }
      done = n;
      const out = new Float64Array(w * 8);
      let o = 0;
      let col = 0;
      const push = (v: number) => {
        if (o >= 2 && out[o - 2] === col && out[o - 1] === v) return;
        out[o++] = col;
        out[o++] = v;
      };
      for (col = 0; col < w; col++) {
        if (!has[col]) continue;
        push(first[col]);
        // min and max in the order they happened, so the line does not zigzag
        if (minAt[col] <= maxAt[col]) { push(min[col]); push(max[col]); } else { push(max[col]); push(min[col]); }
        push(last[col]);
      }
      return out.subarray(0, o);
    },
  };
}

/** One-off reduction (no reuse). */
export function downsampleMinMax(xs: Float64Array, ys: Float64Array, n: number, view: Viewport): Float64Array {
  return createColumnReducer().reduce(xs, ys, n, 0, view);
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
  if (!(hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  const first = Math.ceil(lo / step);
  // by index, not by adding: a step below the values' precision would never advance
  for (let i = 0; i <= count * 3 + 2; i++) {
    const t = (first + i) * step;
    if (t > hi + step * 1e-9) break;
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}
