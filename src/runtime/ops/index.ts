// nnc's differentiable ops, for the layer implementations in src/runtime/emit.
// Each works on every backend (node, wasm, cpu): it is written with tf ops and
// tf.customGrad, and uses nnc's fused kernels where loadTf installed them.
//
//   const { tf } = await loadTf();
//   const ops = nncOps(tf);
//   const y = ops.conv1d(x, kernel, bias, { padding: 'same' });
import type { Tf } from './tf.js';
import { makeConv1d, conv1dGeometry, type Conv1dOptions, type Conv1dPadding } from './conv1d.js';
import { makeLayerNorm } from './layer-norm.js';
import { makeEmbeddingLookup } from './embedding.js';
import { makeCreateAdam } from './adam.js';
import { makeGru } from './gru.js';
import { makePool, type PoolMode } from './pool.js';
import { accelerateLayer } from './layers.js';
import { makeDropout } from './dropout.js';
import { makeLstm, type RecurrentOptions, type RecurrentActivation } from './lstm.js';

export type { Conv1dOptions, Conv1dPadding, RecurrentOptions, RecurrentActivation, PoolMode };
export { conv1dGeometry };

export interface NncOps {
  /**
   * 1-D convolution of x [batch, time, channels] with kernel [size, channels, filters]
   * and an optional bias [filters], as im2col + one matMul. Same values and
   * padding rules as tf.conv1d ('valid' | 'same'), plus 'causal' (Keras: pad the
   * start by (size - 1) * dilation). Returns [batch, outTime, filters].
   */
  conv1d: ReturnType<typeof makeConv1d>;
  /**
   * Layer normalization over the last axis: (x - mean) / sqrt(var + epsilon) * gamma + beta,
   * gamma and beta of shape [width]; hand-written gradient.
   */
  layerNorm: ReturnType<typeof makeLayerNorm>;
  /**
   * Rows of table [vocabulary, width] for int32 ids of any shape: returns
   * [...ids.shape, width]. The table's gradient is one scatter-add.
   */
  embeddingLookup: ReturnType<typeof makeEmbeddingLookup>;
  /**
   * createAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?): a
   * tf.AdamOptimizer (same className, config and weights) whose update is one
   * fused kernel per variable on wasm and cpu; plain Adam on other backends.
   */
  createAdam: ReturnType<typeof makeCreateAdam>;
  /**
   * LSTM over x [batch, time, d] with tf.layers.lstm's weights (kernel [d, 4u],
   * recurrentKernel [u, 4u], bias [4u], gates i, f, c, o), tanh activation,
   * recurrentActivation 'hardSigmoid' (tf.layers' default) or 'sigmoid', zero
   * initial state. Returns [batch, u], or [batch, time, u] with returnSequences.
   * Two fused kernels on wasm and cpu; a loop of tf ops elsewhere.
   */
  lstm: ReturnType<typeof makeLstm>;
  /**
   * GRU over x [batch, time, d] with tf.layers.gru's weights (kernel [d, 3u],
   * recurrentKernel [u, 3u], bias [3u], gates z, r, h; reset before the
   * recurrent product), tanh activation, the same recurrentActivation options
   * and return shapes as lstm. Two fused kernels on wasm and cpu.
   */
  gru: ReturnType<typeof makeGru>;
  /**
   * Training-time dropout: x times a mask of 0 (probability rate) and
   * 1 / (1 - rate), drawn from `seed` (same seed, same mask: pass a new seed
   * each step). One fused kernel on wasm and cpu; tf.dropout elsewhere.
   */
  dropout: ReturnType<typeof makeDropout>;
  /** x [batch, time, width] -> [batch, width] by 'mean', 'max' or 'last' step; mean's gradient is one broadcasting multiply. */
  pool: ReturnType<typeof makePool>;
  /**
   * Makes a stock tf.layers LSTM, GRU, Conv1D or Embedding instance compute
   * with the ops above (its call() only: class name, config and weights stay
   * stock, so models save and load as plain tfjs models). Returns false for
   * other layers. Configurations the ops do not cover keep the stock call.
   */
  accelerateLayer(layer: InstanceType<Tf['layers']['Layer']>): boolean;
}

const made = new WeakMap<Tf, NncOps>();

/** nnc's ops bound to this TensorFlow.js instance (cached). */
export function nncOps(tf: Tf): NncOps {
  let ops = made.get(tf);
  if (!ops) {
    const bound: NncOps = {
      conv1d: makeConv1d(tf),
      layerNorm: makeLayerNorm(tf),
      embeddingLookup: makeEmbeddingLookup(tf),
      createAdam: makeCreateAdam(tf),
      lstm: makeLstm(tf),
      gru: makeGru(tf),
      pool: makePool(tf),
      dropout: makeDropout(tf),
      accelerateLayer: (layer) => accelerateLayer(tf, bound, layer),
    };
    ops = bound;
    made.set(tf, ops);
  }
  return ops;
}
