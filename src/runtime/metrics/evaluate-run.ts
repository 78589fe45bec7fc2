// `nnc evaluate`'s work, apart from the command line: a stored model's heads
// scored on a split of the project's compiled samples or on records from a
// file (any dataset type's fields), each sample described for --samples and
// the worst kept for the viewer.
import type { Plan, PlanHead } from '../../compiler/plan.js';
import { tokenRun, type PlanData } from '../../compiler/plan-data.js';
import { SPLIT, type SplitName } from '../../compiler/split.js';
import { headModel } from '../emit/build.js';
import type { LayersModel, Tf } from '../emit/tf.js';
import { majorityClass } from '../train/evaluate.js';
import { encodeGeneration, encodeInput, generationSpecials, idsToText } from '../train/encode.js';
import { prepareData, type Examples } from '../train/examples.js';
import { applyScale, type Scale, type Scaling } from '../train/scaling.js';
import type { HeadReport } from './report.js';
import { scoreExamples, type SampleScore } from './score.js';

/** How many of each head's worst-scored samples an evaluation keeps. */
export const WORST_SAMPLES = 20;

/** One sample as `--samples` prints it and the viewer lists the worst. */
export interface DescribedSample {
  readonly head: string;
  readonly input: string | readonly number[];
  readonly expected: string | number | readonly number[];
  readonly predicted: string | number | readonly number[] | null;
  /** classification: class -> probability */
  readonly probabilities?: Readonly<Record<string, number>>;
  readonly correct: boolean | null;
  /** what it is ranked by: its log loss, mean absolute error, or mean token loss */
  readonly loss: number;
}

export interface HeadEvaluation {
  readonly head: PlanHead;
  readonly metrics: Record<string, number>;
  readonly report: HeadReport;
  readonly samples: readonly DescribedSample[];
}

/** A sample to score from a file: its fields as written, and its line for messages. */
export interface FileRecord {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly line: number;
}

export type EvaluationSource =
  | { readonly kind: 'split'; readonly split: SplitName; readonly data: PlanData }
  | { readonly kind: 'file'; readonly file: string; readonly records: readonly FileRecord[]; /** the training split's majority class per head, when the project compiles */ readonly majority: Readonly<Record<string, number | null>> };

export interface EvaluateOptions {
  readonly tf: Tf;
  /** the plan the model was trained on */
  readonly plan: Plan;
  readonly model: LayersModel;
  readonly scaling: Scaling | null;
  readonly heads: readonly PlanHead[];
  readonly source: EvaluationSource;
}

/** A sentence for the user when a record does not fit. */
export class EvaluationInputError extends Error {}

export async function evaluateHeads(options: EvaluateOptions): Promise<HeadEvaluation[]> {
  const { tf, plan, model, heads, source } = options;
  const prepared = source.kind === 'split' ? prepareData(plan, source.data) : null;
  const out: HeadEvaluation[] = [];
  for (const head of heads) {
    let examples: Examples;
    let inputs: (string | readonly number[])[];
    let majority: number | null = null;
    let targetScale: Scale | null = null;
    if (prepared && source.kind === 'split') {
      const data = prepared.heads.find((d) => d.head.name === head.name)!;
      examples = data[source.split === 'train' ? 'train' : source.split];
      inputs = splitInputs(plan, source.data, head, source.split);
      majority = head.task === 'classification' ? majorityClass(data.train.targets, head.classes.length) : null;
      targetScale = prepared.scaling.targets[head.name] ?? null;
    } else if (source.kind === 'file') {
      ({ examples, inputs } = fileExamples(plan, head, options.scaling, source.records));
      majority = source.majority[head.name] ?? null;
      targetScale = options.scaling?.targets[head.name] ?? null;
    } else throw new Error('unreachable');
    const scored = await scoreExamples(tf, { head, model: headModel(tf, model, head.name) }, examples, {
      targetScale,
      majority,
      decode: head.task === 'generation',
      keepSamples: true,
      eos: plan.vocabulary.special.eos,
    });
    if (!scored) continue;
    out.push({ head, metrics: scored.metrics, report: scored.report, samples: scored.samples!.map((s) => describeSample(plan, head, s, inputs[s.index])) });
  }
  return out;
}

/** The worst-scored samples first (highest loss), at most n. */
export function worstSamples(samples: readonly DescribedSample[], n = WORST_SAMPLES): DescribedSample[] {
  return [...samples].sort((a, b) => b.loss - a.loss).slice(0, n);
}

function describeSample(plan: Plan, head: PlanHead, sample: SampleScore, input: string | readonly number[]): DescribedSample {
  const className = (i: number) => head.classes[i] ?? String(i);
  if ('probabilities' in sample) {
    return {
      head: head.name,
      input,
      expected: className(sample.expected),
      predicted: className(sample.predicted),
      probabilities: Object.fromEntries(sample.probabilities.map((p, i) => [className(i), p])),
      correct: sample.correct,
      loss: sample.loss,
    };
  }
  if (head.task === 'regression') {
    const one = (v: readonly number[]) => (v.length === 1 ? v[0] : v);
    return { head: head.name, input, expected: one(sample.expected as number[]), predicted: one(sample.predicted as number[]), correct: null, loss: sample.loss };
  }
  const eos = plan.vocabulary.special.eos;
  const text = (ids: readonly number[]) => idsToText(ids.filter((id) => id !== eos), plan);
  return { head: head.name, input, expected: text(sample.expected as number[]), predicted: sample.predicted ? text(sample.predicted) : null, correct: sample.correct, loss: sample.loss };
}

/**
 * The inputs of a split's examples in their order (prepareData's: datasets in
 * plan order, samples in written order), as the model reads them: text from
 * its token ids (lowercased; <unk> for unknown words), numbers as written.
 */
function splitInputs(plan: Plan, data: PlanData, head: PlanHead, split: SplitName): (string | readonly number[])[] {
  const out: (string | readonly number[])[] = [];
  const width = plan.project.input.features;
  for (const dataset of plan.datasets) {
    if (dataset.head !== head.name) continue;
    const samples = data.datasets.find((d) => d.name === dataset.name);
    if (!samples) continue;
    for (let i = 0; i < samples.count; i++) {
      if (samples.split[i] !== SPLIT[split]) continue;
      if (samples.tokens) out.push(idsToText(Array.from(tokenRun(samples.tokens, i)), plan));
      else if (samples.features) out.push(Array.from(samples.features.subarray(i * width, (i + 1) * width)));
      else out.push('');
    }
  }
  return out;
}

/** The fields a record of each task gives: [input field, expected field], in the order they are tried. */
const FILE_FIELDS: Readonly<Record<PlanHead['task'], readonly (readonly [string, string])[]>> = {
  classification: [['input', 'label']],
  regression: [['input', 'target']],
  generation: [['question', 'answer'], ['text', 'summary'], ['input', 'target']],
};

/** Whether a record has the fields a head's task scores. */
export function recordFits(task: PlanHead['task'], fields: Readonly<Record<string, unknown>>): boolean {
  return FILE_FIELDS[task].some(([a, b]) => a in fields && b in fields);
}

/** Examples from file records, encoded as training encodes them, with the model's own scaling. */
function fileExamples(plan: Plan, head: PlanHead, scaling: Scaling | null, records: readonly FileRecord[]): { examples: Examples; inputs: (string | readonly number[])[] } {
  const count = records.length;
  const width = plan.project.input.shape[0];
  const text = plan.project.input.type === 'text';
  const inputs: (string | readonly number[])[] = [];
  const where = (r: FileRecord) => `line ${r.line}`;
  if (head.task === 'generation') {
    generationSpecials(plan.vocabulary);
    const ids = new Int32Array(count * width);
    const targets = new Int32Array(count * width);
    const mask = new Float32Array(count * width);
    records.forEach((r, i) => {
      const [a, b] = FILE_FIELDS.generation.find(([x, y]) => x in r.fields && y in r.fields)!;
      const prompt = r.fields[a];
      const target = r.fields[b];
      if (typeof prompt !== 'string' || typeof target !== 'string') throw new EvaluationInputError(`The record on ${where(r)} needs text in '${a}' and '${b}'.`);
      const example = encodeGeneration(prompt, target, plan);
      ids.set(example.input, i * width);
      targets.set(example.next, i * width);
      mask.set(example.mask, i * width);
      inputs.push(prompt);
    });
    return { examples: { count, inputs: ids, inputWidth: width, targets, targetWidth: width, mask }, inputs };
  }
  const encoded = text ? new Int32Array(count * width) : new Float32Array(count * width);
  const regression = head.task === 'regression';
  const targetWidth = regression ? head.units : 1;
  const targets = regression ? new Float32Array(count * targetWidth) : new Int32Array(count);
  const scale = regression ? scaling?.targets[head.name] ?? null : null;
  records.forEach((r, i) => {
    const input = toModelInput(r.fields.input, text, width, where(r));
    const row = encodeInput(input, plan);
    encoded.set(!text && scaling?.features ? applyScale(row as Float32Array, scaling.features) : row, i * width);
    inputs.push(input);
    const expected = r.fields[regression ? 'target' : 'label'];
    if (regression) {
      const values = typeof expected === 'number' ? [expected] : Array.isArray(expected) ? expected : typeof expected === 'string' ? expected.split(/[\s,]+/).filter(Boolean).map(Number) : [];
      if (values.length !== targetWidth || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new EvaluationInputError(`The record on ${where(r)} has 'target' ${JSON.stringify(expected)}, but head '${head.name}' predicts ${targetWidth} number${targetWidth === 1 ? '' : 's'}.`);
      }
      targets.set(scale ? applyScale(Float32Array.from(values as number[]), scale) : (values as number[]), i * targetWidth);
    } else targets[i] = classIndex(head, expected, where(r));
  });
  return { examples: { count, inputs: encoded, inputWidth: width, targets, targetWidth, mask: null }, inputs };
}

/** A label as the compiler reads it: a class name, or 0/1 for a head of two classes. */
export function classIndex(head: PlanHead, label: unknown, where: string): number {
  const named = head.classes.indexOf(String(label));
  if (named >= 0) return named;
  if ((label === 0 || label === 1) && head.classes.length === 2) return label;
  throw new EvaluationInputError(`The record on ${where} has label ${JSON.stringify(label)}, which is not a class of head '${head.name}' (${head.classes.map((c) => `'${c}'`).join(', ')}).`);
}

function toModelInput(value: unknown, text: boolean, width: number, where: string): string | number[] {
  if (text) {
    if (typeof value !== 'string') throw new EvaluationInputError(`The record on ${where} has no text in 'input'; this project takes text.`);
    return value;
  }
  const numbers = Array.isArray(value) ? value : typeof value === 'string' ? value.trim().replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean).map(Number) : [];
  if (numbers.length !== width || numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
    throw new EvaluationInputError(`The record on ${where} has 'input' ${JSON.stringify(value)}; this project takes a list of ${width} numbers.`);
  }
  return numbers as number[];
}

