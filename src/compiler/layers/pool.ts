// pool: nnc's NncPool (sequence -> vector; mean and max leave <pad> steps out).
import { defineLayer, last, needsSequence } from './define.js';

export type PoolConfig = { mode: 'mean' | 'max' | 'last' };

export const pool = defineLayer<PoolConfig>({
  type: 'pool',
  description: 'Pooling over the steps of a sequence: turns [steps, width] into [width].',
  typeDescription: 'Pooling over the steps of a sequence.',
  inDescription: 'Optional assertion on the input shape, e.g. [32, 64].',
  outDescription: 'Optional assertion on the output shape, e.g. 64.',
  args: {
    mode: { schema: { enum: ['mean', 'max', 'last'] }, default: 'mean', description: "'mean' or 'max' over the steps, or the 'last' step. Default 'mean'." },
  },
  shape: (input) => needsSequence('pool', input) ?? [last(input)],
  params: () => 0,
  emit: ({ nnc }, { name, config }) => new nnc.NncPool({ name, mode: config.mode }),
});
