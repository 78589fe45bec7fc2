// dropout: nnc's NncDropout (a fresh seeded mask per step). The rate is required, as in tf.layers.dropout.
import { defineLayer, sameShape } from './define.js';

export type DropoutConfig = { rate: number };

export const dropout = defineLayer<DropoutConfig>({
  type: 'dropout',
  description: "Dropout: during training, sets a share 'rate' of the values to 0. Keeps the shape.",
  typeDescription: 'Dropout, active during training only.',
  inDescription: 'Optional assertion on the input shape.',
  outDescription: 'Optional assertion on the output shape (same as the input).',
  args: {
    rate: { schema: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, description: 'Share of values dropped, from 0 up to (not including) 1.', examples: [0.1] },
  },
  shape: sameShape,
  params: () => 0,
  emit: ({ nnc, seed }, { name, config }) => new nnc.NncDropout({ name, rate: config.rate, seed }),
});
