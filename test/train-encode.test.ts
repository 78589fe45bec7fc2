import { describe, expect, it } from 'vitest';
import { encodeGeneration, encodePrompt, encodeText, idsToText } from '../src/runtime/train/encode.js';
import { planDataFromSamples, prepareData } from '../src/runtime/train/examples.js';
import { contentKey, splitPoint, SPLIT } from '../src/compiler/split.js';
import { epochBatches } from '../src/runtime/train/batches.js';
import { makePlan } from './train-helpers.js';

const textPlan = (maxLength: number) =>
  makePlan({
    input: { type: 'text', maxLength },
    tokens: ['what', 'is', 'the', 'capital', 'of', 'france', 'paris', '?'],
    layers: [
      { name: 'embed', type: 'embedding', units: 4 },
      { name: 'encoder', type: 'lstm', units: 4, returnSequences: true },
    ],
    heads: [{ name: 'answer', attach: 'encoder', task: 'generation' }],
  });

// specials: <pad> 0, <unk> 1, <bos> 2, <sep> 3, <eos> 4; then what 5, is 6, the 7, capital 8, of 9, france 10, paris 11, ? 12
describe('encoding', () => {
  it('pads text on the left with <pad>, maps unknown words to <unk> and truncates to maxLength', () => {
    const plan = textPlan(6);
    expect(Array.from(encodeText('What is Zanzibar?', plan))).toEqual([0, 0, 5, 6, 1, 12]);
    // a longer text loses its start by default (input.truncate: start), its end with truncate: end
    const cut = (truncate: 'start' | 'end' | undefined) => ({ ...plan, project: { ...plan.project, input: { ...plan.project.input, truncate: truncate! } } });
    expect(Array.from(encodeText('what is the capital of france ?', cut('start')))).toEqual([6, 7, 8, 9, 10, 12]);
    expect(Array.from(encodeText('what is the capital of france ?', cut('end')))).toEqual([5, 6, 7, 8, 9, 10]);
    // plans written before the key existed cut the end
    expect(Array.from(encodeText('what is the capital of france ?', cut(undefined)))).toEqual([5, 6, 7, 8, 9, 10]);
    expect(Array.from(encodeText('', plan))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('lays out generation as <bos> prompt <sep> target <eos>, shifted by one, with loss on the target only', () => {
    const plan = textPlan(8);
    const { input, next, mask } = encodeGeneration('capital of france?', 'paris', plan);
    expect(Array.from(input)).toEqual([2, 8, 9, 10, 12, 3, 11, 4]);
    expect(Array.from(next)).toEqual([8, 9, 10, 12, 3, 11, 4, 0]);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 1, 1, 0]);
    expect(encodePrompt('capital of france?', plan)).toEqual([2, 8, 9, 10, 12, 3]);
  });

  it('cuts a long prompt from its start so the target and <eos> still fit', () => {
    const plan = textPlan(6);
    const { input, next, mask } = encodeGeneration('what is the capital of france', 'paris', plan);
    // keeps 'capital of france': <bos> capital of france <sep> paris | <eos> (the last input predicts <eos>)
    expect(Array.from(input)).toEqual([2, 8, 9, 10, 3, 11]);
    expect(Array.from(next)).toEqual([8, 9, 10, 3, 11, 4]);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(encodePrompt('what is the capital of france', plan)).toEqual([2, 7, 8, 9, 10, 3]);
  });

  it('turns ids back into text with punctuation attached', () => {
    const plan = textPlan(6);
    expect(idsToText([5, 6, 11, 12], plan)).toBe('what is paris?');
  });
});

describe('splits and batches', () => {
  it('holds out a sample by its input and the seed, wherever it is written', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ input: [i, -i], label: i % 2 }));
    const spec = (list: typeof samples, seed = 42) =>
      makePlan({
        input: { type: 'features', features: 2 },
        layers: [{ name: 'hidden', type: 'dense', units: 3 }],
        heads: [{ name: 'kind', attach: 'hidden', task: 'classification', classes: ['a', 'b'] }],
        datasets: [{ name: 'points', head: 'kind', samples: list }],
        training: { validationSplit: 0.2, seed },
      });
    const split = (plan: ReturnType<typeof spec>) => Array.from(planDataFromSamples(plan).datasets[0].split);
    const expected = samples.map((s) => (splitPoint(42, contentKey(s.input)) < 0.2 ? SPLIT.validation : SPLIT.train));
    expect(split(spec(samples))).toEqual(expected);
    expect(expected.filter((s) => s === SPLIT.validation).length).toBeGreaterThan(0);
    expect(split(spec([...samples].reverse()))).toEqual([...expected].reverse());
    expect(split(spec(samples.slice(0, 30)))).toEqual(expected.slice(0, 30));
    expect(split(spec(samples, 43))).not.toEqual(expected);
    const { heads } = prepareData(spec(samples));
    expect(heads[0].validation.count).toBe(expected.filter((s) => s === SPLIT.validation).length);
  });

  it('standardizes features and regression targets with training statistics', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ input: [i, 100 + 2 * i], target: [1000 + 10 * i] }));
    const plan = makePlan({
      input: { type: 'features', features: 2 },
      layers: [{ name: 'hidden', type: 'dense', units: 3 }],
      heads: [{ name: 'value', attach: 'hidden', task: 'regression', units: 1 }],
      datasets: [{ name: 'line', head: 'value', samples }],
      training: { validationSplit: 0.25 },
    });
    const { heads, scaling } = prepareData(plan);
    const { train, validation } = heads[0];
    expect(train.count + validation.count).toBe(20);
    expect(validation.count).toBeGreaterThan(0);
    const column = (values: Float32Array, j: number, width: number) => Array.from(values).filter((_, i) => i % width === j);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(column(train.inputs as Float32Array, 0, 2))).toBeCloseTo(0, 5);
    expect(mean(column(train.inputs as Float32Array, 1, 2))).toBeCloseTo(0, 5);
    expect(mean(Array.from(train.targets))).toBeCloseTo(0, 5);
    expect(scaling.targets.value.std[0]).toBeCloseTo(10 * (scaling.features!.std[0]), 3);
    expect(scaling.targets.value.mean[0]).toBeCloseTo(1000 + 10 * scaling.features!.mean[0], 3);
  });

  it('interleaves heads round-robin and shuffles each epoch differently but reproducibly', () => {
    const heads = [
      { name: 'a', count: 10 },
      { name: 'b', count: 4 },
    ];
    const epoch0 = epochBatches(heads, 3, 42, 0);
    expect(epoch0.map((b) => b.head)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(epoch0.filter((b) => b.head === 0).flatMap((b) => b.indices).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochBatches(heads, 3, 42, 0)).toEqual(epoch0);
    expect(epochBatches(heads, 3, 42, 1)).not.toEqual(epoch0);
  });
});
