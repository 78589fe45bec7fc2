// Training's monitoring output: resource figures at every stats tick, gradient
// norms on the run's last snapshot, and the logged validation samples.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel, headModel } from '../src/runtime/emit/index.js';
import { generate } from '../src/runtime/predict/generate.js';
import { createPredictor } from '../src/runtime/predict/predict.js';
import type { LogEntry, Snapshot } from '../src/runtime/store/types.js';
import { train, type TrainStats } from '../src/runtime/train/index.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { resourcePoints } from '../src/runtime/train/resources.js';
import type { SampleEntry } from '../src/runtime/train/sample-log.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

function points(count: number, seed: number) {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const input = [random(), random(), random()];
    return { input, label: input[0] + input[1] > 1 ? 1 : 0 };
  });
}

function twoHeads(weightsEvery: number, samples?: number) {
  const plan = makePlan({
    input: { type: 'features', features: 3 },
    layers: [{ name: 'hidden', type: 'dense', units: 8, activation: 'relu' }],
    heads: [
      { name: 'label', attach: 'hidden', task: 'classification', classes: ['no', 'yes'] },
      { name: 'sum', attach: 'hidden', task: 'regression', loss: 'mse', units: 1 },
    ],
    datasets: [
      { name: 'points', head: 'label', samples: points(40, 3) },
      { name: 'sums', head: 'sum', samples: points(30, 4).map((p) => ({ input: p.input, target: [p.input[0] + p.input[1] + p.input[2]] })) },
    ],
    training: { epochs: 2, batchSize: 8 },
    weightsEvery,
  });
  return samples === undefined ? plan : { ...plan, project: { ...plan.project, monitor: { ...plan.project.monitor, samples } } };
}

async function record(plan: ReturnType<typeof makePlan>, statsEvery = 2) {
  const model = buildModel(tf, plan);
  const stats: TrainStats[] = [];
  const snapshots: Snapshot[] = [];
  const logs: LogEntry[] = [];
  const result = await train({ tf, plan, model, statsEvery, events: { onStats: (s) => stats.push(s), onSnapshot: (s) => snapshots.push(s), onLog: (l) => logs.push(l) } });
  return { model, stats, snapshots, logs, result };
}

const samplesOf = (logs: readonly LogEntry[]) => logs.filter((l) => l.category === 'samples').map((l) => JSON.parse(l.message) as SampleEntry);

describe('resource figures', () => {
  it('come with every stats tick and become the sys.* series', async () => {
    const { model, stats } = await record(twoHeads(1000));
    expect(stats.length).toBeGreaterThan(3);
    for (const s of stats) {
      expect(s.resources!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(s.resources!.heapUsedBytes).toBeGreaterThan(1024 * 1024);
      expect(s.resources!.heapUsedBytes).toBeLessThan(s.resources!.rssBytes);
      expect(s.resources!.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.memory.numTensors).toBeGreaterThan(0);
      expect(s.samplesPerSecond).toBeGreaterThan(0);
    }
    // training is CPU-bound: some tick sees real CPU time
    expect(Math.max(...stats.map((s) => s.resources!.cpuPercent))).toBeGreaterThan(5);
    const last = stats[stats.length - 1];
    const byName = Object.fromEntries(resourcePoints(last).map((p) => [p.name, p.value]));
    expect(byName).toEqual({
      'sys.tensors': last.memory.numTensors,
      'sys.tensor_bytes': last.memory.numBytes,
      'sys.samples_per_second': last.samplesPerSecond,
      'sys.cpu_percent': last.resources!.cpuPercent,
      'sys.rss': last.resources!.rssBytes,
      'sys.heap_used': last.resources!.heapUsedBytes,
    });
    expect(resourcePoints(last).every((p) => p.step === last.step && p.epoch === last.epoch)).toBe(true);
    model.dispose();
  });
});

describe('the last snapshot', () => {
  it('carries a gradient norm for every trainable weight, like the others, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    // 7 batches per epoch, 14 steps: snapshots at 5 and 10, then the last at 14, between two snapshot steps
    const { model, snapshots, result } = await record(twoHeads(5, 0));
    expect(result.steps).toBe(14);
    expect(snapshots.map((s) => s.step)).toEqual([5, 10, 14]);
    const last = snapshots[snapshots.length - 1];
    const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
    for (const t of last.tensors) {
      if (!trainable.has(t.name)) continue;
      expect(t.gradNorm, t.name).not.toBeNull();
      expect(t.gradNorm!).toBeGreaterThan(0);
      expect(Number.isFinite(t.gradNorm!)).toBe(true);
    }
    // both heads' weights have norms: the probe covers every head, not only the last batch's
    expect(last.tensors.filter((t) => t.gradNorm !== null).map((t) => t.layer)).toEqual(expect.arrayContaining(['hidden', 'label', 'sum']));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sample logging', () => {
  it('logs the same validation samples at every snapshot, with what predict says', async () => {
    const plan = twoHeads(5, 3);
    const { model, logs, result } = await record(plan);
    const entries = samplesOf(logs);
    const steps = [...new Set(entries.map((e) => e.step))];
    expect(steps).toEqual([5, 10, 14]);
    for (const step of steps) {
      const at = entries.filter((e) => e.step === step);
      // heads in turn: label, sum, label
      expect(at.map((e) => [e.sample, e.head])).toEqual([[1, 'label'], [2, 'sum'], [3, 'label']]);
    }
    // the same inputs all run long
    const first = entries.filter((e) => e.step === 5);
    const last = entries.filter((e) => e.step === 14);
    expect(last.map((e) => e.input)).toEqual(first.map((e) => e.input));
    expect(last.map((e) => e.expected)).toEqual(first.map((e) => e.expected));
    const label = last[0];
    expect(['no', 'yes']).toContain(label.expected);
    expect((label.input as number[]).length).toBe(3);
    expect(label.output).toMatchObject({ class: expect.stringMatching(/^(no|yes)$/), probability: expect.any(Number) });
    expect((label.output as { probability: number }).probability).toBeGreaterThanOrEqual(0.5);
    // what nnc predict says for the same input (logged to 4 significant digits)
    const [predicted] = await createPredictor(tf, model, plan, plan.heads[0], result.scaling).predict([label.input as number[]]);
    const p = predicted as { class: string; probabilities: Record<string, number> };
    expect(label.output).toEqual({ class: p.class, probability: expect.closeTo(p.probabilities[p.class], 2) });
    // the regression sample: its expected value is the sum of its (unstandardized) inputs
    const sum = last[1];
    expect(sum.expected as number).toBeCloseTo((sum.input as number[]).reduce((a, b) => a + b, 0), 3);
    expect(typeof (sum.output as { value: number }).value).toBe('number');
    expect(logs.filter((l) => l.category === 'samples').every((l) => !l.spam && l.level === 'info')).toBe(true);
    expect(logs.some((l) => l.message.includes('Logging 3 validation samples') && l.message.includes('monitor.samples: 3'))).toBe(true);
    model.dispose();
  });

  it('monitor.samples: 0 turns it off; the default is said', async () => {
    const off = await record(twoHeads(5, 0));
    expect(samplesOf(off.logs)).toEqual([]);
    off.model.dispose();
    const byDefault = await record(twoHeads(5));
    expect(new Set(samplesOf(byDefault.logs).map((e) => e.sample)).size).toBe(3);
    expect(byDefault.logs.some((l) => l.message.includes('monitor.samples: 3, the default'))).toBe(true);
    byDefault.model.dispose();
  });

  it("shows a generation head's answers as generate() gives them", async () => {
    const pairs = [
      ['what is the capital of france', 'paris'],
      ['what is the capital of spain', 'madrid'],
      ['what is two plus two', 'four'],
      ['who wrote hamlet', 'william shakespeare'],
      ['what is the capital of italy', 'rome'],
      ['who wrote faust', 'goethe'],
    ];
    const words = [...new Set(pairs.flatMap(([q, a]) => `${q} ${a}`.split(' ')))];
    const plan = makePlan({
      input: { type: 'text', maxLength: 10 },
      tokens: words,
      layers: [
        { name: 'embed', type: 'embedding', units: 8 },
        { name: 'encoder', type: 'gru', units: 16, returnSequences: true },
      ],
      heads: [{ name: 'answer', attach: 'encoder', task: 'generation' }],
      datasets: [{ name: 'qa', head: 'answer', samples: pairs.map(([prompt, target]) => ({ prompt, target })) }],
      training: { epochs: 6, batchSize: 2, learningRate: 0.03, validationSplit: 0.4 },
      weightsEvery: 4,
    });
    const { model, logs } = await record(plan);
    const entries = samplesOf(logs);
    expect(entries.length).toBeGreaterThan(2);
    const lastStep = Math.max(...entries.map((e) => e.step));
    const head = headModel(tf, model, 'answer');
    for (const e of entries.filter((x) => x.step === lastStep)) {
      const pair = pairs.find(([q]) => q === e.input);
      expect(pair, `input '${String(e.input)}' is one of the prompts`).toBeDefined();
      expect(e.expected).toBe(pair![1]);
      expect(e.output).toEqual({ text: (await generate(tf, head, plan, pair![0])).text });
    }
    model.dispose();
  });
});
