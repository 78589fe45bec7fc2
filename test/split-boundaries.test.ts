// The split at its edges: which samples it holds out (by point, exactly), the
// stand-in that keeps two-sample datasets validated while leaving one to
// train on, the hash values that keep splits stable across versions, and the
// encoded examples (token ids as integers, feature scaling only for features).
import { describe, expect, it } from 'vitest';
import { assignSplits, contentKey, SPLIT, SPLIT_NAMES, splitCounts, splitPoint } from '../src/compiler/split.js';
import { planDataFromSamples, prepareData, validationCount } from '../src/runtime/train/examples.js';
import { compileFiles } from './helpers/project.js';
import { makePlan } from './train-helpers.js';

const SEED = 42;
const point = (input: string) => splitPoint(SEED, contentKey(input));
/** The first `n` inputs `word 0`, `word 1`, … whose points satisfy `test`. */
function inputsWhere(test: (p: number) => boolean, n: number, word = 'sample'): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < n; i++) if (test(point(`${word} ${i}`))) found.push(`${word} ${i}`);
  return found;
}
const keysOf = (inputs: readonly string[]) => Float64Array.from(inputs, (s) => contentKey(s));
const split = (inputs: readonly string[], validation: number, test = 0, labels: Int32Array | null = null) =>
  Array.from(assignSplits(keysOf(inputs), SEED, { validation, test, stratify: labels !== null }, labels));

describe('the hash the split is made of', () => {
  it('keeps its values, so a sample stays in its split from one nnc version to the next', () => {
    expect(contentKey('a great movie')).toBe(2979286968773548);
    expect(contentKey([1, 2.5, -3])).toBe(725815649460827);
    expect(splitPoint(42, contentKey('a great movie'))).toBe(0.7749388158571581);
    expect(splitPoint(7, contentKey('a great movie'))).toBe(0.06856906124938555);
  });

  it('keys text and numbers apart, and every character counts', () => {
    expect(contentKey('1,2')).not.toBe(contentKey([1, 2]));
    expect(contentKey('ab')).not.toBe(contentKey('ba'));
    expect(contentKey('movie')).not.toBe(contentKey('movie '));
    const points = Array.from({ length: 1000 }, (_, i) => point(`sample ${i}`));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(1);
    // uniform: each tenth of [0, 1) holds about a tenth (100 ± 30)
    for (let d = 0; d < 10; d++) expect(Math.abs(points.filter((p) => Math.floor(p * 10) === d).length - 100)).toBeLessThan(30);
  });
});

describe('which samples a split holds out', () => {
  it('validation below the share, test between the share and share + test, training above', () => {
    const inputs = Array.from({ length: 60 }, (_, i) => `sample ${i}`);
    const expected = inputs.map((s) => (point(s) < 0.2 ? SPLIT.validation : point(s) < 0.3 ? SPLIT.test : SPLIT.train));
    expect(new Set(expected).size).toBe(3);
    expect(split(inputs, 0.2, 0.1)).toEqual(expected);
    expect(splitCounts(Uint8Array.from(expected))).toEqual({ train: expected.filter((s) => s === 0).length, validation: expected.filter((s) => s === 1).length, test: expected.filter((s) => s === 2).length });
  });

  it('names the splits in the order of their numbers', () => {
    expect(SPLIT_NAMES.map((name) => [name, SPLIT[name]])).toEqual([['train', 0], ['validation', 1], ['test', 2]]);
  });

  it('with no validation share, only test is held out', () => {
    const inputs = Array.from({ length: 40 }, (_, i) => `sample ${i}`);
    expect(split(inputs, 0, 0.25)).toEqual(inputs.map((s) => (point(s) < 0.25 ? SPLIT.test : SPLIT.train)));
  });

  it('with stratify, each class holds out its samples of lowest point: round(n × share) for validation, then for test', () => {
    const a = Array.from({ length: 10 }, (_, i) => `a ${i}`);
    const b = Array.from({ length: 5 }, (_, i) => `b ${i}`);
    const inputs = [...a, ...b];
    const labels = Int32Array.from(inputs, (s) => (s.startsWith('a') ? 0 : 1));
    const ranked = (list: string[]) => [...list].sort((x, y) => point(x) - point(y));
    const expected = new Map<string, number>();
    // a: round(10 × 0.25) = 3 validation, round(10 × 0.1) = 1 test; b: round(1.25) = 1, round(0.5) = 1
    for (const [list, held, tested] of [[a, 3, 1], [b, 1, 1]] as const) {
      ranked(list).forEach((s, rank) => expected.set(s, rank < held ? SPLIT.validation : rank < held + tested ? SPLIT.test : SPLIT.train));
    }
    expect(split(inputs, 0.25, 0.1, labels)).toEqual(inputs.map((s) => expected.get(s)));
  });

  it('with stratify, copies of one input are ranked in written order', () => {
    // one class of three copies: round(3 × 0.34) = 1 held out, the first written
    expect(split(['same', 'same', 'same'], 0.34, 0, new Int32Array(3))).toEqual([SPLIT.validation, SPLIT.train, SPLIT.train]);
    expect(split(['same', 'same', 'same'], 0.34, 0.34, new Int32Array(3))).toEqual([SPLIT.validation, SPLIT.test, SPLIT.train]);
  });
});

describe('the stand-in that keeps small datasets validated', () => {
  let found: { high: string[]; low: string[] } | null = null;
  /** inputs found inside the tests, not while vitest collects them */
  const inputs = () => (found ??= { high: inputsWhere((p) => p >= 0.3, 4), low: inputsWhere((p) => p < 0.2, 1, 'low') });

  it('two samples, neither below the share: the one of lower point is held out, the other trains', () => {
    const pair = inputs().high.slice(0, 2);
    const lower = point(pair[0]) < point(pair[1]) ? 0 : 1;
    const expected: number[] = [SPLIT.train, SPLIT.train];
    expected[lower] = SPLIT.validation;
    expect(split(pair, 0.2)).toEqual(expected);
    expect(split([...pair].reverse(), 0.2)).toEqual([...expected].reverse());
  });

  it('one sample is never held out', () => {
    expect(split(inputs().high.slice(0, 1), 0.2)).toEqual([SPLIT.train]);
    expect(split(inputs().high.slice(0, 1), 0.2, 0.1)).toEqual([SPLIT.train]);
  });

  it('two samples with validation and test shares: validation gets its stand-in, test none (one must train)', () => {
    const pair = inputs().high.slice(0, 2);
    const got = split(pair, 0.2, 0.1);
    expect(got.sort()).toEqual([SPLIT.train, SPLIT.validation]);
  });

  it('three samples: validation takes the lowest point, test the next', () => {
    const trio = inputs().high.slice(0, 3);
    const order = [0, 1, 2].sort((x, y) => point(trio[x]) - point(trio[y]));
    const expected = [0, 0, 0];
    expected[order[0]] = SPLIT.validation;
    expected[order[1]] = SPLIT.test;
    expect(split(trio, 0.2, 0.1)).toEqual(expected);
  });

  it('the test stand-in is a training sample even when the validation stand-in comes first', () => {
    const [a, b, c] = [...inputs().high.slice(0, 3)].sort((x, y) => point(x) - point(y));
    // the lowest point written second: it is validation's; test takes the next lowest, written first
    expect(split([b, a, c], 0.2, 0.1)).toEqual([SPLIT.test, SPLIT.validation, SPLIT.train]);
  });

  it('no stand-in once a sample falls in the split by its point', () => {
    const list = [...inputs().high.slice(0, 3), ...inputs().low];
    expect(split(list, 0.2)).toEqual([SPLIT.train, SPLIT.train, SPLIT.train, SPLIT.validation]);
  });

  it('no split at all when both shares are 0', () => {
    expect(split([...inputs().low, ...inputs().high], 0, 0)).toEqual([0, 0, 0, 0, 0]);
  });

  it('a compiled two-sample project validates on one sample and trains on the other', () => {
    const { plan, data } = compileFiles({});
    expect(plan!.datasets[0].split).toEqual({ train: 1, validation: 1, test: 0 });
    expect(Array.from(data!.datasets[0].split).sort()).toEqual([SPLIT.train, SPLIT.validation]);
  });
});

describe('validationCount, the average count the viewer shows', () => {
  it('is round(count × share), at least 1 and at most count − 1, 0 without a share or with one sample', () => {
    expect([validationCount(10, 0), validationCount(10, -1), validationCount(1, 0.5), validationCount(0, 0.5)]).toEqual([0, 0, 0, 0]);
    expect([validationCount(2, 0.1), validationCount(2, 0.9), validationCount(10, 0.25), validationCount(4, 0.5), validationCount(10, 0.99)]).toEqual([1, 1, 3, 2, 9]);
  });
});

describe('the examples training reads', () => {
  it('text: token ids as Int32Array, labels as Int32Array, no feature scaling', () => {
    const { plan, data } = compileFiles({});
    const prepared = prepareData(plan!, data);
    expect(prepared.scaling).toEqual({ features: null, targets: {} });
    const { train, validation, test } = prepared.heads[0];
    expect(train.inputs).toBeInstanceOf(Int32Array);
    expect(train.targets).toBeInstanceOf(Int32Array);
    expect([train.count, validation.count, test.count, train.inputWidth, train.targetWidth, train.mask]).toEqual([1, 1, 0, 8, 1, null]);
    const tokens = plan!.vocabulary.tokens;
    const decoded = [train, validation].map((e) => ({ words: [...e.inputs].filter((id) => id !== 0).map((id) => tokens[id]).join(' '), label: e.targets[0] }));
    expect(decoded.sort((x, y) => x.label - y.label)).toEqual([
      { words: 'the plot was awful', label: 0 },
      { words: 'a great movie', label: 1 },
    ]);
  });

  it('features: standardized with the training split only, as Float32Array; the test split is encoded but not fitted', () => {
    const samples = Array.from({ length: 30 }, (_, i) => ({ input: [i, 5], label: i % 2 }));
    const plan = makePlan({
      input: { type: 'features', features: 2 },
      layers: [{ name: 'hidden', type: 'dense', units: 3 }],
      heads: [{ name: 'kind', attach: 'hidden', task: 'classification', classes: ['a', 'b'] }],
      datasets: [{ name: 'points', head: 'kind', samples }],
      training: { validationSplit: 0.2, testSplit: 0.2, seed: SEED },
    });
    const data = planDataFromSamples(plan);
    const splits = Array.from(data.datasets[0].split);
    const trainValues = samples.filter((_, i) => splits[i] === SPLIT.train).map((s) => s.input[0]);
    const mean = trainValues.reduce((s, x) => s + x, 0) / trainValues.length;
    const { heads, scaling } = prepareData(plan, data);
    expect(scaling.features!.mean[0]).toBeCloseTo(mean, 5);
    const { train, validation, test } = heads[0];
    expect(train.inputs).toBeInstanceOf(Float32Array);
    expect([train.count, validation.count, test.count]).toEqual([0, 1, 2].map((s) => splits.filter((x) => x === s).length));
    expect(test.count).toBeGreaterThan(0);
    const firstTest = samples.find((_, i) => splits[i] === SPLIT.test)!;
    expect(test.inputs[0]).toBeCloseTo((firstTest.input[0] - mean) / scaling.features!.std[0], 4);
    expect(Array.from(test.targets)).toEqual(samples.filter((_, i) => splits[i] === SPLIT.test).map((s) => s.label));
  });

  it('regression targets are scaled per head, vectors of the head width', () => {
    const samples = Array.from({ length: 12 }, (_, i) => ({ input: [i], target: [i * 2, 10] }));
    const plan = makePlan({
      input: { type: 'features', features: 1 },
      layers: [{ name: 'hidden', type: 'dense', units: 3 }],
      heads: [{ name: 'value', attach: 'hidden', task: 'regression', units: 2 }],
      datasets: [{ name: 'line', head: 'value', samples }],
      training: { validationSplit: 0.25, seed: SEED },
    });
    const data = planDataFromSamples(plan);
    expect(data.datasets[0].labels).toBeNull();
    expect(Array.from(data.datasets[0].targets!.subarray(0, 4))).toEqual([0, 10, 2, 10]);
    expect(data.datasets[0].preview).toEqual(samples.slice(0, 5));
    const { heads, scaling } = prepareData(plan, data);
    expect(heads[0].train.targetWidth).toBe(2);
    expect(heads[0].train.targets).toBeInstanceOf(Float32Array);
    expect(heads[0].train.targets.length).toBe(heads[0].train.count * 2);
    expect(Object.keys(scaling.targets)).toEqual(['value']);
    const trainTargets = samples.filter((_, i) => data.datasets[0].split[i] === SPLIT.train).map((s) => s.target[0]);
    expect(scaling.targets.value.mean[0]).toBeCloseTo(trainTargets.reduce((s, x) => s + x, 0) / trainTargets.length, 5);
  });

  it('samples of a dataset whose head the plan lacks are left out; a head without samples gets empty examples', () => {
    const plan = makePlan({
      input: { type: 'features', features: 1 },
      layers: [{ name: 'hidden', type: 'dense', units: 3 }],
      heads: [{ name: 'kind', attach: 'hidden', task: 'classification', classes: ['a', 'b'] }],
      datasets: [{ name: 'stray', head: 'nobody', samples: [{ input: [1], label: 0 }, { input: [2], label: 1 }] }],
    });
    const { heads } = prepareData(plan);
    expect([heads[0].train.count, heads[0].validation.count, heads[0].test.count]).toEqual([0, 0, 0]);
    expect(heads[0].train.inputs).toHaveLength(0);
  });

  it('generation: <bos> prompt <sep> target <eos> as Int32Array inputs and next tokens, loss on the target only', () => {
    const plan = makePlan({
      input: { type: 'text', maxLength: 8 },
      tokens: ['capital', 'of', 'france', 'paris', 'rome', 'italy'],
      layers: [{ name: 'embed', type: 'embedding', units: 4 }, { name: 'encoder', type: 'lstm', units: 4, returnSequences: true }],
      heads: [{ name: 'answer', attach: 'encoder', task: 'generation' }],
      datasets: [{ name: 'qa', head: 'answer', samples: [{ prompt: 'capital of france', target: 'paris' }, { prompt: 'capital of italy', target: 'rome' }] }],
      training: { validationSplit: 0 },
    });
    const data = planDataFromSamples(plan);
    expect([data.datasets[0].features, data.datasets[0].labels, data.datasets[0].targets]).toEqual([null, null, null]);
    expect(Array.from(data.datasets[0].tokens!.ids)).toEqual([5, 6, 7, 5, 6, 10]);
    expect(Array.from(data.datasets[0].targetTokens!.offsets)).toEqual([0, 1, 2]);
    const { train } = prepareData(plan, data).heads[0];
    expect(train.count).toBe(2);
    expect(train.inputs).toBeInstanceOf(Int32Array);
    expect(train.targets).toBeInstanceOf(Int32Array);
    expect([train.inputWidth, train.targetWidth]).toEqual([8, 8]);
    expect(Array.from(train.inputs.subarray(0, 8))).toEqual([2, 5, 6, 7, 3, 8, 4, 0]);
    expect(Array.from(train.targets.subarray(0, 8))).toEqual([5, 6, 7, 3, 8, 4, 0, 0]);
    expect(Array.from(train.mask!.subarray(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(train.inputs.subarray(8, 16))).toEqual([2, 5, 6, 10, 3, 9, 4, 0]);
  });

  it('a text plan that holds its samples: token ids from its vocabulary, no features', () => {
    const plan = makePlan({
      input: { type: 'text', maxLength: 4 },
      tokens: ['good', 'bad', 'film'],
      layers: [{ name: 'embed', type: 'embedding', units: 4 }, { name: 'pool', type: 'pool', mode: 'mean' }],
      heads: [{ name: 'kind', attach: 'pool', task: 'classification', classes: ['a', 'b'] }],
      datasets: [{ name: 'reviews', head: 'kind', samples: [{ input: 'good film', label: 1 }, { input: 'bad', label: 0 }, { input: 'odd film', label: 1 }] }],
      training: { validationSplit: 0 },
    });
    const data = planDataFromSamples(plan);
    expect(data.datasets[0].features).toBeNull();
    expect(Array.from(data.datasets[0].tokens!.ids)).toEqual([5, 7, 6, 1, 7]);
    expect(Array.from(data.datasets[0].tokens!.offsets)).toEqual([0, 2, 3, 5]);
    expect(Array.from(data.datasets[0].labels!)).toEqual([1, 0, 1]);
    expect(Array.from(data.datasets[0].split)).toEqual([0, 0, 0]);
    const { train } = prepareData(plan, data).heads[0];
    expect(Array.from(train.inputs)).toEqual([0, 0, 5, 7, 0, 0, 0, 6, 0, 0, 1, 7]);
    expect(Array.from(train.targets)).toEqual([1, 0, 1]);
  });

  it('stratify comes from the plan: an even split of each class', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ input: [i], label: i < 10 ? 0 : 1 }));
    const spec = (stratify: boolean) =>
      makePlan({
        input: { type: 'features', features: 1 },
        layers: [{ name: 'hidden', type: 'dense', units: 2 }],
        heads: [{ name: 'kind', attach: 'hidden', task: 'classification', classes: ['a', 'b'] }],
        datasets: [{ name: 'points', head: 'kind', samples }],
        training: { validationSplit: 0.3, stratify, seed: SEED },
      });
    const held = (plan: ReturnType<typeof spec>) => {
      const split = planDataFromSamples(plan).datasets[0].split;
      return [0, 1].map((label) => samples.filter((s, i) => s.label === label && split[i] === SPLIT.validation).length);
    };
    expect(held(spec(true))).toEqual([3, 3]);
    const keys = Float64Array.from(samples, (s) => contentKey(s.input));
    const plain = assignSplits(keys, SEED, { validation: 0.3, test: 0, stratify: false }, null);
    expect(held(spec(false))).toEqual([0, 1].map((label) => samples.filter((s, i) => s.label === label && plain[i] === SPLIT.validation).length));
  });
});
