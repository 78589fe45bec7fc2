// attention: nnc's NncAttention (multi-head self-attention, residual; runtime/emit/attention.ts).
import { defineLayer, last, needsSequence } from './define.js';

export type AttentionConfig = { heads: number; causal: boolean };

export const attention = defineLayer<AttentionConfig>({
  type: 'attention',
  description: 'Multi-head self-attention over the sequence, with a residual connection. Keeps the shape.',
  typeDescription: 'Multi-head self-attention with a residual connection.',
  inDescription: 'Optional assertion on the input shape, e.g. [32, 64].',
  outDescription: 'Optional assertion on the output shape (same as the input).',
  args: {
    heads: { schema: { type: 'integer', minimum: 1 }, default: 1, description: 'Number of attention heads; must divide the input width. Default 1.', examples: [4] },
    causal: { schema: { type: 'boolean' }, default: false, description: 'When true, each step attends only to itself and earlier steps, as generation needs. Default false.' },
  },
  shape: (input, c) => {
    const bad = needsSequence('attention', input);
    if (bad) return bad;
    if (last(input) % c.heads !== 0) return { error: `'attention' with ${c.heads} heads needs a width divisible by ${c.heads}, but gets width ${last(input)}` };
    return input;
  },
  params: (input) => 4 * (last(input) * last(input) + last(input)),
  emit: ({ nnc, seed }, { name, config }) => new nnc.NncAttention({ name, heads: config.heads, causal: config.causal, seed }),
});
