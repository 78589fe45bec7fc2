// The loop learns: each head beats its input-blind baseline on validation.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../src/runtime/backend/index.js';
import type { Sample } from '../src/compiler/plan.js';
import { buildModel, headModel } from '../src/runtime/emit/index.js';
import { generate } from '../src/runtime/predict/generate.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { train } from '../src/runtime/train/index.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

const random = mulberry32(7);
const uniform = () => random() * 2 - 1;

describe('training learns', () => {
  it('classifies feature vectors above chance and above the majority class', async () => {
    const samples: Sample[] = Array.from({ length: 400 }, () => {
      const input = [uniform(), uniform(), uniform(), uniform()];
      const label = input[0] > 0.2 ? 0 : input[1] * input[2] > 0 ? 1 : 2;
      return { input, label };
    });
    const plan = makePlan({
      input: { type: 'features', features: 4 },
      layers: [
        { name: 'hidden', type: 'dense', units: 32, activation: 'relu' },
        { name: 'hidden2', type: 'dense', units: 16, activation: 'relu' },
      ],
      heads: [{ name: 'kind', attach: 'hidden2', task: 'classification', classes: ['a', 'b', 'c'] }],
      datasets: [{ name: 'points', head: 'kind', samples }],
      training: { epochs: 40, batchSize: 32, learningRate: 0.01 },
    });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    const [base] = result.baselines;
    expect(base.metrics.val_accuracy).toBeLessThan(0.5);
    expect(result.best['kind.val_accuracy']).toBeGreaterThan(0.8);
    expect(result.best['kind.val_accuracy']).toBeGreaterThan(base.metrics.val_accuracy + 0.3);
    expect(result.best['kind.val_loss']).toBeLessThan(base.metrics.val_loss);
    model.dispose();
  });

  it('classifies text with an embedding, beating the majority class', async () => {
    const positive = ['good', 'great', 'fun', 'love'];
    const negative = ['bad', 'awful', 'boring', 'hate'];
    const filler = ['the', 'movie', 'plot', 'was', 'a', 'really', 'it', 'zebra'];
    const pick = (words: string[]) => words[Math.floor(random() * words.length)];
    const samples: Sample[] = Array.from({ length: 300 }, () => {
      const label = random() < 0.6 ? 1 : 0;
      const words = Array.from({ length: 3 + Math.floor(random() * 4) }, () => pick(filler));
      words.splice(Math.floor(random() * words.length), 0, pick(label ? positive : negative));
      return { input: words.join(' '), label };
    });
    const plan = makePlan({
      input: { type: 'text', maxLength: 10 },
      tokens: [...positive, ...negative, ...filler.slice(0, -1)],
      layers: [
        { name: 'embed', type: 'embedding', units: 8 },
        { name: 'pool', type: 'pool', mode: 'max' },
        { name: 'hidden', type: 'dense', units: 8, activation: 'relu' },
      ],
      heads: [{ name: 'sentiment', attach: 'hidden', task: 'classification', classes: ['negative', 'positive'] }],
      datasets: [{ name: 'reviews', head: 'sentiment', samples }],
      training: { epochs: 25, batchSize: 16, learningRate: 0.02 },
    });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    const [base] = result.baselines;
    expect(result.best['sentiment.val_accuracy']).toBeGreaterThan(0.95);
    expect(result.best['sentiment.val_accuracy']).toBeGreaterThan(base.metrics.val_accuracy + 0.2);
    model.dispose();
  });

  it('regresses far below the predict-the-mean error, in target units', async () => {
    const samples: Sample[] = Array.from({ length: 300 }, () => {
      const input = [uniform() * 10, uniform() + 5, uniform()];
      return { input, target: [100 + 20 * input[0] - 30 * input[1] + 15 * input[2] ** 2] };
    });
    const plan = makePlan({
      input: { type: 'features', features: 3 },
      layers: [{ name: 'hidden', type: 'dense', units: 32, activation: 'tanh' }],
      heads: [{ name: 'value', attach: 'hidden', task: 'regression', units: 1 }],
      datasets: [{ name: 'curve', head: 'value', samples }],
      training: { epochs: 40, batchSize: 16, learningRate: 0.01 },
    });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    const [base] = result.baselines;
    expect(result.best['value.val_loss']).toBeLessThan(0.05 * base.metrics.val_loss);
    expect(result.best['value.val_mae']).toBeLessThan(0.25 * base.metrics.val_mae);
    model.dispose();
  });

  it('trains two heads on one trunk, each beating its baseline', async () => {
    const rows = Array.from({ length: 300 }, () => [uniform(), uniform(), uniform()]);
    const plan = makePlan({
      input: { type: 'features', features: 3 },
      layers: [
        { name: 'trunk', type: 'dense', units: 32, activation: 'tanh' },
        { name: 'norm', type: 'layernorm' },
      ],
      heads: [
        { name: 'side', attach: 'norm', task: 'classification', classes: ['left', 'right'], loss: 'bce' },
        { name: 'size', attach: 'norm', task: 'regression', units: 2, loss: 'huber', weight: 0.5 },
      ],
      datasets: [
        { name: 'sides', head: 'side', samples: rows.map((input) => ({ input, label: input[0] + input[1] > 0.3 ? 1 : 0 })) },
        { name: 'sizes', head: 'size', samples: rows.map((input) => ({ input, target: [input[0] * input[2] * 50, 10 * input[1] - 3] })) },
      ],
      training: { epochs: 30, batchSize: 16, learningRate: 0.01 },
    });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    const base = Object.fromEntries(result.baselines.map((b) => [b.head, b.metrics]));
    expect(result.best['side.val_accuracy']).toBeGreaterThan(0.9);
    expect(result.best['side.val_accuracy']).toBeGreaterThan(base.side.val_accuracy + 0.2);
    expect(result.best['size.val_mae']).toBeLessThan(0.3 * base.size.val_mae);
    model.dispose();
  });

  it('generates the trained answers from their prompts', async () => {
    const pairs = [
      ['what is the capital of france', 'paris'],
      ['what is the capital of spain', 'madrid'],
      ['what is two plus two', 'four'],
      ['who wrote hamlet', 'william shakespeare'],
    ];
    const words = [...new Set(pairs.flatMap(([q, a]) => `${q} ${a}`.split(' ')))];
    const plan = makePlan({
      input: { type: 'text', maxLength: 10 },
      tokens: words,
      layers: [
        { name: 'embed', type: 'embedding', units: 16 },
        { name: 'encoder', type: 'lstm', units: 32, returnSequences: true },
      ],
      heads: [{ name: 'answer', attach: 'encoder', task: 'generation' }],
      datasets: [{ name: 'qa', head: 'answer', samples: pairs.map(([prompt, target]) => ({ prompt, target })) }],
      training: { epochs: 120, batchSize: 4, learningRate: 0.03, validationSplit: 0 },
    });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    expect(result.final['answer.token_accuracy']).toBe(1);
    const head = headModel(tf, model, 'answer');
    for (const [prompt, answer] of pairs) expect((await generate(tf, head, plan, prompt)).text).toBe(answer);
    model.dispose();
  });
});
