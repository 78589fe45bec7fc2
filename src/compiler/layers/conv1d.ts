// conv1d: nnc's NncConv1D (im2col + matMul, ops.conv1d), tfjs-layers' arguments and defaults.
import { activationArgument, defineLayer, last, needsSequence, type ActivationId } from './define.js';

export type Conv1dConfig = { filters: number; kernelSize: number; strides: number; padding: 'valid' | 'same' | 'causal'; activation: ActivationId };

export const conv1d = defineLayer<Conv1dConfig>({
  type: 'conv1d',
  description: "1D convolution over the sequence: 'filters' outputs per step from a window of 'kernelSize' steps.",
  typeDescription: '1D convolution over a sequence.',
  inDescription: 'Optional assertion on the input shape, e.g. [32, 64].',
  outDescription: 'Optional assertion on the output shape, e.g. [32, 64].',
  args: {
    filters: { schema: { type: 'integer', minimum: 1 }, description: 'Number of filters (the output width per step).', examples: [64] },
    kernelSize: { schema: { type: 'integer', minimum: 1 }, description: 'Width of the convolution window, in steps.', examples: [3] },
    strides: { schema: { type: 'integer', minimum: 1 }, default: 1, description: 'Steps between two windows. Default 1.' },
    padding: {
      schema: { enum: ['valid', 'same', 'causal'] },
      default: 'valid',
      description: "'valid': no padding, the sequence gets shorter; 'same': keep the length; 'causal': keep the length, looking only at earlier steps. Default 'valid' (as in TensorFlow.js).",
    },
    activation: activationArgument("Activation applied to the outputs. Default 'linear' (none).", 'linear'),
  },
  shape: (input, c) => {
    const bad = needsSequence('conv1d', input);
    if (bad) return bad;
    const steps = c.padding === 'valid' ? Math.ceil((input[0] - c.kernelSize + 1) / c.strides) : Math.ceil(input[0] / c.strides);
    if (steps < 1) return { error: `'conv1d' with kernelSize ${c.kernelSize} and padding 'valid' needs at least ${c.kernelSize} steps, but gets ${input[0]}; use padding: same or a smaller kernelSize` };
    return [steps, c.filters];
  },
  params: (input, c) => c.kernelSize * last(input) * c.filters + c.filters,
  emit: ({ nnc, seed }, { name, config: { filters, kernelSize, strides, padding, activation } }) =>
    new nnc.NncConv1D({ name, filters, kernelSize, strides, padding, activation, useBias: true, seed }),
});
