// The time loops of NncLstm and NncLstmGrad with the gate arithmetic in
// WebAssembly SIMD (simd/lstm-cells.ts): one call per time step for all batch
// rows, between the step's recurrent products. Used on wasm when the units
// are a multiple of 4; lstm.ts keeps the JavaScript loops for the rest.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelIO } from './kernel-io.js';
import type { SimdKernels } from './simd/module.js';
import { offsetOf } from './simd/wasm-backend.js';

export interface LstmForwardBuffers {
  xw: TensorInfo; recurrentKernel: TensorInfo; bias: TensorInfo;
  hs: TensorInfo; cs: TensorInfo; gates: TensorInfo; hPrev: TensorInfo; hu: TensorInfo;
}

export function lstmForwardSteps(io: KernelIO, backend: unknown, simd: SimdKernels, t: LstmForwardBuffers,
  B: number, T: number, U: number, hard: boolean): void {
  const G = 4 * U;
  const cell = hard ? simd.lstmForwardHard : simd.lstmForward;
  const zeros = io.zeros([B, U], 'float32'); // the cell state before step 0
  const at = (info: TensorInfo) => offsetOf(backend, info);
  for (let step = 0; step < T; step++) {
    io.matMulInto(t.hPrev, t.recurrentKernel, t.hu);
    const first = step === 0;
    cell(at(t.xw) + 4 * step * G, at(t.hu), at(t.bias), at(t.gates) + 4 * step * G,
      first ? at(zeros) : at(t.cs) + 4 * (step - 1) * U, at(t.cs) + 4 * step * U, at(t.hs) + 4 * step * U, at(t.hPrev),
      B, U, 4 * T * G, 4 * T * U, first ? 4 * U : 4 * T * U);
  }
  io.dispose(zeros);
}

export interface LstmBackwardBuffers {
  dz: TensorInfo; dzStep: TensorInfo; cs: TensorInfo; gates: TensorInfo; dhs: TensorInfo; recurrentT: TensorInfo;
}

export function lstmBackwardSteps(io: KernelIO, backend: unknown, simd: SimdKernels, t: LstmBackwardBuffers,
  B: number, T: number, U: number, hard: boolean): void {
  const G = 4 * U;
  const cell = hard ? simd.lstmBackwardHard : simd.lstmBackward;
  const zeros = io.zeros([B, U], 'float32');
  const dhNext = io.zeros([B, U], 'float32');
  const dcNext = io.zeros([B, U], 'float32');
  const at = (info: TensorInfo) => offsetOf(backend, info);
  for (let step = T - 1; step >= 0; step--) {
    const first = step === 0;
    cell(at(t.dz) + 4 * step * G, at(t.dzStep), at(t.cs) + 4 * step * U, first ? at(zeros) : at(t.cs) + 4 * (step - 1) * U,
      at(t.gates) + 4 * step * G, at(t.dhs) + 4 * step * U, at(dhNext), at(dcNext),
      B, U, 4 * T * G, 4 * T * U, first ? 4 * U : 4 * T * U);
    if (!first) io.matMulInto(t.dzStep, t.recurrentT, dhNext);
  }
  for (const info of [zeros, dhNext, dcNext]) io.dispose(info);
}
