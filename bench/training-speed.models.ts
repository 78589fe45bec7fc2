// The benchmark models (the four, plus a GRU), each in two builds with the same weight shapes:
//   layers: tf.layers / plain tf ops, as a tfjs user would write them
//   ops:    nnc's ops (src/runtime/ops) on plain variables
// bench/torch_models.py builds the same four in PyTorch.
import type * as tfjs from '@tensorflow/tfjs';
import { nncOps } from '../src/runtime/ops/index.js';

type Tf = typeof tfjs;
type Tensor = tfjs.Tensor;

export const VOCAB = 5000;
export const SEQ = 32;
export const WIDTH = 64;
export const CLASSES = 4;

export interface BenchModel {
  readonly name: string;
  readonly batch: number;
  /** one input batch (ids or features) and one-hot labels */
  inputs(tf: Tf): { x: Tensor; y: Tensor };
  /** a fresh model: its trainable variables and its logits */
  build(tf: Tf, build: 'layers' | 'ops'): { variables: tfjs.Variable[]; logits(x: Tensor): Tensor; dispose(): void };
}

function uniformIds(tf: Tf, batch: number): Tensor {
  return tf.randomUniform([batch, SEQ], 0, VOCAB, 'int32', 7);
}

function oneHot(tf: Tf, batch: number, classes: number): Tensor {
  return tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 9), classes);
}

let seed = 1;
function glorot(tf: Tf, shape: number[]): tfjs.Variable {
  const fanIn = shape.length === 3 ? shape[0] * shape[1] : shape[0];
  const fanOut = shape.length === 3 ? shape[0] * shape[2] : shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed++));
}

function zeros(tf: Tf, shape: number[]): tfjs.Variable {
  return tf.variable(tf.zeros(shape));
}

function fromLayers(tf: Tf, layers: tfjs.layers.Layer[], inputShape: number[], dtype: 'int32' | 'float32') {
  const model = tf.sequential();
  layers.forEach((layer) => model.add(layer));
  model.build([null, ...inputShape]);
  void dtype;
  return {
    variables: model.trainableWeights.map((w) => w.read() as tfjs.Variable),
    logits: (x: Tensor) => model.apply(x, { training: true }) as Tensor,
    dispose: () => model.dispose(),
  };
}

function fromVariables(variables: tfjs.Variable[], logits: (x: Tensor) => Tensor) {
  return { variables, logits, dispose: () => variables.forEach((v) => v.dispose()) };
}

/** Multi-head self-attention, residual (as src/runtime/emit/attention.ts computes it). */
function selfAttention(tf: Tf, x: Tensor, w: tfjs.Variable[], heads: number): Tensor {
  const [b, t, d] = x.shape;
  const dh = d / heads;
  const flat = x.reshape([b * t, d]);
  const project = (input: Tensor, i: number) => tf.add(tf.matMul(input, w[2 * i]), w[2 * i + 1]);
  const split = (m: Tensor) => m.reshape([b, t, heads, dh]).transpose([0, 2, 1, 3]);
  const q = split(project(flat, 0));
  const k = split(project(flat, 1));
  const v = split(project(flat, 2));
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
  const context = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([b * t, d]);
  return tf.add(x, project(context, 3).reshape([b, t, d]));
}

/** embedding 5000x64 + one LSTM or GRU of 64 units (last step) + dense: tf.layers, or nnc's ops on variables. */
function recurrentModel(cell: 'lstm' | 'gru', gates: number): BenchModel {
  return {
    name: `embedding + ${cell} 64`,
    batch: 32,
    inputs: (tf) => ({ x: uniformIds(tf, 32), y: oneHot(tf, 32, CLASSES) }),
    build(tf, build) {
      if (build === 'layers') {
        return fromLayers(tf, [
          tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, inputLength: SEQ }),
          tf.layers[cell]({ units: WIDTH }),
          tf.layers.dense({ units: CLASSES }),
        ], [SEQ], 'int32');
      }
      const ops = nncOps(tf);
      const v = [glorot(tf, [VOCAB, WIDTH]), glorot(tf, [WIDTH, gates * WIDTH]), glorot(tf, [WIDTH, gates * WIDTH]), zeros(tf, [gates * WIDTH]),
        glorot(tf, [WIDTH, CLASSES]), zeros(tf, [CLASSES])];
      return fromVariables(v, (x) => {
        const h = ops[cell](ops.embeddingLookup(v[0], x), v[1], v[2], v[3]);
        return tf.add(tf.matMul(h, v[4]), v[5]);
      });
    },
  };
}

export const MODELS: BenchModel[] = [
  {
    name: 'mlp 64-256-256-10',
    batch: 64,
    inputs: (tf) => ({ x: tf.randomNormal([64, 64], 0, 1, 'float32', 3), y: oneHot(tf, 64, 10) }),
    build(tf, build) {
      if (build === 'layers') {
        return fromLayers(tf, [
          tf.layers.dense({ units: 256, activation: 'relu', inputShape: [64] }),
          tf.layers.dense({ units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 10 }),
        ], [64], 'float32');
      }
      const v = [glorot(tf, [64, 256]), zeros(tf, [256]), glorot(tf, [256, 256]), zeros(tf, [256]), glorot(tf, [256, 10]), zeros(tf, [10])];
      return fromVariables(v, (x) => {
        const h1 = tf.relu(tf.add(tf.matMul(x, v[0]), v[1]));
        const h2 = tf.relu(tf.add(tf.matMul(h1, v[2]), v[3]));
        return tf.add(tf.matMul(h2, v[4]), v[5]);
      });
    },
  },
  recurrentModel('lstm', 4),
  recurrentModel('gru', 3),
  {
    name: 'embedding + conv1d 64x3 + pool',
    batch: 32,
    inputs: (tf) => ({ x: uniformIds(tf, 32), y: oneHot(tf, 32, CLASSES) }),
    build(tf, build) {
      if (build === 'layers') {
        return fromLayers(tf, [
          tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, inputLength: SEQ }),
          tf.layers.conv1d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
          tf.layers.globalAveragePooling1d(),
          tf.layers.dense({ units: CLASSES }),
        ], [SEQ], 'int32');
      }
      const ops = nncOps(tf);
      const v = [glorot(tf, [VOCAB, WIDTH]), glorot(tf, [3, WIDTH, 64]), zeros(tf, [64]), glorot(tf, [64, CLASSES]), zeros(tf, [CLASSES])];
      return fromVariables(v, (x) => {
        const h = tf.relu(ops.conv1d(ops.embeddingLookup(v[0], x), v[1], v[2], { padding: 'same' }));
        return tf.add(tf.matMul(ops.pool(h, 'mean'), v[3]), v[4]);
      });
    },
  },
  {
    name: 'embedding + attention 4 heads + pool',
    batch: 32,
    inputs: (tf) => ({ x: uniformIds(tf, 32), y: oneHot(tf, 32, CLASSES) }),
    build(tf, build) {
      const table = glorot(tf, [VOCAB, WIDTH]);
      const attention: tfjs.Variable[] = [];
      for (let i = 0; i < 4; i++) attention.push(glorot(tf, [WIDTH, WIDTH]), zeros(tf, [WIDTH]));
      const head = [glorot(tf, [WIDTH, CLASSES]), zeros(tf, [CLASSES])];
      const v = [table, ...attention, ...head];
      if (build === 'layers') {
        return fromVariables(v, (x) => {
          const h = selfAttention(tf, tf.gather(table, x), attention, 4);
          return tf.add(tf.matMul(tf.mean(h, 1), head[0]), head[1]);
        });
      }
      const ops = nncOps(tf);
      return fromVariables(v, (x) => {
        const h = selfAttention(tf, ops.embeddingLookup(table, x), attention, 4);
        return tf.add(tf.matMul(ops.pool(h, 'mean'), head[0]), head[1]);
      });
    },
  },
];
