// How the samples of a dataset changed between two sides, counted from the
// data each side compiled beside its plan (plan-data.ts): every sample is its
// input's content key (split.ts) with its label or target as written, so a
// relabelled row (same input, another label) is told from an added or a
// removed one. Class labels are compared by class name and generation targets
// by token text, so a reordered class list or vocabulary is no change.
import type { Plan } from '../compiler/plan.js';
import { tokenRun, type DatasetSamples, type PlanData } from '../compiler/plan-data.js';
import type { SampleCounts } from './plan-diff.js';

/** dataset name -> input content key -> the labels or targets of the samples with that input */
export type SampleKeys = ReadonlyMap<string, ReadonlyMap<number, readonly string[]>>;

/** null without data (a side that does not compile) */
export function sampleKeysOf(plan: Plan | null, data: PlanData | null): SampleKeys | null {
  if (!plan || !data) return null;
  const out = new Map<string, Map<number, string[]>>();
  for (const d of data.datasets) {
    const head = plan.heads.find((h) => h.name === plan.datasets.find((p) => p.name === d.name)?.head);
    const byInput = new Map<number, string[]>();
    for (let i = 0; i < d.count; i++) {
      const label = labelOf(d, i, head?.classes ?? [], head?.units ?? 1, plan.vocabulary.tokens);
      const list = byInput.get(d.keys[i]);
      if (list) list.push(label);
      else byInput.set(d.keys[i], [label]);
    }
    out.set(d.name, byInput);
  }
  return out;
}

function labelOf(d: DatasetSamples, i: number, classes: readonly string[], units: number, tokens: readonly string[]): string {
  if (d.labels) return `class:${classes[d.labels[i]] ?? d.labels[i]}`;
  if (d.targets) return `target:${Array.from(d.targets.subarray(i * units, (i + 1) * units)).join(',')}`;
  if (d.targetTokens) return `tokens:${JSON.stringify(Array.from(tokenRun(d.targetTokens, i), (id) => tokens[id] ?? id))}`;
  return '';
}

/**
 * Added, removed and relabelled samples of one dataset. Samples with the same
 * input are matched label to label first; of those left, as many as both sides
 * have are relabelled, the rest of the head's added and of the base's removed.
 */
export function countSampleChanges(base: ReadonlyMap<number, readonly string[]>, head: ReadonlyMap<number, readonly string[]>): SampleCounts {
  let added = 0;
  let removed = 0;
  let relabelled = 0;
  for (const key of new Set([...base.keys(), ...head.keys()])) {
    const left = [...(base.get(key) ?? [])];
    let unmatched = 0;
    for (const label of head.get(key) ?? []) {
      const at = left.indexOf(label);
      if (at >= 0) left.splice(at, 1);
      else unmatched++;
    }
    const pairs = Math.min(unmatched, left.length);
    relabelled += pairs;
    added += unmatched - pairs;
    removed += left.length - pairs;
  }
  return { added, removed, relabelled };
}
