// The time loops of NncGru and NncGruGrad with the gate arithmetic in
// WebAssembly SIMD (simd/gru-cells.ts), two calls per step around the step's
// two recurrent products. Used on wasm when the units are a multiple of 4.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelIO } from './kernel-io.js';
import type { SimdKernels } from './simd/module.js';
import { offsetOf } from './simd/wasm-backend.js';

export interface GruForwardBuffers {
  xw: TensorInfo; bias: TensorInfo; zr: TensorInfo; hk: TensorInfo;
  hs: TensorInfo; gates: TensorInfo; hPrev: TensorInfo; rh: TensorInfo; inner: TensorInfo; recurrentH: TensorInfo;
}

export function gruForwardSteps(io: KernelIO, backend: unknown, simd: SimdKernels, t: GruForwardBuffers,
  B: number, T: number, U: number, hard: boolean): void {
  const G = 3 * U;
  const at = (info: TensorInfo) => offsetOf(backend, info);
  const gates = hard ? simd.gruGatesHard : simd.gruGates;
  for (let step = 0; step < T; step++) {
    io.matMulInto(t.hPrev, t.zr, t.inner);
    gates(at(t.xw) + 4 * step * G, at(t.inner), at(t.bias), at(t.gates) + 4 * step * G, at(t.hPrev), at(t.rh), B, U, 4 * T * G);
    io.matMulInto(t.rh, t.hk, t.recurrentH);
    simd.gruState(at(t.xw) + 4 * step * G, at(t.recurrentH), at(t.bias), at(t.gates) + 4 * step * G, at(t.hPrev),
      at(t.hs) + 4 * step * U, B, U, 4 * T * G, 4 * T * U);
  }
}

export interface GruBackwardBuffers {
  dz: TensorInfo; hs: TensorInfo; gates: TensorInfo; dhs: TensorInfo; zrT: TensorInfo; hkT: TensorInfo;
  dzhStep: TensorInfo; dzrStep: TensorInfo; dRh: TensorInfo; dhInner: TensorInfo;
}

export function gruBackwardSteps(io: KernelIO, backend: unknown, simd: SimdKernels, t: GruBackwardBuffers,
  B: number, T: number, U: number, hard: boolean): void {
  const G = 3 * U;
  const at = (info: TensorInfo) => offsetOf(backend, info);
  const zeros = io.zeros([B, U], 'float32');
  const dhNext = io.zeros([B, U], 'float32');
  const [back1, back2] = hard ? [simd.gruBack1Hard, simd.gruBack2Hard] : [simd.gruBack1, simd.gruBack2];
  for (let step = T - 1; step >= 0; step--) {
    const first = step === 0;
    const hPrev = first ? at(zeros) : at(t.hs) + 4 * (step - 1) * U;
    const hPrevStride = first ? 4 * U : 4 * T * U;
    back1(at(t.dz) + 4 * step * G, at(t.dzhStep), at(t.gates) + 4 * step * G, hPrev, at(t.dhs) + 4 * step * U, at(dhNext),
      B, U, 4 * T * G, 4 * T * U, hPrevStride);
    io.matMulInto(t.dzhStep, t.hkT, t.dRh);
    back2(at(t.dz) + 4 * step * G, at(t.dzrStep), at(t.gates) + 4 * step * G, hPrev, at(t.dRh), at(dhNext),
      B, U, 4 * T * G, hPrevStride);
    if (!first) {
      io.matMulInto(t.dzrStep, t.zrT, t.dhInner);
      simd.add(at(dhNext), at(dhNext), at(t.dhInner), B * U);
    }
  }
  io.dispose(zeros);
  io.dispose(dhNext);
}
