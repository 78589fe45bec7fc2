// Dropout for training: x times a mask of 0 and 1 / (1 - rate), drawn from a
// seeded stream (the same seed gives the same mask). The mask comes from one
// fused kernel on wasm and cpu, from tf.dropout elsewhere; the gradient is
// autodiff's dy * mask.
import type { Tf, Tensor } from './tf.js';

export function makeDropout(tf: Tf) {
  return function dropout(x: Tensor, rate: number, seed: number): Tensor {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1); got ${rate}.`);
    if (rate === 0) return x;
    if (!tf.getKernel('NncDropoutMask', tf.getBackend())) return tf.dropout(x, rate, undefined, seed);
    return tf.tidy(() => {
      const mask = tf.engine().runKernel('NncDropoutMask', {}, { shape: x.shape, rate, seed: Math.floor(seed) }) as Tensor;
      return tf.mul(x, mask);
    });
  };
}
