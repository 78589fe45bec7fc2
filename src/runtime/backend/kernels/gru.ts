// A whole GRU sequence in two kernels, NncGru and NncGruGrad, with
// tf.layers.gru's layout and arithmetic: kernel [D, 3U], recurrentKernel
// [U, 3U], bias [3U], gates z, r, h; the reset gate applies before the
// recurrent product (hh = tanh(x_h + (r * h) . U_h)); h = z * h' + (1 - z) * hh.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName, type KernelIO } from './kernel-io.js';
import { columnSums, matMul, transpose2d, transposedProduct } from './matrix.js';
import { previousStates } from './lstm.js';
import { gruBackwardSteps, gruForwardSteps } from './gru-simd.js';
import { simdFor } from './simd/wasm-backend.js';

export const NNC_GRU = 'NncGru';
export const NNC_GRU_GRAD = 'NncGruGrad';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const hardSigmoid = (z: number) => Math.min(1, Math.max(0, 0.2 * z + 0.5));

/** Columns [from, from + width) of a [rows, cols] matrix as a new tensor. */
function columns(io: KernelIO, m: TensorInfo, from: number, width: number): TensorInfo {
  const [rows, cols] = m.shape;
  const out = io.alloc([rows, width], 'float32');
  const M = io.values(m);
  const O = io.values(out);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) O[r * width + j] = M[r * cols + from + j];
  return out;
}

/**
 * inputs: x [B, T, D], kernel, recurrentKernel, bias; attrs: recurrentActivation.
 * outputs: [hs [B, T, U], gates [B, T, 3U] (z, r, hh after activation)].
 */
export function gruConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const [B, T, D] = x.shape;
    const U = (inputs.recurrentKernel as TensorInfo).shape[0];
    const G = 3 * U;
    const act = attrs.recurrentActivation === 'sigmoid' ? sigmoid : hardSigmoid;
    const x2 = io.reshape(x, [B * T, D]);
    const xw = matMul(io, x2, inputs.kernel as TensorInfo);
    io.dispose(x2);
    const zr = columns(io, inputs.recurrentKernel as TensorInfo, 0, 2 * U);
    const hk = columns(io, inputs.recurrentKernel as TensorInfo, 2 * U, U);
    const hs = io.alloc([B, T, U], 'float32');
    const gates = io.alloc([B, T, G], 'float32');
    const hPrev = io.zeros([B, U], 'float32');
    const rh = io.alloc([B, U], 'float32');
    const inner = io.alloc([B, 2 * U], 'float32');
    const recurrentH = io.alloc([B, U], 'float32');
    const simd = backendName === 'wasm' && U % 4 === 0 ? simdFor(backend) : null;
    if (simd) {
      const buffers = { xw, bias: inputs.bias as TensorInfo, zr, hk, hs, gates, hPrev, rh, inner, recurrentH };
      gruForwardSteps(io, backend, simd, buffers, B, T, U, attrs.recurrentActivation !== 'sigmoid');
    } else {
      for (let t = 0; t < T; t++) {
        io.matMulInto(hPrev, zr, inner);
        let XW = io.values(xw);
        let bias = io.values(inputs.bias as TensorInfo);
        const IN = io.values(inner);
        let A = io.values(gates);
        let HP = io.values(hPrev);
        const RH = io.values(rh);
        for (let b = 0; b < B; b++) {
          const z0 = (b * T + t) * G;
          for (let j = 0; j < U; j++) {
            const z = act(XW[z0 + j] + bias[j] + IN[b * 2 * U + j]);
            const r = act(XW[z0 + U + j] + bias[U + j] + IN[b * 2 * U + U + j]);
            A[z0 + j] = z;
            A[z0 + U + j] = r;
            RH[b * U + j] = r * HP[b * U + j];
          }
        }
        io.matMulInto(rh, hk, recurrentH);
        XW = io.values(xw);
        bias = io.values(inputs.bias as TensorInfo);
        A = io.values(gates);
        HP = io.values(hPrev);
        const RHK = io.values(recurrentH);
        const H = io.values(hs);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          const z0 = row * G;
          for (let j = 0; j < U; j++) {
            const hh = Math.tanh(XW[z0 + 2 * U + j] + bias[2 * U + j] + RHK[b * U + j]);
            const z = A[z0 + j];
            const h = z * HP[b * U + j] + (1 - z) * hh;
            A[z0 + 2 * U + j] = hh;
            H[row * U + j] = h;
            HP[b * U + j] = h;
          }
        }
      }
    }
    for (const t of [xw, zr, hk, hPrev, rh, inner, recurrentH]) io.dispose(t);
    return [hs, gates];
  };
  return { kernelName: NNC_GRU, backendName, kernelFunc };
}

/**
 * inputs: x, kernel, recurrentKernel, hs, gates (from NncGru), dhs [B, T, U];
 * attrs: recurrentActivation. outputs: [dx, dkernel, drecurrentKernel, dbias].
 */
export function gruGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const [B, T, D] = x.shape;
    const recurrent = inputs.recurrentKernel as TensorInfo;
    const U = recurrent.shape[0];
    const G = 3 * U;
    const sig = attrs.recurrentActivation === 'sigmoid';
    const dAct = sig ? (y: number) => y * (1 - y) : (y: number) => (y > 0 && y < 1 ? 0.2 : 0);
    const zrRows = columns(io, recurrent, 0, 2 * U);
    const zrT = transpose2d(io, zrRows);
    io.dispose(zrRows);
    const hkRows = columns(io, recurrent, 2 * U, U);
    const hkT = transpose2d(io, hkRows);
    io.dispose(hkRows);
    const dz = io.alloc([B * T, G], 'float32');
    const dzhStep = io.alloc([B, U], 'float32');
    const dzrStep = io.alloc([B, 2 * U], 'float32');
    const dhNext = new Float32Array(B * U);
    const dRh = io.alloc([B, U], 'float32');
    const dhInner = io.alloc([B, U], 'float32');
    const simd = backendName === 'wasm' && U % 4 === 0 ? simdFor(backend) : null;
    if (simd) {
      const buffers = { dz, hs: inputs.hs as TensorInfo, gates: inputs.gates as TensorInfo, dhs: inputs.dhs as TensorInfo, zrT, hkT, dzhStep, dzrStep, dRh, dhInner };
      gruBackwardSteps(io, backend, simd, buffers, B, T, U, attrs.recurrentActivation !== 'sigmoid');
    } else {
      for (let t = T - 1; t >= 0; t--) {
        // The candidate's pre-activation gradient first: the reset gate needs its product.
        let H = io.values(inputs.hs as TensorInfo);
        let A = io.values(inputs.gates as TensorInfo);
        const DH = io.values(inputs.dhs as TensorInfo);
        let DZ = io.values(dz);
        const DZH = io.values(dzhStep);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          const z0 = row * G;
          for (let j = 0; j < U; j++) {
            const k = b * U + j;
            const dh = DH[row * U + j] + dhNext[k];
            const z = A[z0 + j];
            const hh = A[z0 + 2 * U + j];
            const hPrev = t > 0 ? H[(row - 1) * U + j] : 0;
            const dzh = dh * (1 - z) * (1 - hh * hh);
            DZ[z0 + 2 * U + j] = DZH[k] = dzh;
            DZ[z0 + j] = dh * (hPrev - hh) * dAct(z); // dz pre-activation
            dhNext[k] = dh * z; // the direct path; the products are added below
          }
        }
        io.matMulInto(dzhStep, hkT, dRh); // gradient of r * h'
        H = io.values(inputs.hs as TensorInfo);
        A = io.values(inputs.gates as TensorInfo);
        DZ = io.values(dz);
        const DRH = io.values(dRh);
        const DZR = io.values(dzrStep);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          const z0 = row * G;
          for (let j = 0; j < U; j++) {
            const k = b * U + j;
            const r = A[z0 + U + j];
            const hPrev = t > 0 ? H[(row - 1) * U + j] : 0;
            const dr = DRH[k] * hPrev * dAct(r);
            DZ[z0 + U + j] = dr;
            DZR[b * 2 * U + j] = DZ[z0 + j];
            DZR[b * 2 * U + U + j] = dr;
            dhNext[k] += DRH[k] * r;
          }
        }
        if (t > 0) {
          io.matMulInto(dzrStep, zrT, dhInner);
          const DI = io.values(dhInner);
          for (let k = 0; k < B * U; k++) dhNext[k] += DI[k];
        }
      }
    }
    for (const t of [zrT, hkT, dzhStep, dzrStep, dRh, dhInner]) io.dispose(t);
    const outputs = gruWeightGradients(io, x, inputs.kernel as TensorInfo, dz, inputs.hs as TensorInfo, inputs.gates as TensorInfo, { B, T, D, U, G });
    io.dispose(dz);
    return outputs;
  };
  return { kernelName: NNC_GRU_GRAD, backendName, kernelFunc };
}

function gruWeightGradients(
  io: KernelIO, x: TensorInfo, kernel: TensorInfo, dz: TensorInfo, hs: TensorInfo, gates: TensorInfo,
  { B, T, D, U, G }: { B: number; T: number; D: number; U: number; G: number },
): TensorInfo[] {
  const kernelT = transpose2d(io, kernel);
  const dx2 = matMul(io, dz, kernelT);
  io.dispose(kernelT);
  const dx = io.reshape(dx2, [B, T, D]);
  io.dispose(dx2);
  const x2 = io.reshape(x, [B * T, D]);
  const dkernel = io.run('BatchMatMul', { a: x2, b: dz }, { transposeA: true, transposeB: false });
  io.dispose(x2);
  // z and r see h'; the candidate sees r * h'.
  const hPrev = previousStates(io, hs, B, T, U);
  const rh = io.alloc([B * T, U], 'float32');
  {
    const HP = io.values(hPrev);
    const A = io.values(gates);
    const RH = io.values(rh);
    for (let row = 0; row < B * T; row++) for (let j = 0; j < U; j++) RH[row * U + j] = HP[row * U + j] * A[row * G + U + j];
  }
  const dzZr = columns(io, dz, 0, 2 * U);
  const dzH = columns(io, dz, 2 * U, U);
  const dZr = transposedProduct(io, hPrev, dzZr);
  const dH = transposedProduct(io, rh, dzH);
  for (const t of [hPrev, rh, dzZr, dzH]) io.dispose(t);
  const drecurrent = io.alloc([U, G], 'float32');
  {
    const O = io.values(drecurrent);
    const Z = io.values(dZr);
    const Hh = io.values(dH);
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < 2 * U; j++) O[i * G + j] = Z[i * 2 * U + j];
      for (let j = 0; j < U; j++) O[i * G + 2 * U + j] = Hh[i * U + j];
    }
  }
  io.dispose(dZr);
  io.dispose(dH);
  const dbias = columnSums(io, dz, B * T, G);
  return [dx, dkernel, drecurrent, dbias];
}
