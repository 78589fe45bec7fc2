// The loop's mechanics: schedules, clipping, determinism, tensor hygiene,
// early stopping, stop requests, snapshots.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/compiler/plan.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel } from '../src/runtime/emit/index.js';
import type { Snapshot } from '../src/runtime/store/types.js';
import { train, type EpochSummary, type TrainStats } from '../src/runtime/train/index.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { learningRateAt } from '../src/runtime/train/schedule.js';
import { makePlan, type PlanSpec } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

function points(count: number, seed: number): { input: number[]; label: number }[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const input = [random(), random(), random()];
    return { input, label: input[0] + input[1] > 1 ? 1 : 0 };
  });
}

function tinyPlan(training: PlanSpec['training'] = {}, extra: Partial<PlanSpec> = {}): Plan {
  return makePlan({
    input: { type: 'features', features: 3 },
    layers: [
      { name: 'hidden', type: 'dense', units: 8, activation: 'relu' },
      { name: 'drop', type: 'dropout', rate: 0.2 },
    ],
    heads: [{ name: 'label', attach: 'drop', task: 'classification', classes: ['no', 'yes'] }],
    datasets: [{ name: 'points', head: 'label', samples: points(40, 3) }],
    training: { epochs: 3, batchSize: 8, ...training },
    ...extra,
  });
}

const weightsOf = (model: tfjs.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

describe('learning-rate schedules', () => {
  const base = tinyPlan().project.training;
  it('keeps, steps, decays and anneals the rate per epoch', () => {
    expect(learningRateAt({ ...base, learningRate: 0.1 }, 7, 10)).toBe(0.1);
    const step = { ...base, learningRate: 0.1, schedule: { type: 'step', every: 3, factor: 0.5 } } as const;
    expect([0, 2, 3, 5, 6].map((e) => learningRateAt(step, e, 10))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const exponential = { ...base, learningRate: 0.1, schedule: { type: 'exponential', rate: 0.9 } } as const;
    expect(learningRateAt(exponential, 2, 10)).toBeCloseTo(0.081, 10);
    const cosine = { ...base, learningRate: 0.1, schedule: { type: 'cosine', minLearningRate: 0.001 } } as const;
    expect(learningRateAt(cosine, 0, 11)).toBeCloseTo(0.1, 10);
    expect(learningRateAt(cosine, 5, 11)).toBeCloseTo(0.0505, 10);
    expect(learningRateAt(cosine, 10, 11)).toBeCloseTo(0.001, 10);
  });

  it('sets the optimizer rate each epoch', async () => {
    const plan = tinyPlan({ epochs: 3, optimizer: 'sgd', learningRate: 0.1, schedule: { type: 'step', every: 1, factor: 0.5 } });
    const model = buildModel(tf, plan);
    const rates: number[] = [];
    await train({ tf, plan, model, events: { onEpoch: (e) => void rates.push(e.metrics.lr) } });
    expect(rates).toEqual([0.1, 0.05, 0.025]);
    model.dispose();
  });
});

describe('gradient clipping', () => {
  async function oneStepChange(clipNorm: number | null) {
    const plan = tinyPlan({ epochs: 1, batchSize: 64, optimizer: 'sgd', learningRate: 1, clipNorm, validationSplit: 0 }, {
      layers: [{ name: 'hidden', type: 'dense', units: 8, activation: 'relu' }],
      heads: [{ name: 'label', attach: 'hidden', task: 'classification', classes: ['no', 'yes'] }],
    });
    const model = buildModel(tf, plan);
    const before = weightsOf(model);
    const result = await train({ tf, plan, model, statsEvery: 1 });
    const after = weightsOf(model);
    const change = Math.sqrt(before.flatMap((w, i) => w.map((v, j) => (after[i][j] - v) ** 2)).reduce((s, x) => s + x, 0));
    model.dispose();
    return { change, result };
  }

  it('scales the global gradient norm down to clipNorm and counts the clipped steps', async () => {
    const free = await oneStepChange(null);
    expect(free.result.steps).toBe(1);
    expect(free.change).toBeGreaterThan(0.05);
    const clipped = await oneStepChange(0.01);
    expect(clipped.change).toBeCloseTo(0.01, 5); // sgd, rate 1: the step is the clipped gradient
    expect(clipped.result.clippedSteps).toBe(1);
    const loose = await oneStepChange(1000);
    expect(loose.change).toBeCloseTo(free.change, 5);
    expect(loose.result.clippedSteps).toBe(0);
  });
});

describe('determinism and tensor hygiene', () => {
  it('trains the same plan twice to the same losses and weights', async () => {
    const plan = tinyPlan({ epochs: 3 });
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const model = buildModel(tf, plan);
      const epochs: EpochSummary[] = [];
      await train({ tf, plan, model, events: { onEpoch: (e) => void epochs.push(e) } });
      runs.push({ losses: epochs.map((e) => [e.metrics.loss, e.metrics.val_loss]), weights: weightsOf(model) });
      model.dispose();
    }
    expect(runs[1].losses).toEqual(runs[0].losses);
    expect(runs[1].weights).toEqual(runs[0].weights);
    const reseeded = tinyPlan({ epochs: 3, seed: 7 });
    const model = buildModel(tf, reseeded);
    const epochs: EpochSummary[] = [];
    await train({ tf, plan: reseeded, model, events: { onEpoch: (e) => void epochs.push(e) } });
    expect(epochs.map((e) => [e.metrics.loss, e.metrics.val_loss])).not.toEqual(runs[0].losses);
    model.dispose();
  });

  it('holds the same number of tensors after step 1 and after step 1,000, and frees its own at the end', async () => {
    const samples = points(40, 5);
    const plan = makePlan({
      input: { type: 'features', features: 3 },
      layers: [
        { name: 'hidden', type: 'dense', units: 6, activation: 'relu' },
        { name: 'norm', type: 'layernorm' },
        { name: 'drop', type: 'dropout', rate: 0.1 },
      ],
      heads: [
        { name: 'label', attach: 'drop', task: 'classification', classes: ['no', 'yes'] },
        { name: 'sum', attach: 'drop', task: 'regression', units: 1 },
      ],
      datasets: [
        { name: 'points', head: 'label', samples },
        { name: 'sums', head: 'sum', samples: samples.map((s) => ({ input: s.input, target: [s.input[0] + s.input[1]] })) },
      ],
      training: { epochs: 60, batchSize: 4, clipNorm: 0.5, validationSplit: 0.1 },
      weightsEvery: 7,
    });
    const model = buildModel(tf, plan);
    const before = tf.memory().numTensors;
    const counts = new Map<number, number>();
    let snapshots = 0;
    const result = await train({
      tf,
      plan,
      model,
      statsEvery: 1,
      events: {
        onStats: (s: TrainStats) => void counts.set(s.step, s.memory.numTensors),
        onSnapshot: () => void snapshots++,
      },
    });
    expect(result.steps).toBeGreaterThanOrEqual(1000);
    expect(counts.get(1000)).toBe(counts.get(1));
    expect(counts.get(result.steps)).toBe(counts.get(1));
    expect(snapshots).toBeGreaterThan(100);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('ending a run', () => {
  it('stops early when the monitored metric stops improving', async () => {
    const plan = tinyPlan({ epochs: 20, learningRate: 0, earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 2 } });
    const model = buildModel(tf, plan);
    const result = await train({ tf, plan, model });
    expect(result.stoppedEarly).toBe(true);
    expect(result.status).toBe('completed');
    expect(result.epochs).toBe(3); // epoch 1 sets the best, 2 and 3 do not improve on it
    model.dispose();
  });

  it('ends after the current batch on a stop request, with a checkpoint', async () => {
    const plan = tinyPlan({ epochs: 50 });
    const model = buildModel(tf, plan);
    const controller = new AbortController();
    const checkpoints: number[] = [];
    const result = await train({
      tf,
      plan,
      model,
      signal: controller.signal,
      statsEvery: 1,
      events: {
        onStats: (s) => s.step === 9 && controller.abort(),
        onCheckpoint: async ({ epoch }) => void checkpoints.push(epoch),
      },
    });
    expect(result.status).toBe('stopped');
    expect(result.steps).toBe(9);
    expect(result.epochs).toBe(2); // 4 batches per epoch: step 9 is in epoch 3
    expect(checkpoints).toEqual([1, 2, 3]);
    model.dispose();
  });

  it('takes weight snapshots every weightsEvery batches, with gradient norms', async () => {
    const plan = tinyPlan({ epochs: 3, batchSize: 10, validationSplit: 0 }, { weightsEvery: 5 }); // 4 batches per epoch (all 40 samples train: a split's size follows from its samples' hashes), 12 steps
    const model = buildModel(tf, plan);
    const snapshots: Snapshot[] = [];
    await train({ tf, plan, model, events: { onSnapshot: (s) => void snapshots.push(s) } });
    expect(snapshots.map((s) => [s.step, s.epoch])).toEqual([[5, 2], [10, 3], [12, 3]]);
    const kernel = snapshots[0].tensors.find((t) => t.name === 'hidden/kernel')!;
    expect(kernel.shape).toEqual([3, 8]);
    expect(kernel.layer).toBe('hidden');
    expect(kernel.histogram).toHaveLength(20);
    expect(kernel.histogram.reduce((s, x) => s + x, 0)).toBe(24);
    expect(kernel.min).toBeLessThanOrEqual(kernel.mean);
    expect(kernel.gradNorm).toBeGreaterThan(0);
    expect(snapshots[0].tensors.map((t) => t.name)).toEqual(['hidden/kernel', 'hidden/bias', 'label/kernel', 'label/bias']);
    // the last snapshot, between two snapshot steps, carries gradient norms too (measured on the last batch)
    expect(snapshots[2].tensors.every((t) => t.gradNorm !== null && t.gradNorm > 0)).toBe(true);
    model.dispose();
  });
});
