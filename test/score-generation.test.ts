// Generation scoring: the batched greedy decoding behind exact_match (and
// nnc evaluate's predicted text) gives what predict's one-by-one generate()
// gives, and the token figures agree with the training loop's sums.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel, registerNncLayers } from '../src/runtime/emit/index.js';
import { headModel } from '../src/runtime/emit/build.js';
import type { GenerationReport } from '../src/runtime/metrics/generation.js';
import { scoreExamples } from '../src/runtime/metrics/score.js';
import { generate } from '../src/runtime/predict/generate.js';
import { prepareData } from '../src/runtime/train/examples.js';
import { train } from '../src/runtime/train/index.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
  registerNncLayers(tf);
});

const words = ['red', 'green', 'blue', 'one', 'two'];

describe('generation scoring', () => {
  it('decodes like generate() and counts an exact match only when every token and the <eos> came out', async () => {
    const samples = words.flatMap((w) => [{ prompt: w, target: `${w} ${w}` }, { prompt: `say ${w}`, target: w }]);
    const plan = makePlan({
      input: { type: 'text', maxLength: 8 },
      tokens: [...words, 'say'],
      layers: [
        { name: 'embed', type: 'embedding', units: 8 },
        { name: 'reader', type: 'gru', units: 16, returnSequences: true },
      ],
      heads: [{ name: 'echo', attach: 'reader', task: 'generation' }],
      datasets: [{ name: 'echo', head: 'echo', samples }],
      training: { epochs: 30, batchSize: 4, learningRate: 0.05, validationSplit: 0 },
    });
    const model = buildModel(tf, plan);
    try {
      const data = prepareData(plan);
      await train({ tf, plan, model, data });
      const head = plan.heads[0];
      const sub = headModel(tf, model, head.name);
      const examples = data.heads[0].train;
      const scored = (await scoreExamples(tf, { head, model: sub }, examples, { decode: true, keepSamples: true, eos: plan.vocabulary.special.eos }))!;
      const eos = plan.vocabulary.special.eos!;
      let matches = 0;
      for (const [i, sample] of samples.entries()) {
        const one = await generate(tf, sub, plan, sample.prompt);
        const batched = scored.samples![i] as unknown as { predicted: number[]; correct: boolean; expected: number[] };
        expect(batched.predicted.filter((id) => id !== eos), sample.prompt).toEqual(one.ids);
        const exact = one.text === sample.target && batched.predicted.at(-1) === eos;
        expect(batched.correct, sample.prompt).toBe(exact);
        if (exact) matches++;
      }
      expect((scored.report as GenerationReport).exact_match).toBeCloseTo(matches / samples.length, 12);
      expect(matches).toBeGreaterThan(0); // it learned some; the comparison above is not all-false
      expect(scored.metrics.perplexity).toBeCloseTo(Math.exp(scored.metrics.loss), 4);
    } finally {
      model.dispose();
    }
  });
});
