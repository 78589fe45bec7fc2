// preprocess.json: everything between raw inputs and the model's tensors, and
// between its outputs and what `nnc predict` prints. Written by the export,
// read by predict.js and `nnc serve`. The predictor itself is nnc's own
// (runtime/predict): this module turns the file back into the parts of a plan
// it reads, and checks inputs with sentences a caller can act on.
import type { Plan, PlanHead, PlanInput, PlanVocabulary } from '../../../compiler/plan.js';
import type { Scaling } from '../../train/scaling.js';

export const PREPROCESS_FORMAT = 'nnc-preprocess/v1';

export type PreprocessHead = Pick<PlanHead, 'name' | 'task' | 'loss' | 'classes' | 'units' | 'activation' | 'pool'>;

export interface Preprocess {
  readonly format: typeof PREPROCESS_FORMAT;
  readonly project: string;
  /** the plan's input as it is (tokenizer, lowercase, maxLength, features, shape, and truncate when the plan has it) */
  readonly input: PlanInput;
  /** text: which tokens of a long input are kept ('start': the first maxLength, 'end': the last), and where <pad> goes */
  readonly text: { readonly keep: 'start' | 'end'; readonly padding: 'left' } | null;
  readonly vocabulary: Pick<PlanVocabulary, 'tokens' | 'special'>;
  /** feature standardization ((x - mean) / std) and regression targets' scale (value * std + mean); null: none */
  readonly scaling: Scaling | null;
  readonly heads: readonly PreprocessHead[];
  /** generation heads: how decoding runs */
  readonly generation: {
    readonly decoding: 'greedy';
    readonly prompt: '<bos> prompt <sep>';
    readonly stop: '<eos>';
    readonly maxLength: number;
  } | null;
}

/** The parts of a plan that encoding, decoding and predictions read. */
export function planOf(preprocess: Preprocess): Plan {
  return {
    project: { name: preprocess.project, input: preprocess.input },
    vocabulary: { ...preprocess.vocabulary, categories: {}, hash: '' },
    heads: preprocess.heads,
    layers: [],
    datasets: [],
  } as unknown as Plan;
}

export function headOf(preprocess: Preprocess, name: string | undefined): PlanHead | string {
  if (name === undefined) return preprocess.heads[0] as PlanHead;
  const head = preprocess.heads.find((h) => h.name === name);
  return head ? (head as PlanHead) : `The model has no head '${name}'. Its heads: ${preprocess.heads.map((h) => `'${h.name}'`).join(', ')}.`;
}

/** null when every input fits the model, else a sentence naming the first that does not. */
export function checkInputs(preprocess: Preprocess, inputs: unknown, head?: PreprocessHead): string | null {
  if (!Array.isArray(inputs)) return "'inputs' must be an array of inputs.";
  if (inputs.length === 0) return "'inputs' is empty: give at least one input.";
  const text = preprocess.input.type === 'text';
  const width = preprocess.input.features;
  for (let i = 0; i < inputs.length; i++) {
    const input: unknown = inputs[i];
    const where = inputs.length === 1 ? 'the input' : `input ${i}`;
    if (text || head?.task === 'generation') {
      if (typeof input !== 'string') return `This model takes text, but ${where} is ${describe(input)}; give a string.`;
      continue;
    }
    if (!Array.isArray(input)) return `This model takes ${width} numbers per input, but ${where} is ${describe(input)}; give a list of numbers.`;
    if (input.length !== width) return `This model takes ${width} numbers per input, but ${where} has ${input.length}.`;
    const bad = input.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) return `Number ${bad} of ${where} is ${describe(input[bad])}, not a finite number.`;
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value === 'number' ? 'the number ' : ''}${String(value)}`;
  return 'an object';
}
