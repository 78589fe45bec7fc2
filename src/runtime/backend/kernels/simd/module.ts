// nnc's WebAssembly SIMD kernels, run directly on the wasm backend's memory
// (the module imports the backend's WebAssembly.Memory, so pointers are the
// backend's own tensor offsets and no data is copied):
//   bmm   batched products (product.ts): 12-20 GMAC/s against the wasm
//         backend's 5-8 for single products and 0.5 for batched ones
//   adam  one Adam update, four floats at a time
//   add   elementwise sum (bias rows, column sums, scatter-add)
//   cols  im2col and col2im for conv1d
//   lstm*, gru*  one recurrent time step's gate arithmetic (lstm-cells.ts, gru-cells.ts)
import { setFlagsFromString as v8SetFlags } from 'node:v8';
import {
  assemble, F32, I32, V128, type ValType, f32x4Add, f32x4Div, f32x4Mul, f32x4Splat, f32x4Sqrt, f32x4Sub, forLoop,
  get, i32, i32Add, i32LtU, i32Mul, i32Shl, i32Sub, set, tee, v128Load, v128Store,
} from './assembler.js';
import { cachedBytes } from './bytes-cache.js';
import { bmmFunction } from './product.js';
import { lstmBackwardFunction, lstmForwardFunction } from './lstm-cells.js';
import { gruBack1Function, gruBack2Function, gruGatesFunction, gruStateFunction } from './gru-cells.js';

type WasmFunctionOf = (...args: number[]) => void;
type LstmCellFunction = (p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number,
  batch: number, units: number, strideG: number, strideU: number, strideCPrev: number) => void;

export interface SimdKernels {
  /** 'relaxed-simd' (fused multiply-add) or 'simd' */
  readonly mode: 'relaxed-simd' | 'simd';
  /**
   * C[p] = A[p] . B[p] for p < batch; B [K, N] and C [M, N] row-major; A's
   * element (i, k) at byte aRowStride * i + aKStride * k of its matrix (4K, 4
   * for A [M, K]; 4, 4M for A stored transposed as [K, M]). Byte offsets.
   */
  bmm(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, aRowStride: number, aKStride: number): void;
  /**
   * Between x [B, T, C] and its im2col matrix p [B * outSteps, K * C] (C a
   * multiple of 4): toCols 1 copies x into p (p zeroed before), 0 adds p back
   * onto x (col2im). Byte offsets.
   */
  cols(x: number, p: number, B: number, T: number, C: number, K: number, outSteps: number,
    strides: number, dilation: number, before: number, toCols: number): void;
  /** One LSTM step's gates for every batch row (simd/lstm-cells.ts); `Hard` variants use hardSigmoid gates. */
  lstmForward: LstmCellFunction;
  lstmForwardHard: LstmCellFunction;
  lstmBackward: LstmCellFunction;
  lstmBackwardHard: LstmCellFunction;
  /** GRU step halves (simd/gru-cells.ts); arguments as documented there. */
  gruGates: WasmFunctionOf; gruGatesHard: WasmFunctionOf; gruState: WasmFunctionOf;
  gruBack1: WasmFunctionOf; gruBack1Hard: WasmFunctionOf; gruBack2: WasmFunctionOf; gruBack2Hard: WasmFunctionOf;
  /** dst = a + b over n4 floats (a multiple of 4); dst may be a or b. Byte offsets. */
  add(dst: number, a: number, b: number, n4: number): void;
  /** Adam over the first n4 (a multiple of 4) floats; c1 = 1 / (1 - beta1^t), c2 likewise. */
  adam(
    x: number, m: number, v: number, g: number, ox: number, om: number, ov: number, n4: number,
    lrC1: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, epsilon: number, c2: number,
  ): void;
}

function adamFunction() {
  const [X, M, V, G, OX, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [LRC1, B1, OB1, B2, OB2, EPS, C2] = [8, 9, 10, 11, 12, 13, 14];
  const [O, END] = [15, 16];
  const [vLRC1, vB1, vOB1, vB2, vOB2, vEPS, vC2, GI, MI, VI] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const at = (ptr: number) => [...get(ptr), ...get(O), ...i32Add];
  const splat = (from: number, to: number) => [...get(from), ...f32x4Splat, ...set(to)];
  const body = [
    ...get(N), ...i32(2), ...i32Shl, ...set(END),
    ...splat(LRC1, vLRC1), ...splat(B1, vB1), ...splat(OB1, vOB1), ...splat(B2, vB2), ...splat(OB2, vOB2),
    ...splat(EPS, vEPS), ...splat(C2, vC2),
    ...i32(0), ...set(O),
    ...forLoop(O, END, 16, [
      ...at(G), ...v128Load(), ...set(GI),
      ...at(M), ...v128Load(), ...get(vB1), ...f32x4Mul, ...get(GI), ...get(vOB1), ...f32x4Mul, ...f32x4Add, ...set(MI),
      ...at(V), ...v128Load(), ...get(vB2), ...f32x4Mul,
      ...get(GI), ...get(GI), ...f32x4Mul, ...get(vOB2), ...f32x4Mul, ...f32x4Add, ...set(VI),
      ...at(OM), ...get(MI), ...v128Store(),
      ...at(OV), ...get(VI), ...v128Store(),
      ...at(OX),
      ...at(X), ...v128Load(),
      ...get(vLRC1), ...get(MI), ...f32x4Mul,
      ...get(VI), ...get(vC2), ...f32x4Mul, ...f32x4Sqrt, ...get(vEPS), ...f32x4Add,
      ...f32x4Div, ...f32x4Sub,
      ...v128Store(),
    ]),
  ];
  return {
    name: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32] as const,
    locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128] as const,
    body,
  };
}

/** The parts of the WebAssembly API used here (lib ES2022 does not declare them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
export type WasmMemory = object;

function addFunction() {
  const [DST, A, B, N, O, END] = [0, 1, 2, 3, 4, 5];
  const at = (ptr: number) => [...get(ptr), ...get(O), ...i32Add];
  return {
    name: 'add',
    params: [I32, I32, I32, I32] as const,
    locals: [I32, I32] as const,
    body: [
      ...get(N), ...i32(2), ...i32Shl, ...set(END),
      ...i32(0), ...set(O),
      ...forLoop(O, END, 16, [...at(DST), ...at(A), ...v128Load(), ...at(B), ...v128Load(), ...f32x4Add, ...v128Store()]),
    ],
  };
}

function colsFunction() {
  const [X, P, B, T, C, K, OUT, STRIDES, DIL, BEFORE, TOCOLS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [b, t, k, ROW, SRC, XP, CP, O, CB] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
  const copy = forLoop(O, CB, 16, [
    ...get(CP), ...get(O), ...i32Add, ...get(XP), ...get(O), ...i32Add, ...v128Load(), ...v128Store(),
  ]);
  const accumulate = forLoop(O, CB, 16, [
    ...get(XP), ...get(O), ...i32Add,
    ...get(XP), ...get(O), ...i32Add, ...v128Load(), ...get(CP), ...get(O), ...i32Add, ...v128Load(), ...f32x4Add,
    ...v128Store(),
  ]);
  return {
    name: 'cols',
    params: new Array(11).fill(I32) as ValType[],
    locals: new Array(9).fill(I32) as ValType[],
    body: [
      ...get(C), ...i32(2), ...i32Shl, ...set(CB),
      ...i32(0), ...set(b),
      ...forLoop(b, B, 1, [
        ...i32(0), ...set(t),
        ...forLoop(t, OUT, 1, [
          // ROW = p + (b * OUT + t) * K * C * 4
          ...get(P), ...get(b), ...get(OUT), ...i32Mul, ...get(t), ...i32Add, ...get(K), ...i32Mul, ...get(CB), ...i32Mul, ...i32Add, ...set(ROW),
          ...i32(0), ...set(k),
          ...forLoop(k, K, 1, [
            ...get(t), ...get(STRIDES), ...i32Mul, ...get(k), ...get(DIL), ...i32Mul, ...i32Add, ...get(BEFORE), ...i32Sub, ...tee(SRC),
            ...get(T), ...i32LtU, // 0 <= src < T, as one unsigned comparison
            0x04, 0x40, // if
            ...get(X), ...get(b), ...get(T), ...i32Mul, ...get(SRC), ...i32Add, ...get(CB), ...i32Mul, ...i32Add, ...set(XP),
            ...get(ROW), ...get(k), ...get(CB), ...i32Mul, ...i32Add, ...set(CP),
            ...i32(0), ...set(O),
            ...get(TOCOLS), 0x04, 0x40, ...copy, 0x05, ...accumulate, 0x0b,
            0x0b,
          ]),
        ]),
      ]),
    ],
  };
}

const byMemory = new WeakMap<WasmMemory, SimdKernels | null>();

/**
 * Whether to try relaxed SIMD's fused multiply-add (1.5x faster products where
 * the CPU has FMA). Node 20's V8 has it behind a flag, which V8 reads when it
 * compiles a module, so nnc sets it first (Node 22 ships it on). NNC_RELAXED_SIMD=0
 * keeps to plain SIMD.
 */
function relaxedSimd(): boolean {
  if (process.env.NNC_RELAXED_SIMD === '0') return false;
  try {
    v8SetFlags('--experimental-wasm-relaxed-simd');
    return true;
  } catch {
    return false;
  }
}

/** The kernels bound to this memory, or null when this engine cannot run them (no SIMD, shared memory). */
export function simdKernels(memory: WasmMemory): SimdKernels | null {
  if (byMemory.has(memory)) return byMemory.get(memory)!;
  let kernels: SimdKernels | null = null;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    for (const fused of relaxedSimd() ? [true, false] : [false]) {
      try {
        // remembered between processes (bytes-cache.ts): assembling is most of this module's start-up
        const module = new wasm.Module(cachedBytes(fused ? 'simd-fma' : 'simd', () => assemble([
          bmmFunction(fused), adamFunction(), addFunction(), colsFunction(),
          lstmForwardFunction(false), lstmForwardFunction(true), lstmBackwardFunction(false), lstmBackwardFunction(true),
          gruGatesFunction(false), gruGatesFunction(true), gruStateFunction(),
          gruBack1Function(false), gruBack1Function(true), gruBack2Function(false), gruBack2Function(true),
        ])));
        const instance = new wasm.Instance(module, { env: { memory } });
        kernels = { ...(instance.exports as object), mode: fused ? 'relaxed-simd' : 'simd' } as SimdKernels;
        break;
      } catch {
        kernels = null;
      }
    }
  } catch {
    kernels = null;
  }
  byMemory.set(memory, kernels);
  return kernels;
}
