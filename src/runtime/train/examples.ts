// The compiled samples (PlanData, beside the plan) as flat arrays per head,
// in the splits the compiler assigned (split.ts: from the seed and each
// sample's input, so a sample never changes split when others are added),
// features and regression targets standardized with statistics of the
// training split only. The test split is encoded but never trained on.
import type { DatasetSamples, PlanData, TokenRuns } from '../../compiler/plan-data.js';
import type { Plan, PlanHead } from '../../compiler/plan.js';
import { assignSplits, contentKey, SPLIT } from '../../compiler/split.js';
import { encodeGenerationIds, textToIds, writeTokens } from './encode.js';
import { applyScale, fitScale, type Scaling } from './scaling.js';

export interface Examples {
  readonly count: number;
  /** count × width: token ids or standardized features */
  readonly inputs: Int32Array | Float32Array;
  readonly inputWidth: number;
  /** classification: class index; regression: standardized target vector; generation: next-token ids */
  readonly targets: Int32Array | Float32Array;
  readonly targetWidth: number;
  /** generation: count × maxLength loss mask; null otherwise */
  readonly mask: Float32Array | null;
}

export interface HeadData {
  readonly head: PlanHead;
  readonly train: Examples;
  readonly validation: Examples;
  /** held out from training and validation alike (training.split.test) */
  readonly test: Examples;
}

export interface PreparedData {
  readonly heads: readonly HeadData[];
  readonly scaling: Scaling;
}

/**
 * How many of a dataset's samples the validation split holds on average;
 * the plan's datasets carry the real counts (PlanDataset.split).
 */
export function validationCount(count: number, split: number): number {
  if (split <= 0 || count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(count * split)));
}

/** A sample: which dataset's columns, which row. */
interface Row {
  readonly samples: DatasetSamples;
  readonly index: number;
}

/** plan: the plan to train; data: its samples from compile(). A plan that still holds samples (written before runs stopped storing them, or built by hand) needs none. */
export function prepareData(plan: Plan, data?: PlanData | null): PreparedData {
  const samples = data ?? planDataFromSamples(plan);
  const byName = new Map(samples.datasets.map((d) => [d.name, d]));
  const parts = new Map(plan.heads.map((h) => [h.name, [[], [], []] as Row[][]]));
  for (const dataset of plan.datasets) {
    const rows = parts.get(dataset.head);
    const columns = byName.get(dataset.name);
    if (!rows || !columns) continue;
    for (let i = 0; i < columns.count; i++) rows[columns.split[i]].push({ samples: columns, index: i });
  }

  const features = plan.project.input.type === 'features' ? plan.project.input.features : 0;
  const trainRows = [...parts.values()].flatMap((p) => p[SPLIT.train]);
  const vectors = (rows: readonly Row[], column: 'features' | 'targets', width: number) =>
    rows.flatMap(({ samples, index }) => (samples[column] ? [samples[column]!.subarray(index * width, (index + 1) * width)] : []));
  const scaling: Scaling = {
    features: features > 0 ? fitScale(vectors(trainRows, 'features', features), features) : null,
    targets: Object.fromEntries(plan.heads.filter((h) => h.task === 'regression').map((h) => [h.name, fitScale(vectors(parts.get(h.name)![SPLIT.train], 'targets', h.units), h.units)])),
  };

  const heads = plan.heads.map((head) => {
    const [train, validation, test] = parts.get(head.name)!.map((rows) => encodeExamples(rows, head, plan, scaling));
    return { head, train, validation, test };
  });
  return { heads, scaling };
}

function run(runs: TokenRuns, index: number): Int32Array {
  return runs.ids.subarray(runs.offsets[index], runs.offsets[index + 1]);
}

function encodeExamples(rows: readonly Row[], head: PlanHead, plan: Plan, scaling: Scaling): Examples {
  const count = rows.length;
  const { input } = plan.project;
  const inputWidth = input.shape[0];
  const text = input.type === 'text';
  const inputs = text ? new Int32Array(count * inputWidth) : new Float32Array(count * inputWidth);
  if (head.task === 'generation') {
    const targets = new Int32Array(count * inputWidth);
    const mask = new Float32Array(count * inputWidth);
    rows.forEach(({ samples, index }, i) => {
      // Stryker disable next-line all: a guard against a bug (the compiler gives every sample of a head the columns its task needs); never reached
      if (!samples.tokens || !samples.targetTokens) throw new Error(`Head '${head.name}' got a sample that is not a generation sample.`);
      const example = encodeGenerationIds(run(samples.tokens, index), run(samples.targetTokens, index), plan);
      inputs.set(example.input, i * inputWidth);
      targets.set(example.next, i * inputWidth);
      mask.set(example.mask, i * inputWidth);
    });
    return { count, inputs, inputWidth, targets, targetWidth: inputWidth, mask };
  }

  const regression = head.task === 'regression';
  const targetWidth = regression ? head.units : 1;
  const targets = regression ? new Float32Array(count * targetWidth) : new Int32Array(count);
  rows.forEach(({ samples, index }, i) => {
    if (text) {
      // Stryker disable next-line all: a guard against a bug (the compiler gives every sample of a head the columns its task needs); never reached
      if (!samples.tokens) throw new Error(`Head '${head.name}' got a sample without text.`);
      writeTokens(run(samples.tokens, index), input, inputs as Int32Array, i * inputWidth);
    } else {
      // Stryker disable next-line all: a guard against a bug (the compiler gives every sample of a head the columns its task needs); never reached
      if (!samples.features) throw new Error(`Head '${head.name}' got a sample without features.`);
      const row = samples.features.subarray(index * inputWidth, (index + 1) * inputWidth);
      inputs.set(scaling.features ? applyScale(row, scaling.features) : row, i * inputWidth);
    }
    if (regression) targets.set(applyScale(samples.targets!.subarray(index * targetWidth, (index + 1) * targetWidth), scaling.targets[head.name]!), i * targetWidth);
    else targets[i] = samples.labels![index];
  });
  return { count, inputs, inputWidth, targets, targetWidth, mask: null };
}

/** The PlanData of a plan that holds its samples as objects (PlanDataset.samples): old plans and hand-built ones. */
export function planDataFromSamples(plan: Plan): PlanData {
  const { input, training } = plan.project;
  const shares = { validation: training.validationSplit, test: training.testSplit ?? 0, stratify: training.stratify ?? false };
  const ids = (text: string) => textToIds(text, input, plan.vocabulary);
  const runsOf = (texts: readonly string[]): TokenRuns => {
    const all = texts.map(ids);
    const offsets = new Uint32Array(all.length + 1);
    all.forEach((list, i) => (offsets[i + 1] = offsets[i] + list.length));
    return { ids: Int32Array.from(all.flat()), offsets };
  };
  const datasets = plan.datasets.map((d): DatasetSamples => {
    const list = d.samples ?? [];
    const count = list.length;
    const keys = Float64Array.from(list, (s) => contentKey('prompt' in s ? s.prompt : s.input));
    const first = list[0];
    const generation = first !== undefined && 'prompt' in first;
    const inputs = list.map((s) => ('input' in s ? s.input : ''));
    const labels = first !== undefined && 'label' in first ? Int32Array.from(list, (s) => ('label' in s ? s.label : 0)) : null;
    const head = plan.heads.find((h) => h.name === d.head);
    const width = head?.task === 'regression' ? head.units : 0;
    const targets = width > 0 ? new Float32Array(count * width) : null;
    if (targets) list.forEach((s, i) => 'target' in s && typeof s.target !== 'string' && targets.set(s.target, i * width));
    return {
      name: d.name,
      count,
      keys,
      split: assignSplits(keys, training.seed, shares, labels),
      tokens: generation ? runsOf(list.map((s) => ('prompt' in s ? s.prompt : ''))) : input.type === 'text' ? runsOf(inputs.map((x) => (typeof x === 'string' ? x : ''))) : null,
      targetTokens: generation ? runsOf(list.map((s) => ('prompt' in s ? s.target : ''))) : null,
      features: !generation && input.type === 'features' ? Float32Array.from(inputs.flatMap((x) => (typeof x === 'string' ? [] : [...x]))) : null,
      labels,
      targets,
      preview: list.slice(0, 5),
    };
  });
  return { datasets };
}
