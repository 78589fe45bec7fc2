// A Sweep's parameter space and its trials: every combination of the listed
// values (grid), or `trials` draws from lists and ranges (random) with a
// seeded generator of its own, so the same seed gives the same trials on
// every machine. Pure: check-sweep.ts locates and compiles what this returns.
import type { RawSweepValues } from './validators/raw.js';

export type SweepMethod = 'grid' | 'random';

/** One trial: the value of each parameter path, in the Sweep's order, and which listed value it is (null: drawn from a range). */
export interface TrialValues {
  /** 1-based */
  readonly index: number;
  readonly values: ReadonlyArray<{ readonly path: string; readonly value: unknown; readonly item: number | null }>;
}

/** Drawn numbers keep 4 significant digits, so a trial's values read (and --set) the same as they train. */
export const DRAWN_DIGITS = 4;

export type ParameterForm = 'list' | 'choice' | 'uniform' | 'logUniform' | 'int';

export function formOf(values: RawSweepValues): ParameterForm {
  if (Array.isArray(values)) return 'list';
  return Object.keys(values)[0] as ParameterForm;
}

/** The listed values of a list or choice parameter, or null for a range. */
export function listedValues(values: RawSweepValues): readonly unknown[] | null {
  if (Array.isArray(values)) return values;
  if ('choice' in values) return values.choice;
  return null;
}

/** How many combinations a grid of these parameters has (Infinity when one is a range). */
export function gridSize(parameters: Readonly<Record<string, RawSweepValues>>): number {
  return Object.values(parameters).reduce((n, v) => n * (listedValues(v)?.length ?? Infinity), 1);
}

/** Every combination, the last parameter changing fastest; at most `limit` of them. */
export function gridTrials(parameters: Readonly<Record<string, RawSweepValues>>, limit = Infinity): TrialValues[] {
  const entries = Object.entries(parameters).map(([path, v]) => ({ path, list: listedValues(v) ?? [] }));
  const total = Math.min(limit, entries.reduce((n, e) => n * e.list.length, 1));
  const trials: TrialValues[] = [];
  for (let t = 0; t < total; t++) {
    let rest = t;
    const values = new Array<TrialValues['values'][number]>(entries.length);
    for (let i = entries.length - 1; i >= 0; i--) {
      const { path, list } = entries[i];
      const item = rest % list.length;
      rest = Math.floor(rest / list.length);
      values[i] = { path, value: list[item], item };
    }
    trials.push({ index: t + 1, values });
  }
  return trials;
}

/** `count` trials drawn with `seed`: each parameter in the Sweep's order, one draw each. */
export function randomTrials(parameters: Readonly<Record<string, RawSweepValues>>, count: number, seed: number): TrialValues[] {
  const next = mulberry32(seed);
  const trials: TrialValues[] = [];
  for (let t = 0; t < count; t++) {
    const values = Object.entries(parameters).map(([path, spec]) => {
      const r = next();
      const list = listedValues(spec);
      if (list) {
        const item = Math.min(list.length - 1, Math.floor(r * list.length));
        return { path, value: list[item], item };
      }
      return { path, value: draw(spec as Exclude<RawSweepValues, readonly unknown[] | { choice: unknown }>, r), item: null };
    });
    trials.push({ index: t + 1, values });
  }
  return trials;
}

function draw(spec: { readonly uniform: readonly [number, number] } | { readonly logUniform: readonly [number, number] } | { readonly int: readonly [number, number] }, r: number): number {
  const round = (x: number) => Number(x.toPrecision(DRAWN_DIGITS));
  if ('uniform' in spec) return round(spec.uniform[0] + r * (spec.uniform[1] - spec.uniform[0]));
  if ('logUniform' in spec) {
    const [a, b] = spec.logUniform.map(Math.log);
    return round(Math.exp(a + r * (b - a)));
  }
  const [low, high] = spec.int;
  return Math.min(high, low + Math.floor(r * (high - low + 1)));
}

/** A small seeded generator (mulberry32): 32-bit state, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
