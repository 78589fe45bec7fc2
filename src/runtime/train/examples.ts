// The plan's datasets as flat arrays per head, split into training and
// validation deterministically from the seed, features and regression targets
// standardized with statistics of the training split only.
import type { Plan, PlanHead, Sample } from '../../compiler/plan.js';
import { encodeGeneration, encodeInput, sampleKind } from './encode.js';
import { deriveSeed, mulberry32, shuffledIndices } from './random.js';
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
}

export interface PreparedData {
  readonly heads: readonly HeadData[];
  readonly scaling: Scaling;
}

/** Indices of a dataset's validation samples: round(count × split), at least one when there are two or more samples. */
/** How many of a dataset's samples the validation split holds. */
export function validationCount(count: number, split: number): number {
  if (split <= 0 || count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(count * split)));
}

export function validationIndices(count: number, split: number, seed: number, dataset: string): Set<number> {
  const size = validationCount(count, split);
  if (size === 0) return new Set();
  const order = shuffledIndices(count, mulberry32(deriveSeed(seed, 'split', dataset)));
  return new Set(order.slice(0, size));
}

export function prepareData(plan: Plan): PreparedData {
  const { seed, validationSplit } = plan.project.training;
  const split = new Map(plan.heads.map((h) => [h.name, { train: [] as Sample[], validation: [] as Sample[] }]));
  for (const dataset of plan.datasets) {
    const parts = split.get(dataset.head);
    if (!parts) continue;
    const held = validationIndices(dataset.samples.length, validationSplit, seed, dataset.name);
    dataset.samples.forEach((sample, i) => (held.has(i) ? parts.validation : parts.train).push(sample));
  }

  const trainInputs = [...split.values()].flatMap((p) => p.train.flatMap((s) => ('input' in s && typeof s.input !== 'string' ? [s.input as readonly number[]] : [])));
  const scaling: Scaling = {
    features: plan.project.input.type === 'features' ? fitScale(trainInputs, plan.project.input.features) : null,
    targets: Object.fromEntries(
      plan.heads
        .filter((h) => h.task === 'regression')
        .map((h) => [h.name, fitScale(split.get(h.name)!.train.map((s) => (s as { target: readonly number[] }).target), h.units)]),
    ),
  };

  const heads = plan.heads.map((head) => {
    const parts = split.get(head.name)!;
    return { head, train: encodeExamples(parts.train, head, plan, scaling), validation: encodeExamples(parts.validation, head, plan, scaling) };
  });
  return { heads, scaling };
}

function encodeExamples(samples: readonly Sample[], head: PlanHead, plan: Plan, scaling: Scaling): Examples {
  const count = samples.length;
  const inputWidth = plan.project.input.shape[0];
  const inputs = plan.project.input.type === 'text' ? new Int32Array(count * inputWidth) : new Float32Array(count * inputWidth);
  if (head.task === 'generation') {
    const targets = new Int32Array(count * inputWidth);
    const mask = new Float32Array(count * inputWidth);
    samples.forEach((sample, i) => {
      if (sampleKind(sample) !== 'generation') throw new Error(`Head '${head.name}' got a sample that is not a generation sample.`);
      const { prompt, target } = sample as { prompt: string; target: string };
      const example = encodeGeneration(prompt, target, plan);
      inputs.set(example.input, i * inputWidth);
      targets.set(example.next, i * inputWidth);
      mask.set(example.mask, i * inputWidth);
    });
    return { count, inputs, inputWidth, targets, targetWidth: inputWidth, mask };
  }

  const regression = head.task === 'regression';
  const targetWidth = regression ? head.units : 1;
  const targets = regression ? new Float32Array(count * targetWidth) : new Int32Array(count);
  samples.forEach((sample, i) => {
    if (!('input' in sample)) throw new Error(`Head '${head.name}' got a generation sample.`);
    const encoded = encodeInput(sample.input, plan);
    inputs.set(scaling.features && !(encoded instanceof Int32Array) ? applyScale(encoded, scaling.features) : encoded, i * inputWidth);
    if ('label' in sample) targets[i] = sample.label;
    else targets.set(applyScale(Float32Array.from(sample.target), scaling.targets[head.name]!), i * targetWidth);
  });
  return { count, inputs, inputWidth, targets, targetWidth, mask: null };
}
