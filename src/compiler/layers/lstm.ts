// lstm: gates i, f, c, o with tf.layers.lstm's weight layout (recurrent.ts holds what it shares with gru).
import { recurrentLayer } from './recurrent.js';

export const lstm = recurrentLayer('lstm', {
  description: 'LSTM recurrent layer over the sequence.',
  typeDescription: 'Long short-term memory recurrent layer.',
  activationDescription: 'Activation of the cell state and output.',
});
