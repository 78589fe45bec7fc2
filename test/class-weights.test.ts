// classWeights: balanced on an imbalanced fixture raises the minority class's
// recall on held-out samples, and validation loss stays unweighted.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/compiler/plan.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel, registerNncLayers } from '../src/runtime/emit/index.js';
import type { ClassificationReport } from '../src/runtime/metrics/classification.js';
import { scoreExamples } from '../src/runtime/metrics/score.js';
import { headModel } from '../src/runtime/emit/build.js';
import { prepareData } from '../src/runtime/train/examples.js';
import { train } from '../src/runtime/train/index.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
  registerNncLayers(tf);
});

/** About one sample in eight is 'rare', more likely the larger x0: the classes overlap, so an unweighted model says 'rare' only where it is the likelier. */
function imbalanced(count: number, seed: number): { input: number[]; label: number }[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const input = [random(), random()];
    const p = 1 / (1 + Math.exp(-10 * (input[0] - 0.85)));
    return { input, label: random() < p ? 1 : 0 };
  });
}

function plan(): Plan {
  return makePlan({
    input: { type: 'features', features: 2 },
    layers: [{ name: 'hidden', type: 'dense', units: 8, activation: 'relu' }],
    heads: [{ name: 'kind', attach: 'hidden', task: 'classification', classes: ['common', 'rare'] }],
    datasets: [{ name: 'points', head: 'kind', samples: imbalanced(600, 11) }],
    training: { epochs: 12, batchSize: 32, learningRate: 0.03, validationSplit: 0.5 },
  });
}

async function minorityRecall(weighted: Plan): Promise<{ recall: number; valLoss: number }> {
  const model = buildModel(tf, weighted);
  try {
    const data = prepareData(weighted);
    const result = await train({ tf, plan: weighted, model, data });
    const head = weighted.heads[0];
    const scored = await scoreExamples(tf, { head, model: headModel(tf, model, head.name) }, data.heads[0].validation);
    return { recall: (scored!.report as ClassificationReport).per_class[1].recall, valLoss: result.final['kind.val_loss'] };
  } finally {
    model.dispose();
  }
}

describe('class weights', () => {
  it("'balanced' raises the minority class's recall", async () => {
    const base = plan();
    const data = prepareData(base);
    const labels = data.heads[0].train.targets;
    const counts = [0, 0];
    for (const label of labels) counts[label]++;
    expect(counts[1] / labels.length).toBeLessThan(0.2); // imbalanced
    const balanced = counts.map((n) => labels.length / (2 * n));
    const withWeights: Plan = { ...base, heads: [{ ...base.heads[0], classWeights: balanced }] };

    const plain = await minorityRecall(base);
    const weighted = await minorityRecall(withWeights);
    expect(weighted.recall).toBeGreaterThan(plain.recall + 0.2);
    // validation loss is the unweighted log loss in both
    expect(Number.isFinite(plain.valLoss) && Number.isFinite(weighted.valLoss)).toBe(true);
  });
});
