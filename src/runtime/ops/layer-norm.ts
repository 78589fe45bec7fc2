// Layer normalization over the last axis from moments, with a hand-written
// gradient (a handful of whole-tensor ops instead of autodiff's chain).
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';

export function makeLayerNorm(tf: Tf) {
  return function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon = 1e-5): Tensor {
    const width = x.shape[x.rank - 1];
    const f = withGradient(tf, ([xIn, g, b], save) => {
      const { mean, variance } = tf.moments(xIn, -1, true);
      const rstd = tf.rsqrt(tf.add(variance, epsilon));
      const normalized = tf.mul(tf.sub(xIn, mean), rstd);
      save([normalized, rstd, g]);
      const value = tf.add(tf.mul(normalized, g), b);
      const gradFunc = (dy: Tensor, saved: Tensor[]) => {
        const [xhat, r, gam] = saved;
        const rows = dy.reshape([-1, width]);
        const dgamma = tf.sum(tf.mul(rows, xhat.reshape([-1, width])), 0);
        const dbeta = tf.sum(rows, 0);
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma
        const dxhat = tf.mul(dy, gam);
        const meanD = tf.mean(dxhat, -1, true);
        const meanDX = tf.mean(tf.mul(dxhat, xhat), -1, true);
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, meanD), tf.mul(xhat, meanDX)));
        return [dx, dgamma, dbeta];
      };
      return { value, gradFunc };
    });
    if (gamma.shape.length !== 1 || gamma.shape[0] !== width) throw new Error(`layerNorm gamma must have shape [${width}]; got [${gamma.shape}].`);
    return f(x, gamma, beta);
  };
}
