import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel, registerNncLayers, warmStart } from '../src/runtime/emit/index.js';
import { emittedLayerTypes } from '../src/runtime/emit/layers.js';
import { orthogonal } from '../src/runtime/emit/recurrent.js';
import { readdirSync } from 'node:fs';
import { compile } from '../src/compiler/index.js';
import { makePlan } from './train-helpers.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

const textPlan = () =>
  makePlan({
    input: { type: 'text', maxLength: 10 },
    tokens: ['good', 'bad', 'movie'],
    layers: [
      { name: 'embed', type: 'embedding', units: 12 },
      { name: 'conv', type: 'conv1d', filters: 8, kernelSize: 3, activation: 'relu' },
      { name: 'narrow', type: 'conv1d', filters: 8, kernelSize: 3, padding: 'valid' },
      { name: 'encoder', type: 'lstm', units: 8, returnSequences: true },
      { name: 'recur', type: 'gru', units: 8, returnSequences: true },
      { name: 'attend', type: 'attention', heads: 2, causal: true },
      { name: 'norm', type: 'layernorm' },
      { name: 'perstep', type: 'dense', units: 6, activation: 'gelu' },
      { name: 'drop', type: 'dropout', rate: 0.1 },
      { name: 'act', type: 'activation', activation: 'tanh' },
      { name: 'pooled', type: 'pool', mode: 'last' },
      { name: 'hidden', type: 'dense', units: 4, useBias: false },
    ],
    heads: [
      { name: 'sentiment', attach: 'hidden', task: 'classification', classes: ['neg', 'pos'] },
      { name: 'flag', attach: 'hidden', task: 'classification', classes: ['no', 'yes'], loss: 'bce' },
      { name: 'score', attach: 'act', task: 'regression', units: 3, pool: 'max' },
      { name: 'answer', attach: 'drop', task: 'generation' },
    ],
  });

describe('buildModel', () => {
  it('builds every layer type with the parameter counts and shapes of the plan', () => {
    const plan = textPlan();
    const covered = new Set(plan.layers.map((l) => l.type));
    expect([...covered].sort()).toEqual([...emittedLayerTypes].sort());
    const model = buildModel(tf, plan);
    for (const layer of plan.layers) {
      expect(model.getLayer(layer.name).countParams(), layer.name).toBe(layer.params);
      expect(model.getLayer(layer.name).outputShape.slice(1), layer.name).toEqual([...layer.outputShape]);
    }
    for (const head of plan.heads) expect(model.getLayer(head.name).countParams(), head.name).toBe(head.params);
    expect(model.outputNames).toEqual(['sentiment', 'flag', 'score', 'answer']);
    expect(model.outputs.map((o) => o.shape.slice(1))).toEqual(plan.heads.map((h) => [...h.outputShape]));
    expect(model.countParams()).toBe(plan.totals.params);
    model.dispose();
  });

  it('builds recurrent layers that return only their last state', () => {
    for (const type of ['lstm', 'gru'] as const) {
      const plan = makePlan({
        input: { type: 'text', maxLength: 6 },
        layers: [
          { name: 'embed', type: 'embedding', units: 4 },
          { name: 'rnn', type, units: 5 },
        ],
        heads: [{ name: 'label', attach: 'rnn', task: 'classification', classes: ['a', 'b', 'c'] }],
      });
      const model = buildModel(tf, plan);
      expect(model.getLayer('rnn').countParams()).toBe((type === 'lstm' ? 4 : 3) * (5 * (4 + 5) + 5));
      expect(model.getLayer('rnn').outputShape).toEqual([null, 5]);
      model.dispose();
    }
  });

  it('builds a features model and names weights by plan layer', () => {
    const plan = makePlan({
      input: { type: 'features', features: 5 },
      layers: [{ name: 'hidden', type: 'dense', units: 7, activation: 'relu' }],
      heads: [{ name: 'value', attach: 'hidden', task: 'regression', units: 2 }],
    });
    const model = buildModel(tf, plan);
    expect(model.weights.map((w) => w.originalName)).toEqual(['hidden/kernel', 'hidden/bias', 'value/kernel', 'value/bias']);
    expect(model.countParams()).toBe(5 * 7 + 7 + 7 * 2 + 2);
    model.dispose();
  });

  it('is deterministic: the same plan seed gives the same initial weights', () => {
    const plan = textPlan();
    const a = buildModel(tf, plan);
    const b = buildModel(tf, plan);
    for (let i = 0; i < a.weights.length; i++) {
      expect(Array.from(b.weights[i].read().dataSync())).toEqual(Array.from(a.weights[i].read().dataSync()));
    }
    a.dispose();
    b.dispose();
  });

  it('saves and loads back with attention, layer norm, pool and dropout, predicting the same', async () => {
    const plan = textPlan();
    const model = buildModel(tf, plan);
    let saved: tfjs.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    registerNncLayers(tf);
    registerNncLayers(tf); // idempotent
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.tensor2d([[2, 5, 6, 7, 1, 0, 0, 0, 0, 0], [5, 5, 1, 6, 7, 4, 0, 0, 0, 0]], [2, 10], 'int32');
    const before = model.predict(x) as tfjs.Tensor[];
    const after = loaded.predict(x) as tfjs.Tensor[];
    expect(after.length).toBe(4);
    for (let i = 0; i < before.length; i++) {
      const a = before[i].dataSync();
      const b = after[i].dataSync();
      expect(b.length).toBe(a.length);
      for (let j = 0; j < a.length; j++) expect(b[j]).toBeCloseTo(a[j], 5);
    }
    expect(loaded.getLayer('attend').getClassName()).toBe('NncAttention');
    tf.dispose([x, ...before, ...after]);
    model.dispose();
    loaded.dispose();
  });

  it('masks the future in causal attention', () => {
    const { NncAttention } = registerNncLayers(tf);
    const layer = new NncAttention({ heads: 2, causal: true, seed: 1 });
    const x1 = tf.randomNormal([1, 5, 4], 0, 1, 'float32', 3);
    const x2 = tf.concat([x1.slice([0, 0, 0], [1, 3, 4]), tf.randomNormal([1, 2, 4], 0, 1, 'float32', 9)], 1);
    const y1 = (layer.apply(x1) as tfjs.Tensor).slice([0, 0, 0], [1, 3, 4]).dataSync();
    const y2 = (layer.apply(x2) as tfjs.Tensor).slice([0, 0, 0], [1, 3, 4]).dataSync();
    for (let j = 0; j < y1.length; j++) expect(y2[j]).toBeCloseTo(y1[j], 5);
    const open = new NncAttention({ heads: 2, causal: false, seed: 1 });
    const z1 = (open.apply(x1) as tfjs.Tensor).slice([0, 0, 0], [1, 3, 4]).dataSync();
    const z2 = (open.apply(x2) as tfjs.Tensor).slice([0, 0, 0], [1, 3, 4]).dataSync();
    expect(Math.max(...Array.from(z1, (v, j) => Math.abs(v - z2[j])))).toBeGreaterThan(1e-4);
  });

  it('warm-starts: keeps unchanged layers, copies embedding rows and generation columns by token text', () => {
    const spec = (tokens: string[], hiddenUnits: number) =>
      makePlan({
        input: { type: 'text', maxLength: 6 },
        tokens,
        layers: [
          { name: 'embed', type: 'embedding', units: 4 },
          { name: 'encoder', type: 'gru', units: 5, returnSequences: true },
          { name: 'pool', type: 'pool' },
          { name: 'hidden', type: 'dense', units: hiddenUnits },
        ],
        heads: [
          { name: 'label', attach: 'encoder', task: 'classification', classes: ['x', 'y'] },
          { name: 'answer', attach: 'encoder', task: 'generation' },
          { name: 'score', attach: 'hidden', task: 'regression' },
        ],
      });
    const before = spec(['alpha', 'beta', 'gamma'], 3);
    const after = { ...spec(['gamma', 'alpha', 'delta', 'epsilon'], 6), project: { ...before.project, training: { ...before.project.training, seed: 99 } } };
    const trained = buildModel(tf, before);
    const model = buildModel(tf, after);
    const init = (name: string) => model.getLayer(name).getWeights().map((w) => w.arraySync());
    const freshHidden = init('hidden');
    const freshEmbed = init('embed')[0] as number[][];
    const result = warmStart(tf, model, trained, before, after);
    expect(result.reused.sort()).toEqual(['answer', 'embed', 'encoder', 'label']);
    expect(result.fresh.sort()).toEqual(['hidden', 'score']);
    // 5 specials + gamma + alpha, in the embedding and in the generation head
    expect(result.rowsCopied).toBe(14);
    const oldEmbed = trained.getLayer('embed').getWeights()[0].arraySync() as number[][];
    const newEmbed = model.getLayer('embed').getWeights()[0].arraySync() as number[][];
    expect(newEmbed[1]).toEqual(oldEmbed[1]); // <unk>
    expect(newEmbed[5]).toEqual(oldEmbed[7]); // gamma
    expect(newEmbed[6]).toEqual(oldEmbed[5]); // alpha
    expect(newEmbed[7]).toEqual(freshEmbed[7]); // delta is new
    const oldKernel = trained.getLayer('answer').getWeights()[0].arraySync() as number[][];
    const newKernel = model.getLayer('answer').getWeights()[0].arraySync() as number[][];
    expect(newKernel.map((row) => row[5])).toEqual(oldKernel.map((row) => row[7]));
    expect(model.getLayer('encoder').getWeights().map((w) => w.arraySync())).toEqual(trained.getLayer('encoder').getWeights().map((w) => w.arraySync()));
    expect(init('hidden')).toEqual(freshHidden);
    trained.dispose();
    model.dispose();
  });

  it('runs LSTM and GRU on fused ops with the values and weight layout of tf.layers', () => {
    const { NncRecurrent } = registerNncLayers(tf);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 11);
    for (const cell of ['lstm', 'gru'] as const) {
      for (const returnSequences of [false, true]) {
        const ours = new NncRecurrent({ cell, units: 4, returnSequences, seed: 5 });
        const mine = ours.apply(x) as tfjs.Tensor;
        const stock = (cell === 'lstm' ? tf.layers.lstm : tf.layers.gru)({ units: 4, returnSequences, recurrentActivation: 'sigmoid' });
        stock.apply(x);
        stock.setWeights(ours.getWeights());
        expect(ours.weights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'recurrent_kernel', 'bias']);
        const reference = (stock.apply(x) as tfjs.Tensor).dataSync();
        const values = mine.dataSync();
        expect(values.length).toBe(reference.length);
        for (let i = 0; i < values.length; i++) expect(values[i]).toBeCloseTo(reference[i], 4);
      }
    }
  });

  it('falls back to tf.layers for recurrent layers with another activation', () => {
    const plan = makePlan({
      input: { type: 'text', maxLength: 4 },
      layers: [
        { name: 'embed', type: 'embedding', units: 3 },
        { name: 'rnn', type: 'lstm', units: 5, activation: 'relu' },
      ],
      heads: [{ name: 'label', attach: 'rnn', task: 'classification', classes: ['a', 'b'] }],
    });
    const model = buildModel(tf, plan);
    expect(model.getLayer('rnn').getClassName()).toBe('LSTM');
    expect(model.getLayer('rnn').countParams()).toBe(plan.layers[1].params);
    model.dispose();
  });

  it('initializes recurrent kernels with orthonormal rows', () => {
    const m = orthogonal(4, 12, 3);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 12; k++) dot += m[i * 12 + k] * m[j * 12 + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('computes conv1d like tf.layers.conv1d for every padding and stride', () => {
    const { NncConv1D } = registerNncLayers(tf);
    const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 4);
    for (const padding of ['same', 'valid', 'causal'] as const) {
      for (const strides of [1, 2]) {
        if (padding === 'causal' && strides > 1) continue;
        const ours = new NncConv1D({ filters: 4, kernelSize: 3, strides, padding, activation: 'relu', useBias: true, seed: 2 });
        const mine = ours.apply(x) as tfjs.Tensor;
        // tfjs has no causal conv1d: causal is 'valid' after kernelSize - 1 zeros at the start
        const input = padding === 'causal' ? tf.pad(x, [[0, 0], [2, 0], [0, 0]]) : x;
        const stock = tf.layers.conv1d({ filters: 4, kernelSize: 3, strides, padding: padding === 'causal' ? 'valid' : padding, activation: 'relu' });
        stock.apply(input);
        stock.setWeights(ours.getWeights());
        const reference = stock.apply(input) as tfjs.Tensor;
        expect(mine.shape, `${padding}/${strides}`).toEqual(reference.shape);
        const a = mine.dataSync();
        const b = reference.dataSync();
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
      }
    }
  });

  it('builds every example project and fixture with the shapes and parameter counts of its plan', () => {
    const dirs = [
      ...readdirSync('projects', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `projects/${d.name}`),
      'test/fixtures/tiny',
      'test/fixtures/tiny-features',
    ];
    expect(dirs.length).toBeGreaterThanOrEqual(5);
    for (const dir of dirs) {
      const { plan } = compile(dir);
      expect(plan, dir).not.toBeNull();
      const model = buildModel(tf, plan!); // throws when a layer's shape or parameter count differs from the plan
      expect(model.countParams(), dir).toBe(plan!.totals.params);
      model.dispose();
    }
  });
});

describe('padding mask', () => {
  it('attention and pooling ignore <pad> steps: the <pad> embedding does not change any output', () => {
    const plan = makePlan({
      input: { type: 'text', maxLength: 8 },
      tokens: ['good', 'bad', 'movie'],
      layers: [
        { name: 'embed', type: 'embedding', units: 8 },
        { name: 'attend', type: 'attention', heads: 2, causal: false },
        { name: 'seq', type: 'dense', units: 8, activation: 'tanh' },
        { name: 'pooled', type: 'pool', mode: 'max' },
      ],
      heads: [
        { name: 'label', attach: 'pooled', task: 'classification', classes: ['a', 'b'] },
        { name: 'mean', attach: 'seq', task: 'classification', classes: ['x', 'y'], pool: 'mean' },
      ],
    });
    const model = buildModel(tf, plan);
    // left-padded: three real tokens after five <pad>
    const ids = tf.tensor2d([[0, 0, 0, 0, 0, 2, 3, 4]], [1, 8], 'int32');
    const predict = () => (model.predict(ids) as tfjs.Tensor[]).map((t) => Array.from(t.dataSync()));
    const before = predict();
    const table = model.getLayer('embed').getWeights()[0];
    const changed = tf.tidy(() => tf.concat([tf.randomNormal([1, 8], 0, 5, 'float32', 1), table.slice([1, 0], [table.shape[0] - 1, 8])]));
    model.getLayer('embed').setWeights([changed]);
    const after = predict();
    for (let h = 0; h < before.length; h++) for (let i = 0; i < before[h].length; i++) expect(after[h][i]).toBeCloseTo(before[h][i], 5);
    // and a real token's embedding does change them
    const real = tf.tidy(() => changed.add(tf.oneHot([2], table.shape[0]).reshape([table.shape[0], 1]).mul(3)));
    model.getLayer('embed').setWeights([real]);
    expect(predict()[0]).not.toEqual(before[0]);
    model.dispose();
  });
});

describe('padding mask in training', () => {
  it('leaks no tensors: the count after step 1 equals the count after step 300', async () => {
    const { train } = await import('../src/runtime/train/index.js');
    const words = ['good', 'bad', 'movie'];
    const samples = Array.from({ length: 40 }, (_, i) => ({ input: `${words[i % 3]} ${i % 2 ? 'movie' : ''}`.trim(), label: i % 2 }));
    const plan = makePlan({
      input: { type: 'text', maxLength: 6 },
      tokens: words,
      layers: [
        { name: 'embed', type: 'embedding', units: 8 },
        { name: 'attend', type: 'attention', heads: 2, causal: false },
        { name: 'pooled', type: 'pool', mode: 'mean' },
      ],
      heads: [{ name: 'label', attach: 'pooled', task: 'classification', classes: ['a', 'b'] }],
      datasets: [{ name: 'data', head: 'label', samples }],
      training: { epochs: 40, batchSize: 4, validationSplit: 0.1 },
    });
    const model = buildModel(tf, plan);
    const counts = new Map<number, number>();
    const result = await train({ tf, plan, model, statsEvery: 1, events: { onStats: (s) => void counts.set(s.step, s.memory.numTensors) } });
    expect(result.steps).toBeGreaterThanOrEqual(300);
    expect(counts.get(300)).toBe(counts.get(1));
    model.dispose();
  });
});
