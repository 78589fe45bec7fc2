// Stock tf.layers instances (LSTM, GRU, Conv1D, Embedding) made to compute
// with nnc's ops. Only the instance's call() changes: class name, config,
// weights and their names stay the stock layer's, so models save and load as
// plain tfjs models (a loaded model can be accelerated again). Configurations
// the ops do not cover (dropout, masks, initial state, stateful, goBackwards,
// other activations) keep the stock call.
import type { Tf, Tensor } from './tf.js';
import type { NncOps } from './index.js';

type Layer = InstanceType<Tf['layers']['Layer']>;
type Kwargs = Record<string, unknown> | undefined;

interface WeightRef {
  read(): Tensor;
}

interface ActivationRef {
  getClassName(): string;
  apply(x: Tensor): Tensor;
}

interface RecurrentCell {
  kernel: WeightRef;
  recurrentKernel: WeightRef;
  bias: WeightRef | null;
  useBias: boolean;
  units: number;
  activation: ActivationRef;
  recurrentActivation: ActivationRef;
  dropout: number;
  recurrentDropout: number;
}

interface RecurrentLayer {
  cell: RecurrentCell;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

interface ConvLayer {
  kernel: WeightRef;
  bias: WeightRef | null;
  activation: ActivationRef | null;
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: string;
  dilationRate: number[];
}

interface EmbeddingLayer {
  embeddings: WeightRef;
}

const single = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);
// tfjs activation class names are the identifiers ('tanh', 'sigmoid', 'hardSigmoid')
const RECURRENT_ACTIVATIONS: Record<string, 'sigmoid' | 'hardSigmoid'> = { sigmoid: 'sigmoid', hardSigmoid: 'hardSigmoid' };

/**
 * Makes a stock LSTM, GRU, Conv1D or Embedding layer compute with nnc's ops;
 * returns false (and changes nothing) for other layers.
 */
export function accelerateLayer(tf: Tf, ops: NncOps, layer: Layer): boolean {
  const kind = layer.getClassName();
  const target = layer as unknown as { call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] };
  const stock = target.call.bind(layer);
  if (kind === 'LSTM' || kind === 'GRU') {
    const rnn = layer as unknown as RecurrentLayer;
    const op = kind === 'LSTM' ? ops.lstm : ops.gru;
    const gates = kind === 'LSTM' ? 4 : 3;
    target.call = (inputs, kwargs) => {
      const cell = rnn.cell;
      const recurrentActivation = RECURRENT_ACTIVATIONS[cell.recurrentActivation.getClassName()];
      const plain = !Array.isArray(inputs) && recurrentActivation && cell.activation.getClassName() === 'tanh' &&
        !cell.dropout && !cell.recurrentDropout && !rnn.returnState && !rnn.goBackwards && !rnn.stateful &&
        kwargs?.['mask'] == null && kwargs?.['initialState'] == null;
      if (!plain) return stock(inputs, kwargs);
      return tf.tidy(() => {
        const bias = cell.useBias && cell.bias ? cell.bias.read() : tf.zeros([gates * cell.units]);
        return op(single(inputs), cell.kernel.read(), cell.recurrentKernel.read(), bias,
          { returnSequences: rnn.returnSequences, recurrentActivation });
      });
    };
    return true;
  }
  if (kind === 'Conv1D') {
    const conv = layer as unknown as ConvLayer;
    target.call = (inputs, kwargs) => {
      if (conv.dataFormat !== 'channelsLast' || Array.isArray(inputs)) return stock(inputs, kwargs);
      return tf.tidy(() => {
        const out = ops.conv1d(single(inputs), conv.kernel.read(), conv.bias ? conv.bias.read() : null,
          { strides: conv.strides[0], padding: conv.padding, dilation: conv.dilationRate[0] });
        return conv.activation ? conv.activation.apply(out) : out;
      });
    };
    return true;
  }
  if (kind === 'Embedding') {
    const embedding = layer as unknown as EmbeddingLayer;
    target.call = (inputs) => tf.tidy(() => ops.embeddingLookup(embedding.embeddings.read(), single(inputs)));
    return true;
  }
  return false;
}
