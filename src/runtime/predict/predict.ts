// Predictions of one head for a list of inputs: class and probabilities,
// a value in target units, or generated text.
import type { Plan, PlanHead } from '../../compiler/plan.js';
import { headModel } from '../emit/build.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { encodeInput } from '../train/encode.js';
import { applyScale, removeScale, type Scaling } from '../train/scaling.js';
import { generate, type GenerateOptions } from './generate.js';

export type Prediction =
  | { readonly class: string; readonly probabilities: Readonly<Record<string, number>> }
  | { readonly value: number | number[] }
  | { readonly text: string };

export interface Predictor {
  readonly head: PlanHead;
  predict(inputs: readonly (string | readonly number[])[]): Promise<Prediction[]>;
}

const BATCH = 256;

export function createPredictor(tf: Tf, model: LayersModel, plan: Plan, head: PlanHead, scaling: Scaling | null, options: GenerateOptions = {}): Predictor {
  const sub = headModel(tf, model, head.name);
  const width = plan.project.input.shape[0];
  const text = plan.project.input.type === 'text';

  function encode(input: string | readonly number[]): Int32Array | Float32Array {
    if (text !== (typeof input === 'string')) {
      throw new Error(text ? 'This project takes text input; give a string.' : `This project takes ${width} numbers as input; give a list of numbers.`);
    }
    const encoded = encodeInput(input, plan);
    if (encoded.length !== width) throw new Error(`This project takes ${width} numbers as input, not ${encoded.length}.`);
    return scaling?.features && encoded instanceof Float32Array ? applyScale(encoded, scaling.features) : encoded;
  }

  async function scores(inputs: readonly (string | readonly number[])[]): Promise<Float32Array[]> {
    const rows: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += BATCH) {
      const chunk = inputs.slice(start, start + BATCH).map(encode);
      const flat = text ? new Int32Array(chunk.length * width) : new Float32Array(chunk.length * width);
      chunk.forEach((row, i) => flat.set(row, i * width));
      const output = tf.tidy(() => sub.predict(tf.tensor2d(flat, [chunk.length, width], text ? 'int32' : 'float32')) as Tensor);
      const values = (await output.data()) as Float32Array;
      output.dispose();
      for (let i = 0; i < chunk.length; i++) rows.push(values.slice(i * head.units, (i + 1) * head.units));
    }
    return rows;
  }

  function toPrediction(row: Float32Array): Prediction {
    if (head.task === 'regression') {
      const scale = scaling?.targets[head.name];
      const value = scale ? removeScale(row, scale) : Array.from(row);
      return { value: value.length === 1 ? value[0] : value };
    }
    const p = head.loss === 'bce' ? [1 - row[0], row[0]] : Array.from(row);
    const best = p.indexOf(Math.max(...p));
    const name = (i: number) => head.classes[i] ?? String(i);
    return { class: name(best), probabilities: Object.fromEntries(p.map((v, i) => [name(i), v])) };
  }

  return {
    head,
    async predict(inputs) {
      if (head.task !== 'generation') return (await scores(inputs)).map(toPrediction);
      const out: Prediction[] = [];
      for (const input of inputs) {
        if (typeof input !== 'string') throw new Error(`Head '${head.name}' generates text from a text prompt; give a string.`);
        out.push({ text: (await generate(tf, sub, plan, input, options)).text });
      }
      return out;
    },
  };
}
