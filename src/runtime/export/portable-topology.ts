// nnc checkpoint topology -> a topology plain TensorFlow.js loads. nnc trains
// with its own layer classes (fused kernels, hand-written gradients); in
// inference most compute exactly what a standard tfjs-layers class computes,
// with the same weights under the same names. Those become the standard class
// with a full Keras-style config (what tensorflowjs_converter reads); the rest
// keep their nnc class, which the export's nnc-layers.js defines.
// Pure JSON in, JSON out: no TensorFlow.js here.
import { PORTABLE_CLASS_NAMES } from './portable/portable-layers.js';

/** One layer of a Keras-style functional topology, as tfjs-layers serializes it (snake_case). */
export interface TopologyLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  /** nodes; each node a list of [layer, nodeIndex, tensorIndex, kwargs] */
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

export interface ModelTopology {
  class_name: string;
  config: { name: string; layers: TopologyLayer[]; input_layers: unknown; output_layers: unknown };
  keras_version?: string;
  backend?: string;
}

export interface ConvertedLayer {
  readonly name: string;
  /** nnc's class in the checkpoint */
  readonly from: string;
  /** the class in the export */
  readonly to: string;
  /** true when `to` is a standard tfjs-layers / Keras class */
  readonly standard: boolean;
}

export type ConvertResult =
  | { readonly ok: true; readonly topology: ModelTopology; readonly layers: readonly ConvertedLayer[]; readonly custom: readonly string[] }
  | { readonly ok: false; readonly message: string };

const nulls = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, null]));
const glorotUniform = (seed: unknown) => ({ class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: seed ?? null } });
const zeros = { class_name: 'Zeros', config: {} };
const ones = { class_name: 'Ones', config: {} };
const base = (c: Record<string, unknown>) => ({ name: c['name'], trainable: c['trainable'] ?? true });

function recurrent(c: Record<string, unknown>): [string, Record<string, unknown>] {
  const lstm = c['cell'] === 'lstm';
  const config: Record<string, unknown> = {
    ...base(c),
    units: c['units'],
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    kernel_initializer: glorotUniform(c['seed']),
    recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } },
    bias_initializer: zeros,
    ...(lstm ? { unit_forget_bias: true } : { reset_after: false }),
    ...nulls('kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint'),
    dropout: 0,
    recurrent_dropout: 0,
    implementation: 2,
    return_sequences: c['return_sequences'] ?? false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
  };
  return [lstm ? 'LSTM' : 'GRU', config];
}

/** nnc class -> standard class and config, for layers whose inference is the standard layer's. */
const STANDARD: Record<string, (config: Record<string, unknown>) => [string, Record<string, unknown>]> = {
  NncEmbedding: (c) => [
    'Embedding',
    {
      ...base(c),
      input_dim: c['input_dim'],
      output_dim: c['output_dim'],
      embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: c['seed'] ?? null } },
      ...nulls('embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint', 'input_length'),
      // nnc's recurrent layers read <pad> steps too (left padding): no Keras mask
      mask_zero: false,
    },
  ],
  NncConv1D: (c) => [
    'Conv1D',
    {
      ...base(c),
      filters: c['filters'],
      kernel_size: [c['kernel_size']],
      strides: [c['strides'] ?? 1],
      padding: c['padding'] ?? 'same',
      dilation_rate: [1],
      activation: c['activation'] ?? 'linear',
      use_bias: c['use_bias'] ?? true,
      kernel_initializer: glorotUniform(c['seed']),
      bias_initializer: zeros,
      ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
    },
  ],
  NncRecurrent: recurrent,
  NncLayerNorm: (c) => [
    'LayerNormalization',
    { ...base(c), axis: -1, epsilon: c['epsilon'], center: true, scale: true, beta_initializer: zeros, gamma_initializer: ones, ...nulls('beta_regularizer', 'gamma_regularizer') },
  ],
  NncDropout: (c) => ['Dropout', { ...base(c), rate: c['rate'], noise_shape: null, seed: c['seed'] ?? null }],
};

const POOLS: Record<string, string> = { mean: 'GlobalAveragePooling1D', max: 'GlobalMaxPooling1D' };

/** Rewrites an nnc checkpoint's topology; a message when it holds a layer class nnc cannot export. */
export function toPortableTopology(topology: ModelTopology): ConvertResult {
  const custom = new Set<string>();
  const converted: ConvertedLayer[] = [];
  const layers: TopologyLayer[] = [];
  for (const layer of topology.config.layers) {
    const from = layer.class_name;
    const map = STANDARD[from];
    let next: TopologyLayer = layer;
    if (map) {
      const [className, config] = map(layer.config);
      next = { ...layer, class_name: className, config };
    } else if (from === 'NncPool') {
      const mode = String(layer.config['mode']);
      const masked = layer.inbound_nodes.some((node) => node.length > 1);
      // 'last' reads the final step (text is padded on the left): the mask is not used
      const nodes = mode === 'last' ? layer.inbound_nodes.map((node) => node.slice(0, 1)) : layer.inbound_nodes;
      next = !masked && POOLS[mode]
        ? { ...layer, class_name: POOLS[mode], config: base(layer.config) }
        : { ...layer, inbound_nodes: nodes };
    } else if (from.startsWith('Nnc') && !(PORTABLE_CLASS_NAMES as readonly string[]).includes(from)) {
      return { ok: false, message: `Layer '${layer.name}' is an nnc '${from}', which the portable export does not know how to write.` };
    }
    layers.push(next);
  }
  // the padding mask goes when nothing reads it any more
  const read = new Set(layers.flatMap((l) => l.inbound_nodes.flat().map((input) => input[0])));
  const kept = layers.filter((l) => l.class_name !== 'NncPadMask' || read.has(l.name));
  for (const layer of kept) {
    const from = topology.config.layers.find((l) => l.name === layer.name)!.class_name;
    const standard = !layer.class_name.startsWith('Nnc');
    if (!standard) custom.add(layer.class_name);
    if (layer.class_name !== 'InputLayer') converted.push({ name: layer.name, from, to: layer.class_name, standard });
  }
  return { ok: true, topology: { ...topology, config: { ...topology.config, layers: kept } }, layers: converted, custom: [...custom] };
}
