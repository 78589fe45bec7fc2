// Metric series of one run: growable typed arrays keyed by metric name
// ("loss", "sentiment.loss", "sentiment.val_accuracy", "lr", "grad_norm").
// Points arrive in step order; a point at a step not after the last one
// replaces it (a stats message and a later refetch may repeat a step).

export interface Series {
  readonly name: string;
  xs: Float64Array;
  ys: Float64Array;
  n: number;
  /** bumped when a point already there changes (not on appends), so cached reductions know */
  edits: number;
}

export interface SeriesSet {
  readonly runId: string;
  readonly byName: Map<string, Series>;
  append(name: string, step: number, value: number): void;
  get(name: string): Series | undefined;
  names(): string[];
}

export function createSeriesSet(runId: string): SeriesSet {
  const byName = new Map<string, Series>();
  return {
    runId,
    byName,
    append(name, step, value) {
      if (!Number.isFinite(step) || typeof value !== 'number' || Number.isNaN(value)) return;
      let s = byName.get(name);
      if (!s) {
        s = { name, xs: new Float64Array(256), ys: new Float64Array(256), n: 0, edits: 0 };
        byName.set(name, s);
      }
      if (s.n > 0 && step <= s.xs[s.n - 1]) {
        if (step === s.xs[s.n - 1]) s.ys[s.n - 1] = value;
        else insertSorted(s, step, value);
        s.edits++;
        return;
      }
      if (s.n === s.xs.length) grow(s);
      s.xs[s.n] = step;
      s.ys[s.n] = value;
      s.n++;
    },
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
  };
}

function grow(s: Series): void {
  const xs = new Float64Array(s.xs.length * 2);
  const ys = new Float64Array(s.ys.length * 2);
  xs.set(s.xs);
  ys.set(s.ys);
  s.xs = xs;
  s.ys = ys;
}

/** Rare: an out-of-order point (a refetch older than live points). */
function insertSorted(s: Series, step: number, value: number): void {
  const i = lowerBound(s.xs, s.n, step);
  if (s.xs[i] === step) {
    s.ys[i] = value;
    return;
  }
  if (s.n === s.xs.length) grow(s);
  s.xs.copyWithin(i + 1, i, s.n);
  s.ys.copyWithin(i + 1, i, s.n);
  s.xs[i] = step;
  s.ys[i] = value;
  s.n++;
}

/** First index in xs[0..n) whose value is >= x. */
export function lowerBound(xs: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the point nearest to x, or -1 for an empty series. */
export function nearestIndex(xs: Float64Array, n: number, x: number): number {
  if (n === 0) return -1;
  const i = lowerBound(xs, n, x);
  if (i === 0) return 0;
  if (i === n) return n - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}
