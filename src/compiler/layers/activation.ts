// activation: tf.layers.activation.
import { activationArgument, defineLayer, sameShape, type ActivationId } from './define.js';

export type ActivationConfig = { activation: ActivationId };

export const activation = defineLayer<ActivationConfig>({
  type: 'activation',
  // 'activation' names the shared enum of activation identifiers in the schema
  schemaName: 'activationLayer',
  description: 'Applies an activation function on its own. Keeps the shape.',
  typeDescription: 'An activation function as a layer.',
  inDescription: 'Optional assertion on the input shape.',
  outDescription: 'Optional assertion on the output shape (same as the input).',
  args: {
    activation: { ...activationArgument('The activation function to apply.'), examples: ['relu'] },
  },
  shape: sameShape,
  params: () => 0,
  emit: ({ tf }, { name, config }) => tf.layers.activation({ name, activation: config.activation }),
});
