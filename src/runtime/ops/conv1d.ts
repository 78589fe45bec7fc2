// conv1d as im2col + one matrix product. On wasm and cpu that is two fused
// kernels (NncConv1d, NncConv1dGrad); elsewhere pad + slices + concat + matMul,
// whose gradients are matrix products and slices, which every backend runs
// (tf.conv1d's kernel gradient is missing on wasm and loops per tap on cpu).
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';

export type Conv1dPadding = 'valid' | 'same' | 'causal';

export interface Conv1dOptions {
  /** step between output positions (default 1) */
  readonly strides?: number;
  /** 'valid' (no padding), 'same' (output length ceil(t / strides)) or 'causal' (pad the start only); default 'valid' */
  readonly padding?: Conv1dPadding;
  /** spacing between kernel taps (default 1) */
  readonly dilation?: number;
}

/** Output length and the zeros added before and after the sequence, as tf.conv1d computes them. */
export function conv1dGeometry(steps: number, size: number, options: Conv1dOptions = {}) {
  const strides = options.strides ?? 1;
  const dilation = options.dilation ?? 1;
  const span = (size - 1) * dilation + 1;
  const padding = options.padding ?? 'valid';
  if (padding === 'valid') {
    const outSteps = Math.max(0, Math.floor((steps - span) / strides) + 1);
    return { outSteps, before: 0, after: 0 };
  }
  const outSteps = Math.ceil(steps / strides);
  const total = Math.max(0, (outSteps - 1) * strides + span - steps);
  if (padding === 'causal') return { outSteps, before: total, after: 0 };
  const before = Math.floor(total / 2);
  return { outSteps, before, after: total - before };
}

export function makeConv1d(tf: Tf) {
  return function conv1d(x: Tensor, kernel: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
    if (x.rank === 3 && kernel.rank === 3 && x.shape[2] === kernel.shape[1] && tf.getKernel('NncConv1d', tf.getBackend())) {
      return fusedConv1d(tf, x, kernel, bias ?? null, options);
    }
    return conv1dComposite(tf, x, kernel, bias ?? null, options);
  };
}

/** The same convolution from pad, slices, concat and matMul (any backend; autodiff gradients). */
export function conv1dComposite(tf: Tf, x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return tf.tidy(() => {
    const [batch, steps, channels] = x.shape;
    const [size, kernelChannels, filters] = kernel.shape;
    if (x.rank !== 3 || kernel.rank !== 3 || channels !== kernelChannels) {
      throw new Error(`conv1d needs x [batch, time, channels] and kernel [size, channels, filters]; got [${x.shape}] and [${kernel.shape}].`);
    }
    const strides = options.strides ?? 1;
    const dilation = options.dilation ?? 1;
    const { outSteps, before, after } = conv1dGeometry(steps, size, options);
    // With strides > 1 each tap reads outSteps * strides steps and keeps every strides-th
    // (tf.stridedSlice has no gradient), so pad the end far enough for the last read.
    const read = outSteps * strides;
    const extra = Math.max(0, (size - 1) * dilation + read - (before + steps + after));
    const padded = before + after + extra > 0 ? tf.pad(x, [[0, 0], [before, after + extra], [0, 0]]) : x;
    const taps: Tensor[] = [];
    for (let j = 0; j < size; j++) {
      const start = j * dilation;
      if (strides === 1) {
        taps.push(tf.slice(padded, [0, start, 0], [batch, outSteps, channels]));
      } else {
        const window = tf.slice(padded, [0, start, 0], [batch, read, channels]).reshape([batch, outSteps, strides, channels]);
        taps.push(tf.slice(window, [0, 0, 0, 0], [batch, outSteps, 1, channels]).reshape([batch, outSteps, channels]));
      }
    }
    const columns = taps.length === 1 ? taps[0] : tf.concat(taps, 2);
    const product = tf.matMul(columns.reshape([batch * outSteps, size * channels]), kernel.reshape([size * channels, filters]));
    const out = bias ? tf.add(product, bias) : product;
    return out.reshape([batch, outSteps, filters]);
  });
}

function fusedConv1d(tf: Tf, x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv1dOptions): Tensor {
  const { outSteps, before } = conv1dGeometry((x.shape as number[])[1], (kernel.shape as number[])[0], options);
  const attrs = { strides: options.strides ?? 1, dilation: options.dilation ?? 1, before, outSteps };
  const f = withGradient(tf, ([xIn, k, b], save) => {
    save([xIn, k]);
    const value = tf.engine().runKernel('NncConv1d', { x: xIn, kernel: k, bias: b }, attrs) as Tensor;
    const gradFunc = (dy: Tensor, saved: Tensor[]) =>
      tf.engine().runKernel('NncConv1dGrad', { x: saved[0], kernel: saved[1], dy }, attrs) as Tensor[];
    return { value, gradFunc };
  });
  if (bias) return f(x, kernel, bias);
  return tf.tidy(() => f(x, kernel, tf.zeros([(kernel.shape as number[])[2]])));
}
