// A GRU over a whole sequence with tf.layers.gru's weight layout and
// arithmetic. On wasm and cpu it is two fused kernels (forward, backward
// through time); elsewhere a loop of tf ops differentiated by autodiff.
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';
import { gate, type RecurrentOptions } from './lstm.js';

/** The reference: one step at a time with tf ops, as tf.layers' GRUCell computes it. */
export function gruComposite(tf: Tf, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, options: RecurrentOptions): Tensor {
  const [B, T, D] = x.shape;
  const U = recurrentKernel.shape[0];
  const act = options.recurrentActivation ?? 'hardSigmoid';
  const xw = tf.add(tf.matMul(x.reshape([B * T, D]), kernel), bias).reshape([B, T, 3 * U]);
  // slices, not tf.unstack: Unpack's gradient fails when a step gets no gradient
  const step = (t: number) => tf.slice(xw, [0, t, 0], [B, 1, 3 * U]).reshape([B, 3 * U]);
  const [zrKernel, hKernel] = tf.split(recurrentKernel, [2 * U, U], 1);
  let h: Tensor = tf.zeros([B, U]);
  const outputs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const [xz, xr, xh] = tf.split(step(t), 3, 1);
    const [rz, rr] = tf.split(tf.matMul(h, zrKernel), 2, 1);
    const z = gate(tf, act, tf.add(xz, rz));
    const r = gate(tf, act, tf.add(xr, rr));
    const hh = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), hKernel)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    outputs.push(h);
  }
  return options.returnSequences ? tf.stack(outputs, 1) : h;
}

export function makeGru(tf: Tf) {
  /** x [batch, time, d]; kernel [d, 3u]; recurrentKernel [u, 3u]; bias [3u]; gates z, r, h. */
  return function gru(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, options: RecurrentOptions = {}): Tensor {
    const [B, T] = x.shape;
    const U = recurrentKernel.shape[0];
    if (x.rank !== 3 || kernel.shape[1] !== 3 * U || recurrentKernel.shape[1] !== 3 * U || bias.shape[0] !== 3 * U || kernel.shape[0] !== x.shape[2]) {
      throw new Error(`gru needs x [batch, time, d], kernel [d, 3u], recurrentKernel [u, 3u], bias [3u]; got [${x.shape}], [${kernel.shape}], [${recurrentKernel.shape}], [${bias.shape}].`);
    }
    if (!tf.getKernel('NncGru', tf.getBackend())) return tf.tidy(() => gruComposite(tf, x, kernel, recurrentKernel, bias, options));
    const attrs = { recurrentActivation: options.recurrentActivation ?? 'hardSigmoid' };
    const f = withGradient(tf, ([xIn, k, r, b], save) => {
      const [hs, gates] = tf.engine().runKernel('NncGru', { x: xIn, kernel: k, recurrentKernel: r, bias: b }, attrs) as Tensor[];
      save([xIn, k, r, hs, gates]);
      const value = options.returnSequences ? hs : tf.slice(hs, [0, T - 1, 0], [B, 1, U]).reshape([B, U]);
      const gradFunc = (dy: Tensor, saved: Tensor[]) => {
        const [xs, ks, rs, hss, gs] = saved;
        const dhs = options.returnSequences ? dy : tf.pad(dy.reshape([B, 1, U]), [[0, 0], [T - 1, 0], [0, 0]]);
        return tf.engine().runKernel('NncGruGrad', { x: xs, kernel: ks, recurrentKernel: rs, hs: hss, gates: gs, dhs }, attrs) as Tensor[];
      };
      return { value, gradFunc };
    });
    return f(x, kernel, recurrentKernel, bias);
  };
}
