// Checkpoints: a real tf.sequential saved with checkpointHandler and loaded back
// with tf.loadLayersModel; a save interrupted at each stage leaves a loadable,
// consistent checkpoint; and a training process killed with SIGKILL.
import * as tf from '@tensorflow/tfjs';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointHandler, hasCheckpoint, readCheckpointPlan, writeCheckpointExtras } from '../src/runtime/store/checkpoint.js';
import { createRunStore } from '../src/runtime/store/store.js';
import { bundleStore, fixture, type StoreBundle } from './fixtures/store/bundle.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-ckpt-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function smallModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, inputShape: [4], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

const probe = () => tf.tensor2d([[0.1, -0.2, 0.3, 0.5], [1, 2, -1, 0]]);
const predict = (m: tf.LayersModel) => Array.from((m.predict(probe()) as tf.Tensor).dataSync());

describe('checkpointHandler', () => {
  it('saves in the tfjs-node file:// layout and loads back the same model', async () => {
    const dir = join(temp(), 'runs', 'r1');
    const model = smallModel(1);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await model.fit(tf.randomNormal([16, 4], 0, 1, 'float32', 3), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1], 'int32'), 2), {
      epochs: 2,
      verbose: 0,
    });
    model.setUserDefinedMetadata({ step: 7 });
    const result = await model.save(checkpointHandler(dir));
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 6 + 6 + 6 * 2 + 2) * 4);

    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['modelTopology', 'weightsManifest', 'format', 'generatedBy', 'convertedBy', 'userDefinedMetadata']);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers/);
    expect(json.convertedBy).toBeNull();
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toHaveLength(4);
    expect(json.userDefinedMetadata).toEqual({ step: 7 });
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(result.modelArtifactsInfo.weightDataBytes);

    const loaded = await tf.loadLayersModel(checkpointHandler(dir));
    expect(predict(loaded)).toEqual(predict(model));
    expect(loaded.getUserDefinedMetadata()).toEqual({ step: 7 });
    expect(hasCheckpoint(dir)).toBe(true);
  });

  it('saves optimizer weights too (includeOptimizer) and loads them', async () => {
    const dir = temp();
    const model = smallModel(2);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    await model.fit(tf.ones([4, 4]), tf.ones([4, 2]), { epochs: 1, verbose: 0 });
    await model.save(checkpointHandler(dir), { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].weights.length).toBeGreaterThan(4);
    expect(Object.keys(json)).toEqual(['modelTopology', 'weightsManifest', 'format', 'generatedBy', 'convertedBy', 'trainingConfig']);
    expect(json.trainingConfig.loss).toBe('mean_squared_error');
    const loaded = await tf.loadLayersModel(checkpointHandler(dir));
    expect(predict(loaded)).toEqual(predict(model));
  });

  it('fails to load a missing checkpoint with a sentence', async () => {
    const dir = temp();
    expect(hasCheckpoint(dir)).toBe(false);
    await expect(tf.loadLayersModel(checkpointHandler(dir))).rejects.toThrow(/No checkpoint in .*'model\.json' does not exist/);
  });

  it('a save killed before its commit leaves the previous checkpoint; after it, the new one', async () => {
    const dir = temp();
    const first = smallModel(10);
    const second = smallModel(20);
    await first.save(checkpointHandler(dir));
    expect(predict(first)).not.toEqual(predict(second));

    // What a kill leaves behind, stage by stage: build a finished save of `second`
    // in another folder, then lay out its files as the interrupted save would have.
    const next = temp();
    await second.save(checkpointHandler(next));
    const staging = join(dir, '.staging');
    const stage = (files: string[], committed: boolean) => {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging);
      for (const f of files) writeFileSync(join(staging, f), readFileSync(join(next, f)));
      if (committed) writeFileSync(join(staging, 'COMMITTED'), '');
    };

    // killed while writing: half a weights file, no model.json, no marker
    stage([], false);
    writeFileSync(join(staging, 'weights.bin'), readFileSync(join(next, 'weights.bin')).subarray(0, 10));
    expect(predict(await tf.loadLayersModel(checkpointHandler(dir)))).toEqual(predict(first));
    // killed after writing both files but before the marker
    stage(['weights.bin', 'model.json'], false);
    expect(predict(await tf.loadLayersModel(checkpointHandler(dir)))).toEqual(predict(first));
    // killed after the marker, before any move
    stage(['weights.bin', 'model.json'], true);
    expect(predict(await tf.loadLayersModel(checkpointHandler(dir)))).toEqual(predict(second));
    // killed between the two moves: new weights in place, new model.json still staged
    const keep = readFileSync(join(dir, 'weights.bin'));
    renameSync(join(staging, 'weights.bin'), join(dir, 'weights.bin'));
    expect(predict(await tf.loadLayersModel(checkpointHandler(dir)))).toEqual(predict(second));

    // the next save settles the leftovers and writes its own files
    await first.save(checkpointHandler(dir));
    expect(existsSync(staging)).toBe(false);
    expect(predict(await tf.loadLayersModel(checkpointHandler(dir)))).toEqual(predict(first));
    expect(readFileSync(join(dir, 'weights.bin'))).toEqual(keep);
  });

  it('writes plan.json beside the checkpoint', async () => {
    const dir = join(temp(), 'deep', 'r2');
    expect(await readCheckpointPlan(dir)).toBeNull();
    await writeCheckpointExtras(dir, { plan: { project: { name: 'p' }, hash: 'abc' } });
    expect(await readCheckpointPlan(dir)).toEqual({ project: { name: 'p' }, hash: 'abc' });
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });
});

describe('a training process killed with SIGKILL', () => {
  let bundle: StoreBundle;
  beforeAll(async () => {
    bundle = await bundleStore();
  });
  afterAll(() => bundle?.close());

  it('leaves an intact store with the run interrupted, its metrics, and a loadable last checkpoint', async () => {
    const project = temp();
    const child = spawn(process.execPath, [fixture('train-and-die.mjs'), bundle.dir, project, '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // kill at a moment that varies with the timing: once 4 checkpoints are out, after a few more lines
    const target = 4 + Math.floor(Math.random() * 3);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/^checkpoint /gm) ?? []).length >= target) resolve();
      });
      exited.then(() => reject(new Error(`the training child exited on its own:\n${out}\n${err}`)));
      setTimeout(() => reject(new Error(`no checkpoints after 40 s:\n${out}\n${err}`)), 40_000).unref();
    });
    await new Promise((r) => setTimeout(r, Math.random() * 40));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const runId = /^run (\S+)$/m.exec(out)![1]!;
    const steps = [...out.matchAll(/^step (\d+)$/gm)].map((m) => Number(m[1]));
    const checkpoints = [...out.matchAll(/^checkpoint (\d+)$/gm)].map((m) => Number(m[1]));
    const lastStep = Math.max(...steps);
    const lastCheckpoint = Math.max(...checkpoints);

    const db = new Database(join(project, '.nnc', 'nnc.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const store = createRunStore(project);
    try {
      const run = store.getRun(runId)!;
      expect(run.status).toBe('interrupted');
      expect(store.logs({ runId, level: 'warning' }).map((l) => l.message).join('\n')).toMatch(/is gone; it is now marked interrupted/);
      // every step up to the last checkpoint was flushed; later ones up to ~250 ms before the kill
      const loss = store.metrics(runId, ['loss']);
      const stored = loss.map((m) => m.step);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
      expect(Math.max(...stored)).toBeGreaterThanOrEqual(lastCheckpoint);
      expect(Math.max(...stored)).toBeLessThanOrEqual(lastStep + 1);
      expect(loss.every((m) => Number.isFinite(m.value))).toBe(true);
      // the repeated 'training' line is one row with a count
      const training = store.logs({ runId, q: 'training' });
      expect(training).toHaveLength(1);
      expect(training[0]!.count).toBeGreaterThanOrEqual(lastCheckpoint);
      expect(store.logs({ runId, spam: true, level: 'debug' }).length).toBeGreaterThanOrEqual(lastCheckpoint);

      // the checkpoint is whole: its weights reproduce the prediction saved with them
      const dir = store.runDir(runId);
      const loaded = await tf.loadLayersModel(checkpointHandler(dir));
      const meta = loaded.getUserDefinedMetadata() as { step: number; prediction: number[] };
      expect(meta.step).toBeGreaterThanOrEqual(lastCheckpoint);
      expect(meta.step % 5).toBe(0);
      const prediction = Array.from((loaded.predict(tf.ones([1, 8])) as tf.Tensor).dataSync());
      expect(prediction).toEqual(meta.prediction);
      expect(await readCheckpointPlan(dir)).toEqual({ project: { name: 'killed' }, note: 'fixture' });
      expect(run.project).toBe('killed');
    } finally {
      store.close();
    }
  }, 60_000);
});
