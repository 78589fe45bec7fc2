// Samples -> numbers. Shared by training and prediction so both see the same
// ids. Text inputs are padded on the left (Keras' pad_sequences default), so
// the last step of a sequence is the last token: an LSTM's final state and
// `pool: last` see the text, not padding. A text longer than maxLength loses
// its first tokens (input.truncate: start, the default, which keeps that last
// token at the last step) or its last ones (truncate: end). Generation sequences are
// `<bos> prompt <sep> target <eos>` padded on the right, because decoding
// appends tokens at the end.
import { tokenize } from '../../compiler/tokenize.js';
import type { Plan, PlanInput, PlanVocabulary, Sample } from '../../compiler/plan.js';

const indexes = new WeakMap<PlanVocabulary, Map<string, number>>();

function tokenIds(vocabulary: PlanVocabulary): Map<string, number> {
  let index = indexes.get(vocabulary);
  if (!index) {
    index = new Map(vocabulary.tokens.map((token, id) => [token, id]));
    indexes.set(vocabulary, index);
  }
  return index;
}

/** Token ids of a text, unknown tokens as <unk>, no padding. */
export function textToIds(text: string, input: PlanInput, vocabulary: PlanVocabulary): number[] {
  const index = tokenIds(vocabulary);
  return tokenize(text, input).map((token) => index.get(token) ?? vocabulary.special.unk);
}

/** Which end a plan cuts: plans written before input.truncate existed kept the first tokens. */
export function truncationOf(input: PlanInput): 'start' | 'end' {
  return input.truncate ?? 'end';
}

/** Token ids into `out` at `offset` as one model input: cut to maxLength (truncate), left-padded with <pad> (0; `out` is zeroed). */
export function writeTokens(ids: ArrayLike<number>, input: PlanInput, out: Int32Array, offset: number): void {
  const length = input.maxLength;
  const kept = Math.min(ids.length, length);
  const from = truncationOf(input) === 'start' ? ids.length - kept : 0;
  const pad = length - kept;
  for (let k = 0; k < kept; k++) out[offset + pad + k] = ids[from + k];
}

/** A text input: maxLength tokens (input.truncate says which end a longer text loses), left-padded with <pad>. */
export function encodeText(text: string, plan: Plan): Int32Array {
  const { input } = plan.project;
  const out = new Int32Array(input.maxLength); // <pad> is 0
  writeTokens(textToIds(text, input, plan.vocabulary), input, out, 0);
  return out;
}

/** One model input: token ids for text projects, the raw vector for features projects. */
export function encodeInput(input: string | readonly number[], plan: Plan): Int32Array | Float32Array {
  if (typeof input === 'string') return encodeText(input, plan);
  return Float32Array.from(input);
}

export interface GenerationExample {
  /** maxLength ids: <bos> prompt <sep> target (<eos>), right-padded */
  readonly input: Int32Array;
  /** the id that follows each input position */
  readonly next: Int32Array;
  /** 1 where `next` is a target token or <eos>, else 0 */
  readonly mask: Float32Array;
}

export interface GenerationSpecials {
  readonly bos: number;
  readonly sep: number;
  readonly eos: number;
}

export function generationSpecials(vocabulary: PlanVocabulary): GenerationSpecials {
  const { bos, sep, eos } = vocabulary.special;
  if (bos === null || sep === null || eos === null) {
    throw new Error('A generation head needs <bos>, <sep> and <eos> in the vocabulary; the plan has none.');
  }
  return { bos, sep, eos };
}

/**
 * `<bos> prompt <sep> target <eos>` shifted by one for next-token training.
 * When it does not fit, the prompt loses tokens from its start first, then
 * the target from its end.
 */
export function encodeGeneration(prompt: string, target: string, plan: Plan): GenerationExample {
  const { input } = plan.project;
  return encodeGenerationIds(textToIds(prompt, input, plan.vocabulary), textToIds(target, input, plan.vocabulary), plan);
}

/** encodeGeneration from token ids (the compiler's, for training). */
export function encodeGenerationIds(promptIds: ArrayLike<number>, targetIds: ArrayLike<number>, plan: Plan): GenerationExample {
  const { bos, sep, eos } = generationSpecials(plan.vocabulary);
  const length = plan.project.input.maxLength;
  const keep = Math.max(0, Math.min(promptIds.length, length - targetIds.length - 2));
  const sequence = [bos, ...Array.prototype.slice.call(promptIds, promptIds.length - keep), sep, ...Array.from(targetIds), eos];
  const sepAt = keep + 1;
  const example = { input: new Int32Array(length), next: new Int32Array(length), mask: new Float32Array(length) };
  for (let i = 0; i < length && i < sequence.length; i++) {
    example.input[i] = sequence[i];
    if (i + 1 < sequence.length) {
      example.next[i] = sequence[i + 1];
      if (i >= sepAt) example.mask[i] = 1;
    }
  }
  return example;
}

/** The ids decoding starts from: `<bos> prompt <sep>`, the prompt cut from its start to leave room. */
export function encodePrompt(prompt: string, plan: Plan): number[] {
  const { input } = plan.project;
  const { bos, sep } = generationSpecials(plan.vocabulary);
  const ids = textToIds(prompt, input, plan.vocabulary);
  return [bos, ...ids.slice(Math.max(0, ids.length - (input.maxLength - 2))), sep];
}

/** Ids back to text: words joined by spaces (punctuation attached), characters joined as they are. */
export function idsToText(ids: readonly number[], plan: Plan): string {
  const tokens = ids.map((id) => plan.vocabulary.tokens[id] ?? '<unk>');
  if (plan.project.input.tokenizer === 'char') return tokens.join('');
  return tokens.reduce((text, token) => (text === '' ? token : /^[^\p{L}\p{N}<]$/u.test(token) ? text + token : `${text} ${token}`), '');
}

export type SampleKind = 'classification' | 'regression' | 'generation';

export function sampleKind(sample: Sample): SampleKind {
  if ('prompt' in sample) return 'generation';
  return 'label' in sample ? 'classification' : 'regression';
}
