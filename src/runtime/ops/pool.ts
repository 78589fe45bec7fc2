// Sequence -> vector pooling over the time axis of x [batch, time, width]:
// mean, max or last step. Mean has a hand-written gradient, one broadcasting
// multiply (tf.mean's builds a ones tensor of x's shape in JavaScript on every
// backward pass; broadcastTo is a Tile, slower on wasm than the multiply).
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';

export type PoolMode = 'mean' | 'max' | 'last';

export function makePool(tf: Tf) {
  /** mask [batch, time]: 1 for steps to pool, 0 for steps to leave out (padding); 'last' ignores it. */
  return function pool(x: Tensor, mode: PoolMode, mask?: Tensor): Tensor {
    if (x.rank !== 3) throw new Error(`pool needs x [batch, time, width]; got [${x.shape}].`);
    const [B, T, D] = x.shape as number[];
    if (mask && mode === 'max') return tf.tidy(() => tf.max(tf.add(x, tf.mul(tf.sub(mask.reshape([B, T, 1]), 1), 1e9)), 1));
    if (mask && mode === 'mean') {
      // a weighted sum with weights mask / count; the gradient is one broadcasting multiply, as below
      const masked = withGradient(tf, ([xIn, mIn], save) => {
        const w = tf.div(mIn, tf.maximum(tf.sum(mIn, 1, true), 1)).reshape([B, T, 1]);
        save([w]);
        return { value: tf.sum(tf.mul(xIn, w), 1), gradFunc: (dy: Tensor, [ws]) => [tf.mul(dy.reshape([B, 1, D]), ws), tf.zerosLike(ws).reshape([B, T])] };
      });
      return masked(x, mask);
    }
    if (mode === 'max') return tf.max(x, 1);
    if (mode === 'last') return tf.tidy(() => tf.slice(x, [0, T - 1, 0], [B, 1, D]).reshape([B, D]));
    const f = withGradient(tf, ([xIn]) => ({
      value: tf.mean(xIn, 1),
      gradFunc: (dy: Tensor) => [tf.mul(dy.reshape([B, 1, D]), tf.fill([1, T, 1], 1 / T))],
    }));
    return f(x);
  };
}
