// One table: how each plan layer type becomes a tfjs layer. Shapes and
// parameter counts come from the compiler; buildModel checks the built layer
// against both, so the two tables cannot drift apart silently.
import type { LayerType, PlanLayer } from '../../compiler/plan.js';
import type { NncLayerClasses } from './nnc-layers.js';
import type { Layer, Tf } from './tf.js';

export interface EmitContext {
  readonly tf: Tf;
  readonly nnc: NncLayerClasses;
  /** this layer's initializer seed, derived from the plan seed and the layer name */
  readonly seed: number;
}

type Emit = (context: EmitContext, layer: PlanLayer) => Layer;

// tfjs-layers takes activation identifiers as a string union; the plan keeps them as strings.
type ActivationId = never;

export const layerEmitters = {
  dense: ({ tf, seed }, { name, config }) =>
    tf.layers.dense({
      name,
      units: config.units!,
      activation: (config.activation ?? 'linear') as ActivationId,
      useBias: config.useBias ?? true,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  embedding: ({ nnc, seed }, { name, config }) =>
    new nnc.NncEmbedding({ name, inputDim: config.inputDim!, outputDim: config.units!, seed }),
  conv1d: ({ nnc, seed }, { name, config }) =>
    new nnc.NncConv1D({
      name,
      filters: config.filters!,
      kernelSize: config.kernelSize!,
      strides: config.strides ?? 1,
      padding: config.padding ?? 'same',
      activation: config.activation ?? 'linear',
      useBias: config.useBias ?? true,
      seed,
    }),
  lstm: (context, layer) => recurrent(context, layer, 'lstm'),
  gru: (context, layer) => recurrent(context, layer, 'gru'),
  attention: ({ nnc, seed }, { name, config }) =>
    new nnc.NncAttention({ name, heads: config.heads ?? 1, causal: config.causal ?? false, seed }),
  layernorm: ({ nnc }, { name, config }) => new nnc.NncLayerNorm({ name, epsilon: config.epsilon ?? 1e-5 }),
  dropout: ({ nnc, seed }, { name, config }) => new nnc.NncDropout({ name, rate: config.rate ?? 0.5, seed }),
  pool: ({ nnc }, { name, config }) => new nnc.NncPool({ name, mode: config.mode ?? 'mean' }),
  activation: ({ tf }, { name, config }) =>
    tf.layers.activation({ name, activation: (config.activation ?? 'linear') as ActivationId }),
} satisfies Record<LayerType, Emit>;

/** nnc's fused recurrent layer for the usual tanh cell; tfjs-layers' own for other activations. */
function recurrent({ tf, nnc, seed }: EmitContext, { name, config }: PlanLayer, cell: 'lstm' | 'gru'): Layer {
  const returnSequences = config.returnSequences ?? false;
  if ((config.activation ?? 'tanh') === 'tanh') return new nnc.NncRecurrent({ name, cell, units: config.units!, returnSequences, seed });
  const args = {
    name,
    units: config.units!,
    returnSequences,
    activation: config.activation as ActivationId,
    recurrentActivation: 'sigmoid' as ActivationId,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1, gain: 1 }),
  };
  return cell === 'lstm' ? tf.layers.lstm({ ...args, unitForgetBias: true }) : tf.layers.gru(args);
}
