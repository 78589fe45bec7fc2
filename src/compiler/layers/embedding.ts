// embedding: nnc's NncEmbedding (one scatter-add for the gradient), tfjs' outputDim as 'units'.
import { defineLayer } from './define.js';

export type EmbeddingConfig = { units: number; inputDim: number };

export const embedding = defineLayer<EmbeddingConfig>({
  type: 'embedding',
  description: 'Token embedding: maps each token id to a learned vector of \'units\' numbers. Text input only, and only as the first layer.',
  typeDescription: 'Token embedding: one learned vector per vocabulary entry.',
  inDescription: 'Optional assertion on the input shape, e.g. 32 (maxLength token ids).',
  outDescription: 'Optional assertion on the output shape, e.g. [32, 64].',
  args: {
    units: {
      schema: { type: 'integer', minimum: 1 },
      description: "Size of each token's vector (tfjs outputDim). The vocabulary size (inputDim) comes from Tokens.",
      examples: [64],
      configKey: 'outputDim',
    },
  },
  derive: (ctx) => ({ inputDim: ctx.vocabularySize }),
  shape: (input, c, ctx) => {
    if (ctx.inputKind !== 'text') return { error: `'embedding' turns token ids into vectors, but the project's input is 'features'; remove it or set input.type: text in the Project` };
    if (ctx.index !== 0) return { error: `'embedding' must be the first layer, where the token ids are; move it to the top of the list` };
    return [input[0], c.units];
  },
  params: (_input, c) => c.inputDim * c.units,
  emit: ({ nnc, seed }, { name, config }) => new nnc.NncEmbedding({ name, inputDim: config.inputDim, outputDim: config.units, seed }),
});
