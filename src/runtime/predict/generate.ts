// Decoding for generation heads: start from `<bos> prompt <sep>`, append the
// next token (greedy, or sampled from the k most likely) until <eos> or the
// input is full.
import type { Plan } from '../../compiler/plan.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { encodePrompt, generationSpecials, idsToText } from '../train/encode.js';

export interface GenerateOptions {
  /** sample among the k most likely tokens; 0 or 1: greedy */
  readonly topK?: number;
  /** for sampling; Math.random when absent */
  readonly random?: () => number;
}

export interface Generated {
  readonly ids: number[];
  readonly text: string;
  /** probability of each generated token */
  readonly probabilities: number[];
}

/** `headModel` outputs the generation head's [maxLength, vocabulary] probabilities. */
export async function generate(tf: Tf, headModel: LayersModel, plan: Plan, prompt: string, options: GenerateOptions = {}): Promise<Generated> {
  const { eos } = generationSpecials(plan.vocabulary);
  const length = plan.project.input.maxLength;
  const sequence = encodePrompt(prompt, plan);
  const start = sequence.length;
  const probabilities: number[] = [];
  while (sequence.length <= length) {
    const position = sequence.length - 1;
    const row = tf.tidy(() => {
      const ids = new Int32Array(length);
      ids.set(sequence);
      const output = headModel.predict(tf.tensor2d(ids, [1, length], 'int32')) as Tensor;
      return output.slice([0, position, 0], [1, 1, -1]).reshape([-1]);
    });
    const p = (await row.data()) as Float32Array;
    row.dispose();
    const next = pick(p, options, plan.vocabulary.special.pad);
    if (next === eos) break;
    sequence.push(next);
    probabilities.push(p[next]);
  }
  const ids = sequence.slice(start);
  return { ids, text: idsToText(ids, plan), probabilities };
}

/** Greedy or top-k choice; never <pad>, which only fills the input. */
function pick(p: Float32Array, options: GenerateOptions, pad: number): number {
  const ranked = Array.from(p.keys())
    .filter((id) => id !== pad)
    .sort((a, b) => p[b] - p[a]);
  const k = Math.max(1, Math.min(options.topK ?? 1, ranked.length));
  if (k === 1) return ranked[0];
  const top = ranked.slice(0, k);
  const total = top.reduce((s, id) => s + p[id], 0);
  let r = (options.random ?? Math.random)() * total;
  for (const id of top) {
    r -= p[id];
    if (r <= 0) return id;
  }
  return top[top.length - 1];
}
