// layernorm: nnc's NncLayerNorm (hand-written gradient, ops.layerNorm), tf.layers.layerNormalization's epsilon.
import { defineLayer, last, sameShape } from './define.js';

export type LayerNormConfig = { epsilon: number };

export const layernorm = defineLayer<LayerNormConfig>({
  type: 'layernorm',
  description: 'Layer normalization over the last dimension. Keeps the shape.',
  typeDescription: 'Layer normalization over the last dimension.',
  inDescription: 'Optional assertion on the input shape.',
  outDescription: 'Optional assertion on the output shape (same as the input).',
  args: {
    epsilon: {
      schema: { type: 'number', exclusiveMinimum: 0 },
      default: 0.001,
      description: 'Small number added to the variance to avoid dividing by zero. Default 0.001 (as in TensorFlow.js).',
    },
  },
  shape: sameShape,
  params: (input) => 2 * last(input),
  emit: ({ nnc }, { name, config }) => new nnc.NncLayerNorm({ name, epsilon: config.epsilon }),
});
