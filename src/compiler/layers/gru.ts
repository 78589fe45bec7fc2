// gru: gates z, r, h with tf.layers.gru's weight layout (recurrent.ts holds what it shares with lstm).
import { recurrentLayer } from './recurrent.js';

export const gru = recurrentLayer('gru', {
  description: 'GRU recurrent layer over the sequence.',
  typeDescription: 'Gated recurrent unit layer.',
  activationDescription: 'Activation of the candidate state.',
});
