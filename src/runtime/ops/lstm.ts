// An LSTM over a whole sequence, with tf.layers.lstm's weight layout and
// arithmetic (so a model can keep saving as a tfjs LSTM). On wasm and cpu it
// is two fused kernels (forward, backward through time); elsewhere a loop of
// tf ops differentiated by autodiff.
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';

export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

export interface RecurrentOptions {
  /** all steps [batch, time, units] (true) or the last step [batch, units] (default false) */
  readonly returnSequences?: boolean;
  /** gate activation; tf.layers' default is 'hardSigmoid' */
  readonly recurrentActivation?: RecurrentActivation;
}

function gate(tf: Tf, kind: RecurrentActivation, z: Tensor): Tensor {
  return kind === 'sigmoid' ? tf.sigmoid(z) : tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1);
}

/** The reference: one step at a time with tf ops (any backend). */
function lstmComposite(tf: Tf, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, options: RecurrentOptions): Tensor {
  const [B, T, D] = x.shape;
  const U = recurrentKernel.shape[0];
  const act = options.recurrentActivation ?? 'hardSigmoid';
  const xw = tf.add(tf.matMul(x.reshape([B * T, D]), kernel), bias).reshape([B, T, 4 * U]);
  // slices, not tf.unstack: Unpack's gradient fails when a step gets no gradient
  const step = (t: number) => tf.slice(xw, [0, t, 0], [B, 1, 4 * U]).reshape([B, 4 * U]);
  let h: Tensor = tf.zeros([B, U]);
  let c: Tensor = tf.zeros([B, U]);
  const outputs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const [zi, zf, zc, zo] = tf.split(tf.add(step(t), tf.matMul(h, recurrentKernel)), 4, 1);
    c = tf.add(tf.mul(gate(tf, act, zf), c), tf.mul(gate(tf, act, zi), tf.tanh(zc)));
    h = tf.mul(gate(tf, act, zo), tf.tanh(c));
    outputs.push(h);
  }
  return options.returnSequences ? tf.stack(outputs, 1) : h;
}

export function makeLstm(tf: Tf) {
  /**
   * x [batch, time, features]; kernel [features, 4u]; recurrentKernel [u, 4u];
   * bias [4u]; gates i, f, c, o as tf.layers.lstm; zero initial state.
   */
  return function lstm(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, options: RecurrentOptions = {}): Tensor {
    const [B, T] = x.shape;
    const U = recurrentKernel.shape[0];
    if (x.rank !== 3 || kernel.shape[1] !== 4 * U || recurrentKernel.shape[1] !== 4 * U || bias.shape[0] !== 4 * U || kernel.shape[0] !== x.shape[2]) {
      throw new Error(`lstm needs x [batch, time, d], kernel [d, 4u], recurrentKernel [u, 4u], bias [4u]; got [${x.shape}], [${kernel.shape}], [${recurrentKernel.shape}], [${bias.shape}].`);
    }
    if (!tf.getKernel('NncLstm', tf.getBackend())) return tf.tidy(() => lstmComposite(tf, x, kernel, recurrentKernel, bias, options));
    const attrs = { recurrentActivation: options.recurrentActivation ?? 'hardSigmoid' };
    const f = withGradient(tf, ([xIn, k, r, b], save) => {
      const [hs, cs, gates] = tf.engine().runKernel('NncLstm', { x: xIn, kernel: k, recurrentKernel: r, bias: b }, attrs) as Tensor[];
      save([xIn, k, r, hs, cs, gates]);
      const value = options.returnSequences ? hs : tf.slice(hs, [0, T - 1, 0], [B, 1, U]).reshape([B, U]);
      const gradFunc = (dy: Tensor, saved: Tensor[]) => {
        const [xs, ks, rs, hss, css, gs] = saved;
        const dhs = options.returnSequences ? dy : tf.pad(dy.reshape([B, 1, U]), [[0, 0], [T - 1, 0], [0, 0]]);
        return tf.engine().runKernel('NncLstmGrad', { x: xs, kernel: ks, recurrentKernel: rs, hs: hss, cs: css, gates: gs, dhs }, attrs) as Tensor[];
      };
      return { value, gradFunc };
    });
    return f(x, kernel, recurrentKernel, bias);
  };
}

export { lstmComposite, gate };
