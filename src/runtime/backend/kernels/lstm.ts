// A whole LSTM sequence in two kernels: NncLstm (forward) and NncLstmGrad
// (backward through time). tf.layers.lstm runs ~50 small ops per time step
// forward and more backward (1,550 Identity calls a step at 32 steps); here a
// time step is one matrix product plus one pass over the gates (WebAssembly
// SIMD on wasm when the units are a multiple of 4, lstm-simd.ts; JavaScript
// otherwise), and the weight gradients are three large products over all
// steps at once.
// Layout as tf.layers.lstm: kernel [D, 4U], recurrentKernel [U, 4U], bias
// [4U], gates in the order i, f, c, o; zero initial state.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName, type KernelIO } from './kernel-io.js';
import { columnSums, matMul, transpose2d, transposedProduct } from './matrix.js';
import { lstmBackwardSteps, lstmForwardSteps } from './lstm-simd.js';
import { simdFor } from './simd/wasm-backend.js';

export const NNC_LSTM = 'NncLstm';
export const NNC_LSTM_GRAD = 'NncLstmGrad';

export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const hardSigmoid = (z: number) => Math.min(1, Math.max(0, 0.2 * z + 0.5));

/** Derivative from the activation's output y. */
function derivative(kind: RecurrentActivation): (y: number) => number {
  return kind === 'sigmoid' ? (y) => y * (1 - y) : (y) => (y > 0 && y < 1 ? 0.2 : 0);
}

/**
 * inputs: x [B, T, D], kernel, recurrentKernel, bias; attrs: recurrentActivation.
 * outputs: [hs [B, T, U], cs [B, T, U], gates [B, T, 4U] after activation].
 */
export function lstmConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const [B, T, D] = x.shape;
    const U = (inputs.recurrentKernel as TensorInfo).shape[0];
    const G = 4 * U;
    const act = attrs.recurrentActivation === 'sigmoid' ? sigmoid : hardSigmoid;
    const x2 = io.reshape(x, [B * T, D]);
    const xw = matMul(io, x2, inputs.kernel as TensorInfo);
    io.dispose(x2);
    const hs = io.alloc([B, T, U], 'float32');
    const cs = io.alloc([B, T, U], 'float32');
    const gates = io.alloc([B, T, G], 'float32');
    const hPrev = io.zeros([B, U], 'float32');
    const hu = io.alloc([B, G], 'float32');
    const simd = backendName === 'wasm' && U % 4 === 0 ? simdFor(backend) : null;
    if (simd) {
      const buffers = { xw, recurrentKernel: inputs.recurrentKernel as TensorInfo, bias: inputs.bias as TensorInfo, hs, cs, gates, hPrev, hu };
      lstmForwardSteps(io, backend, simd, buffers, B, T, U, attrs.recurrentActivation !== 'sigmoid');
    } else {
      for (let t = 0; t < T; t++) {
        io.matMulInto(hPrev, inputs.recurrentKernel as TensorInfo, hu);
        const XW = io.values(xw);
        const HU = io.values(hu);
        const bias = io.values(inputs.bias as TensorInfo);
        const H = io.values(hs);
        const C = io.values(cs);
        const A = io.values(gates);
        const HP = io.values(hPrev);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          const z = row * G;
          const r = b * G;
          for (let j = 0; j < U; j++) {
            const i = act(XW[z + j] + HU[r + j] + bias[j]);
            const f = act(XW[z + U + j] + HU[r + U + j] + bias[U + j]);
            const g = Math.tanh(XW[z + 2 * U + j] + HU[r + 2 * U + j] + bias[2 * U + j]);
            const o = act(XW[z + 3 * U + j] + HU[r + 3 * U + j] + bias[3 * U + j]);
            const cPrev = t > 0 ? C[(row - 1) * U + j] : 0;
            const c = f * cPrev + i * g;
            const h = o * Math.tanh(c);
            A[z + j] = i;
            A[z + U + j] = f;
            A[z + 2 * U + j] = g;
            A[z + 3 * U + j] = o;
            C[row * U + j] = c;
            H[row * U + j] = h;
            HP[b * U + j] = h;
          }
        }
      }
    }
    io.dispose(hu);
    io.dispose(hPrev);
    io.dispose(xw);
    return [hs, cs, gates];
  };
  return { kernelName: NNC_LSTM, backendName, kernelFunc };
}

/** The previous step's h for every (b, t) as [B*T, U] rows, zeros at t = 0: hs shifted by one step. */
export function previousStates(io: KernelIO, hs: TensorInfo, B: number, T: number, U: number): TensorInfo {
  const out = io.zeros([B * T, U], 'float32');
  const H = io.values(hs);
  const O = io.values(out);
  for (let b = 0; b < B; b++) O.set(H.subarray(b * T * U, (b * T + T - 1) * U), (b * T + 1) * U);
  return out;
}

/**
 * inputs: x, kernel, recurrentKernel, hs, cs, gates (from NncLstm) and dhs
 * [B, T, U], the gradient of every step's output; attrs: recurrentActivation.
 * outputs: [dx, dkernel, drecurrentKernel, dbias].
 */
export function lstmGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const kernel = inputs.kernel as TensorInfo;
    const [B, T, D] = x.shape;
    const U = (inputs.recurrentKernel as TensorInfo).shape[0];
    const G = 4 * U;
    const dAct = derivative(attrs.recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hardSigmoid');
    const recurrentT = transpose2d(io, inputs.recurrentKernel as TensorInfo);
    const dz = io.alloc([B * T, G], 'float32');
    const dzStep = io.alloc([B, G], 'float32');
    const dhNext = new Float32Array(B * U);
    const dcNext = new Float32Array(B * U);
    const dhPrev = io.alloc([B, U], 'float32');
    const simd = backendName === 'wasm' && U % 4 === 0 ? simdFor(backend) : null;
    if (simd) {
      const buffers = { dz, dzStep, cs: inputs.cs as TensorInfo, gates: inputs.gates as TensorInfo, dhs: inputs.dhs as TensorInfo, recurrentT };
      lstmBackwardSteps(io, backend, simd, buffers, B, T, U, attrs.recurrentActivation !== 'sigmoid');
    } else {
      for (let t = T - 1; t >= 0; t--) {
        const DZ = io.values(dz);
        const DZS = io.values(dzStep);
        const C = io.values(inputs.cs as TensorInfo);
        const A = io.values(inputs.gates as TensorInfo);
        const DH = io.values(inputs.dhs as TensorInfo);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          const z = row * G;
          const s = b * G;
          for (let j = 0; j < U; j++) {
            const k = b * U + j;
            const dh = DH[row * U + j] + dhNext[k];
            const c = C[row * U + j];
            const tc = Math.tanh(c);
            const i = A[z + j];
            const f = A[z + U + j];
            const g = A[z + 2 * U + j];
            const o = A[z + 3 * U + j];
            const cPrev = t > 0 ? C[(row - 1) * U + j] : 0;
            const dc = dcNext[k] + dh * o * (1 - tc * tc);
            dcNext[k] = dc * f;
            const dzi = dc * g * dAct(i);
            const dzf = dc * cPrev * dAct(f);
            const dzg = dc * i * (1 - g * g);
            const dzo = dh * tc * dAct(o);
            DZ[z + j] = DZS[s + j] = dzi;
            DZ[z + U + j] = DZS[s + U + j] = dzf;
            DZ[z + 2 * U + j] = DZS[s + 2 * U + j] = dzg;
            DZ[z + 3 * U + j] = DZS[s + 3 * U + j] = dzo;
          }
        }
        if (t > 0) {
          io.matMulInto(dzStep, recurrentT, dhPrev);
          dhNext.set(io.values(dhPrev) as Float32Array);
        }
      }
    }
    io.dispose(dhPrev);
    io.dispose(dzStep);
    io.dispose(recurrentT);
    const outputs = weightGradients(io, x, kernel, dz, inputs.hs as TensorInfo, { B, T, D, U, G });
    io.dispose(dz);
    return outputs;
  };
  return { kernelName: NNC_LSTM_GRAD, backendName, kernelFunc };
}

/** dx, dkernel, drecurrentKernel, dbias from the pre-activation gradients dz [B*T, G] of all steps. */
export function weightGradients(
  io: KernelIO, x: TensorInfo, kernel: TensorInfo, dz: TensorInfo, hs: TensorInfo,
  { B, T, D, U, G }: { B: number; T: number; D: number; U: number; G: number },
  recurrentDz: TensorInfo = dz,
): TensorInfo[] {
  const kernelT = transpose2d(io, kernel);
  const dx2 = matMul(io, dz, kernelT);
  io.dispose(kernelT);
  const dx = io.reshape(dx2, [B, T, D]);
  io.dispose(dx2);
  const x2 = io.reshape(x, [B * T, D]);
  const dkernel = io.run('BatchMatMul', { a: x2, b: dz }, { transposeA: true, transposeB: false });
  io.dispose(x2);
  const hPrev = previousStates(io, hs, B, T, U);
  const drecurrent = transposedProduct(io, hPrev, recurrentDz);
  io.dispose(hPrev);
  const dbias = columnSums(io, dz, B * T, G);
  return [dx, dkernel, drecurrent, dbias];
}

