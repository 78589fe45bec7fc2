// dense (alias linear): tf.layers.dense.
import { activationArgument, defineLayer, formatShape, last, type ActivationId } from './define.js';

export type DenseConfig = { units: number; activation: ActivationId; useBias: boolean };

export const dense = defineLayer<DenseConfig>({
  type: 'dense',
  aliases: ['linear'],
  description: "Fully connected layer: 'units' outputs from every input. On a sequence it applies to each step.",
  typeDescription: "Fully connected layer ('linear' is an alias of 'dense').",
  inDescription: 'Optional assertion on the input shape, e.g. 64 or [32, 64].',
  outDescription: 'Optional assertion on the output shape, e.g. 64 or [32, 64].',
  args: {
    units: { schema: { type: 'integer', minimum: 1 }, description: 'Number of outputs (the output width).', examples: [64] },
    activation: activationArgument("Activation applied to the outputs. Default 'linear' (none).", 'linear'),
    useBias: { schema: { type: 'boolean' }, default: true, description: 'Add a learned bias to each output. Default true.' },
  },
  shape: (input, c) => (input.length === 1 || input.length === 2 ? [...input.slice(0, -1), c.units] : { error: `'dense' needs a vector or a sequence, but gets ${formatShape(input)}` }),
  params: (input, c) => last(input) * c.units + (c.useBias ? c.units : 0),
  emit: ({ tf, seed }, { name, config }) =>
    tf.layers.dense({ name, units: config.units, activation: config.activation, useBias: config.useBias, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
});
