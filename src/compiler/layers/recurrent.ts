// What lstm and gru share: arguments, shape rule, parameter count and emit.
// The usual cell (tanh, sigmoid or hardSigmoid gates) runs on nnc's fused
// sequence kernels (NncRecurrent); any other activation the schema accepts
// runs on tf.layers' own LSTM/GRU, which computes step by step (slower, but
// every identifier is honoured).
import { activationArgument, defineLayer, needsSequence, type ActivationId, type LayerDefinition } from './define.js';

export type RecurrentConfig = { units: number; returnSequences: boolean; activation: ActivationId; recurrentActivation: ActivationId };

/** Gate activations nnc's fused LSTM/GRU kernels compute (src/runtime/ops/lstm.ts). */
export const FUSED_GATE_ACTIVATIONS: readonly ActivationId[] = ['sigmoid', 'hardSigmoid'];

export function recurrentLayer(cell: 'lstm' | 'gru', text: { description: string; typeDescription: string; activationDescription: string }): LayerDefinition<RecurrentConfig> {
  const gates = cell === 'lstm' ? 4 : 3;
  return defineLayer<RecurrentConfig>({
    type: cell,
    description: text.description,
    typeDescription: text.typeDescription,
    inDescription: 'Optional assertion on the input shape, e.g. [32, 64].',
    outDescription: 'Optional assertion on the output shape, e.g. 64, or [32, 64] with returnSequences.',
    args: {
      units: { schema: { type: 'integer', minimum: 1 }, description: 'Size of the hidden state (the output width).', examples: [64] },
      returnSequences: {
        schema: { type: 'boolean' },
        default: false,
        description: 'Output every step (true: a sequence, as attention, conv1d and generation heads need) or only the last step (false: a vector). Default false.',
      },
      activation: activationArgument(`${text.activationDescription} Default 'tanh'; another value runs step by step (slower).`, 'tanh'),
      recurrentActivation: activationArgument(
        "Activation of the gates. Default 'sigmoid' (as in PyTorch and Keras 2; TensorFlow.js defaults to 'hardSigmoid'). 'sigmoid' and 'hardSigmoid' run on nnc's fused kernels; another value runs step by step (slower).",
        'sigmoid',
      ),
    },
    shape: (input, c) => needsSequence(cell, input) ?? (c.returnSequences ? [input[0], c.units] : [c.units]),
    params: (input, c) => gates * (c.units * (input[input.length - 1] + c.units) + c.units),
    emit: ({ tf, nnc, seed }, { name, config }) => {
      const { units, returnSequences, activation, recurrentActivation } = config;
      if (activation === 'tanh' && FUSED_GATE_ACTIVATIONS.includes(recurrentActivation)) {
        return new nnc.NncRecurrent({ name, cell, units, returnSequences, recurrentActivation: recurrentActivation as 'sigmoid' | 'hardSigmoid', seed });
      }
      const args = {
        name,
        units,
        returnSequences,
        activation,
        recurrentActivation,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1, gain: 1 }),
      };
      return cell === 'lstm' ? tf.layers.lstm({ ...args, unitForgetBias: true }) : tf.layers.gru(args);
    },
  });
}
