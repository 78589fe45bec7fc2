// Layers of two sides matched by name, in one list: head order, with removed
// layers where they stood in the base. A layer kept by both sides is 'moved'
// when it is not part of the longest run of common layers that kept their
// relative order (a longest increasing subsequence, O(n log n)).
import type { Shape } from '../compiler/plan.js';
import type { Change, LayerRow, Marker } from './plan-diff.js';
import type { LayerView } from './side-view.js';

/** first index of each name; later duplicates (only in YAML that does not compile) stay unmatched */
export function indexByName<T extends { readonly name: string }>(items: readonly T[]): Map<string, number> {
  const out = new Map<string, number>();
  items.forEach((item, i) => {
    if (!out.has(item.name)) out.set(item.name, i);
  });
  return out;
}

export const change = <T>(before: T | null | undefined, after: T | null | undefined): Change<T> => ({ before: before ?? null, after: after ?? null });

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

const sameShape = (a: Shape | null, b: Shape | null) => a === null || b === null || sameValue(a, b);

/**
 * Keys whose values differ. A key missing on a side that did not compile is
 * skipped: only the compiler fills it (embedding inputDim), so it says nothing.
 */
export function changedConfigKeys(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, beforeCompiled: boolean, afterCompiled: boolean): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((key) => {
    if (!(key in before) && !beforeCompiled) return false;
    if (!(key in after) && !afterCompiled) return false;
    return !sameValue(before[key], after[key]);
  });
}

export function layerRows(base: readonly LayerView[], head: readonly LayerView[]): LayerRow[] {
  const baseAt = indexByName(base);
  const headAt = indexByName(head);
  const common = (layer: LayerView, i: number, own: Map<string, number>, other: Map<string, number>) => own.get(layer.name) === i && other.has(layer.name);

  // base indices of the common layers, in head order
  const order: number[] = [];
  head.forEach((layer, i) => {
    if (common(layer, i, headAt, baseAt)) order.push(baseAt.get(layer.name)!);
  });
  const kept = new Set(longestIncreasing(order));

  const rows: LayerRow[] = [];
  let next = 0; // next base index not yet passed
  const flushRemoved = (until: number) => {
    for (; next < until; next++) {
      if (!common(base[next], next, baseAt, headAt)) rows.push(removedRow(base[next]));
    }
  };
  // base index of the next layer at or after each head position that kept its place
  const keptBaseIndex = (layer: LayerView, i: number) => (common(layer, i, headAt, baseAt) && kept.has(baseAt.get(layer.name)!) ? baseAt.get(layer.name)! : -1);
  const nextKept: number[] = new Array(head.length + 1).fill(base.length);
  for (let i = head.length - 1; i >= 0; i--) {
    const b = keptBaseIndex(head[i], i);
    nextKept[i] = b >= 0 ? b : nextKept[i + 1];
  }
  head.forEach((layer, i) => {
    // removed layers first, as a diff shows '-' before '+'
    flushRemoved(nextKept[i]);
    const b = keptBaseIndex(layer, i);
    if (b >= 0) {
      next = b + 1;
      rows.push(keptRow(base[b], layer, ''));
    } else if (common(layer, i, headAt, baseAt)) {
      rows.push(keptRow(base[baseAt.get(layer.name)!], layer, 'moved'));
    } else {
      rows.push(addedRow(layer));
    }
  });
  flushRemoved(base.length);
  return rows;
}

function addedRow(l: LayerView): LayerRow {
  return { marker: '+', name: l.name, type: change(null, l.type), outputShape: change(null, l.outputShape), params: change(null, l.params), changedKeys: [] };
}

function removedRow(l: LayerView): LayerRow {
  return { marker: '-', name: l.name, type: change(l.type, null), outputShape: change(l.outputShape, null), params: change(l.params, null), changedKeys: [] };
}

function keptRow(b: LayerView, h: LayerView, marker: Marker): LayerRow {
  const keys: string[] = [];
  if (b.type !== h.type) keys.push('type');
  else keys.push(...changedConfigKeys(b.config, h.config, b.hash !== null, h.hash !== null));
  if (!sameShape(b.inputShape, h.inputShape)) keys.push('input shape');
  const changed =
    keys.length > 0 ||
    (b.hash !== null && h.hash !== null && b.hash !== h.hash) ||
    !sameShape(b.outputShape, h.outputShape) ||
    (b.params !== null && h.params !== null && b.params !== h.params);
  return {
    marker: marker || (changed ? '~' : ''),
    name: h.name,
    type: change(b.type, h.type),
    outputShape: change(b.outputShape, h.outputShape),
    params: change(b.params, h.params),
    changedKeys: keys,
  };
}

/** the values of one longest strictly increasing subsequence */
export function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = []; // index into values of the smallest tail of a run of each length
  const previous: number[] = new Array(values.length).fill(-1);
  values.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const out: number[] = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) out.push(values[i]);
  return out.reverse();
}
