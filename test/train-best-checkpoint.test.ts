// Best and last checkpoints through the run session with a real store: a run
// whose best epoch is not its last keeps the best as its model (predict uses
// it, and it reproduces the reported best validation loss), the last with the
// optimizer's state, and `--resume` continues from there as if never stopped.
import type * as tfjs from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/compiler/plan.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { registerNncLayers } from '../src/runtime/emit/index.js';
import { loadRun } from '../src/runtime/predict/load.js';
import { checkpointHandler, lastCheckpointDir, resolveCheckpoint } from '../src/runtime/store/checkpoint.js';
import { createRunStore } from '../src/runtime/store/store.js';
import type { RunRecord, RunStore } from '../src/runtime/store/types.js';
import { evaluateHead } from '../src/runtime/train/evaluate.js';
import { prepareData } from '../src/runtime/train/examples.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { createHeadRunner } from '../src/runtime/train/step.js';
import type { DriverEvent } from '../src/runtime/watch/driver.js';
import { loadResume, runSession, type SessionContext } from '../src/runtime/session/run-session.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
let backend: string;
const root = mkdtempSync(join(tmpdir(), 'nnc-best-'));
beforeAll(async () => {
  ({ tf, backend } = await loadTf());
  registerNncLayers(tf);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Labels independent of the inputs: the model memorizes the training split, so validation loss rises after the first epochs. */
function noise(count: number, seed: number): { input: number[]; label: number }[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => ({ input: [random(), random(), random(), random()], label: random() < 0.5 ? 1 : 0 }));
}

function plan(training: Parameters<typeof makePlan>[0]['training'] = {}): Plan {
  return makePlan({
    input: { type: 'features', features: 4 },
    layers: [{ name: 'hidden', type: 'dense', units: 64, activation: 'relu' }],
    heads: [{ name: 'label', attach: 'hidden', task: 'classification', classes: ['no', 'yes'] }],
    datasets: [{ name: 'noise', head: 'label', samples: noise(60, 7) }],
    training: { epochs: 25, batchSize: 8, learningRate: 0.03, validationSplit: 0.3, ...training },
  });
}

async function session(store: RunStore, request: Parameters<typeof runSession>[1], stopAtStep?: number): Promise<RunRecord> {
  const ctx: SessionContext = { tf, backend, store, projectDir: root, last: null };
  const controller = new AbortController();
  let ended: RunRecord | null = null;
  await runSession(ctx, request, {
    signal: controller.signal,
    stopStatus: () => 'stopped',
    post: (event: DriverEvent) => {
      if (event.type === 'stats' && stopAtStep !== undefined && event.stats.step >= stopAtStep) controller.abort();
      if (event.type === 'run_ended') ended = event.run;
    },
  });
  ctx.last?.model.dispose();
  return ended!;
}

const weights = (model: tfjs.LayersModel) => model.weights.flatMap((w) => Array.from(w.read().dataSync()));

describe('the best checkpoint', () => {
  it('is the epoch with the lowest val_loss, reproduces it on the validation split, and is what predict loads', async () => {
    const store = createRunStore(join(root, 'best'));
    const trained = plan();
    const run = await session(store, { plan: trained, parentId: null, source: 'train' });
    expect(run.status).toBe('completed');
    const bestEpoch = run.info.bestEpoch as number;
    expect(bestEpoch).toBeLessThan(25); // a run whose best epoch is not its last
    expect(run.info.checkpoint).toEqual({ monitor: 'val_loss', mode: 'min', value: run.best.val_loss });
    const curve = store.metrics(run.id, ['val_loss']);
    expect(curve).toHaveLength(25);
    expect(Math.min(...curve.map((p) => p.value))).toBeCloseTo(run.best.val_loss, 6);
    expect(curve.find((p) => p.value === Math.min(...curve.map((q) => q.value)))!.epoch).toBe(bestEpoch);
    expect(curve.at(-1)!.value).toBeGreaterThan(run.best.val_loss + 0.01);

    // the stored best checkpoint, evaluated on the validation split through the runtime
    const best = await resolveCheckpoint(store.runDir(run.id), 'best');
    expect(best).toMatchObject({ which: 'best', dir: store.runDir(run.id), best: { epoch: bestEpoch, monitor: 'val_loss', mode: 'min' } });
    const model = await tf.loadLayersModel(checkpointHandler(best!.dir));
    const data = prepareData(trained);
    const runner = createHeadRunner(tf, model, data.heads[0], null);
    const validated = await evaluateHead(tf, runner, data.heads[0].validation);
    expect(Math.abs(validated!.loss - run.best.val_loss)).toBeLessThan(1e-5);

    // the last checkpoint is the last epoch, with a different (worse) validation loss
    const last = await tf.loadLayersModel(checkpointHandler(lastCheckpointDir(store.runDir(run.id))));
    const lastLoss = (await evaluateHead(tf, createHeadRunner(tf, last, data.heads[0], null), data.heads[0].validation))!.loss;
    expect(Math.abs(lastLoss - curve.at(-1)!.value)).toBeLessThan(1e-5);

    // predict and export load the best unless asked for the last
    const loaded = await loadRun(tf, store, run);
    expect(typeof loaded).not.toBe('string');
    if (typeof loaded === 'string') return;
    expect(loaded.checkpoint.which).toBe('best');
    expect(weights(loaded.model)).toEqual(weights(model));
    const lastLoaded = await loadRun(tf, store, run, 'last');
    if (typeof lastLoaded === 'string') throw new Error(lastLoaded);
    expect(weights(lastLoaded.model)).toEqual(weights(last));
    expect(weights(lastLoaded.model)).not.toEqual(weights(model));
    for (const m of [model, last, loaded.model, lastLoaded.model]) m.dispose();
    store.close();
  }, 120_000);

  it('follows the metric and mode training.checkpoint names', async () => {
    const store = createRunStore(join(root, 'accuracy'));
    const run = await session(store, { plan: plan({ epochs: 6, checkpoint: { monitor: 'label.val_accuracy', mode: 'max' } }), parentId: null, source: 'train' });
    const curve = store.metrics(run.id, ['label.val_accuracy']);
    const top = Math.max(...curve.map((p) => p.value));
    expect(run.info.checkpoint).toEqual({ monitor: 'label.val_accuracy', mode: 'max', value: top });
    expect(run.info.bestEpoch).toBe(curve.find((p) => p.value === top)!.epoch); // the first epoch that reached it
    store.close();
  }, 60_000);
});

describe('resuming a stopped run', () => {
  it('continues from the last checkpoint with the optimizer state and epoch count, to the weights of an uninterrupted run', async () => {
    const trained = plan({ epochs: 5, batchSize: 6 }); // about 42 training samples: 7 or 8 batches per epoch
    const store = createRunStore(join(root, 'resume'));
    const straight = await session(store, { plan: trained, parentId: null, source: 'train' });
    const perEpoch = (straight.info.steps as number) / 5;
    expect(20 % perEpoch).toBeGreaterThan(0);
    const stopped = await session(store, { plan: trained, parentId: null, source: 'train' }, 20); // stats every 10 steps: a stop at step 20, mid-epoch
    expect(stopped.status).toBe('stopped');
    const finished = Math.floor(20 / perEpoch);
    expect(stopped.info).toMatchObject({ epochs: finished, steps: 20 });

    const resume = await loadResume(store, stopped.id);
    if (typeof resume === 'string') throw new Error(resume);
    expect(resume.state).toMatchObject({ epoch: finished, step: 20, batchesDone: 20 % perEpoch });
    expect(resume.state.optimizer.className).toBe('Adam');
    const resumed = await session(store, { plan: trained, parentId: stopped.id, source: 'train', resume });
    expect(resumed).toMatchObject({ status: 'completed', parentId: stopped.id });
    expect(resumed.info).toMatchObject({ resumedFrom: stopped.id, startEpoch: finished, epochs: 5, steps: straight.info.steps });
    // epochs continue: the resumed run's metrics are those after the stopped run's
    expect(store.metrics(resumed.id, ['val_loss']).map((p) => p.epoch)).toEqual([3, 4, 5].slice(finished - 2));

    const load = async (run: RunRecord) => tf.loadLayersModel(checkpointHandler(lastCheckpointDir(store.runDir(run.id))));
    const [a, b] = [await load(straight), await load(resumed)];
    const [wa, wb] = [weights(a), weights(b)];
    expect(wb.length).toBe(wa.length);
    expect(Math.max(...wa.map((v, i) => Math.abs(v - wb[i])))).toBeLessThan(1e-4);
    // the best over the whole trajectory, epochs of the stopped run included
    expect(resumed.info.bestEpoch).toBe(straight.info.bestEpoch);
    expect(resumed.best.val_loss).toBeCloseTo(straight.best.val_loss, 5);
    a.dispose();
    b.dispose();
    store.close();
  }, 120_000);

  it('refuses a run without a saved training state', async () => {
    const store = createRunStore(join(root, 'none'));
    const run = store.createRun({ planHash: 'p', modelHash: 'm', gitCommit: null, gitDirty: false, backend, plan: {} });
    store.endRun(run.id, 'stopped');
    expect(await loadResume(store, run.id)).toMatch(/saved no checkpoint, so there is nothing to resume/);
    store.close();
  });
});
