// Direct access to tensor memory from inside a kernel, for the two pure-npm
// backends nnc registers kernels on. On wasm a tensor lives in the module's
// heap: a view into it is valid only until the next allocation (the heap may
// grow), so allocate every output first and take views after.
import { getKernel, util } from './tfjs-core.js';
import type { DataType, KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { offsetOf, simdFor } from './simd/wasm-backend.js';

export type KernelBackendName = 'wasm' | 'cpu';
export type Values = Float32Array | Int32Array | Uint8Array;

export interface KernelIO {
  readonly backendName: KernelBackendName;
  /** The tensor's values; on wasm a view into the heap, so read it before allocating. */
  values(info: TensorInfo): Values;
  /** A new tensor with undefined contents (zero on cpu, garbage on wasm). */
  alloc(shape: number[], dtype: DataType): TensorInfo;
  /** A new tensor filled with zeros. */
  zeros(shape: number[], dtype: DataType): TensorInfo;
  /** Runs another kernel of the same backend directly (no tape, no engine bookkeeping). */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo;
  /** Frees a tensor created with alloc, zeros or run that is not returned. */
  dispose(info: TensorInfo): void;
  /** The same values under another shape (shares memory; dispose it like any other). */
  reshape(info: TensorInfo, shape: number[]): TensorInfo;
  /** out [m, n] = a [m, k] . b [k, n], written into an existing tensor (no allocation with SIMD on wasm). */
  matMulInto(a: TensorInfo, b: TensorInfo, out: TensorInfo): void;
  /**
   * dst[d + i] = a[x + i] + b[y + i] for i < n (element offsets; dst may be a
   * or b): four at a time in WebAssembly on wasm, a loop elsewhere. Re-read
   * views after it only if you allocated in between.
   */
  addInto(dst: TensorInfo, d: number, a: TensorInfo, x: number, b: TensorInfo, y: number, n: number): void;
  /** Column sums of m [rows, width] as a new [width] tensor (SIMD row adds on wasm). */
  sumRows(m: TensorInfo, rows: number, width: number): TensorInfo;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Values;
  disposeData(dataId: object): boolean;
}

interface CpuLike {
  data: { get(dataId: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Values): TensorInfo;
  disposeData(dataId: object): boolean;
}

function typedArrayFor(dtype: DataType, size: number): Values {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  return new Float32Array(size);
}

function addLoop(D: Values, d: number, A: Values, x: number, B: Values, y: number, from: number, n: number): void {
  for (let i = from; i < n; i++) D[d + i] = A[x + i] + B[y + i];
}

function sumRowsLoop(io: KernelIO, m: TensorInfo, rows: number, width: number): TensorInfo {
  const out = io.zeros([width], 'float32');
  const M = io.values(m);
  const O = io.values(out);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) O[j] += M[r * width + j];
  return out;
}

export function kernelIO(backend: unknown, backendName: KernelBackendName): KernelIO {
  const run = (kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo => {
    const config = getKernel(kernelName, backendName);
    if (config == null) throw new Error(`Kernel '${kernelName}' is not registered for backend '${backendName}'.`);
    return config.kernelFunc({ inputs, backend: backend as KernelBackend, attrs }) as TensorInfo;
  };
  const plainInto = (a: TensorInfo, b: TensorInfo, out: TensorInfo, io: KernelIO) => {
    const product = run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    io.values(out).set(io.values(product));
    io.dispose(product);
  };
  if (backendName === 'wasm') {
    const wasm = backend as unknown as WasmLike;
    const simd = simdFor(backend);
    const io: KernelIO = {
      backendName,
      values: (info) => wasm.typedArrayFromHeap(info),
      alloc: (shape, dtype) => wasm.makeOutput(shape, dtype),
      zeros: (shape, dtype) => {
        const out = wasm.makeOutput(shape, dtype);
        wasm.typedArrayFromHeap(out).fill(0);
        return out;
      },
      run,
      dispose: (info) => { wasm.disposeData(info.dataId); },
      reshape: (info, shape) => run('Reshape', { x: info }, { shape }),
      addInto: (dst, d, a, x, b, y, n) => {
        const n4 = simd ? n & ~3 : 0;
        if (n4) simd!.add(offsetOf(backend, dst) + 4 * d, offsetOf(backend, a) + 4 * x, offsetOf(backend, b) + 4 * y, n4);
        if (n4 < n) addLoop(io.values(dst), d, io.values(a), x, io.values(b), y, n4, n);
      },
      sumRows: (m, rows, width) => {
        if (!simd || width % 4) return sumRowsLoop(io, m, rows, width);
        const out = io.zeros([width], 'float32');
        const [o, src] = [offsetOf(backend, out), offsetOf(backend, m)];
        for (let r = 0; r < rows; r++) simd.add(o, o, src + 4 * r * width, width);
        return out;
      },
      matMulInto: (a, b, out) => {
        if (!simd) return plainInto(a, b, out, io);
        const [m, k] = a.shape;
        simd.bmm(offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), 1, m, k, b.shape[1], 4 * k, 4);
      },
    };
    return io;
  }
  const cpu = backend as unknown as CpuLike;
  const make = (shape: number[], dtype: DataType) =>
    cpu.makeTensorInfo(shape, dtype, typedArrayFor(dtype, util.sizeFromShape(shape)));
  const io: KernelIO = {
    backendName,
    values: (info) => cpu.data.get(info.dataId).values,
    alloc: make,
    zeros: make,
    run,
    dispose: (info) => { cpu.disposeData(info.dataId); },
    reshape: (info, shape) => run('Reshape', { x: info }, { shape }),
    matMulInto: (a, b, out) => plainInto(a, b, out, io),
    addInto: (dst, d, a, x, b, y, n) => addLoop(io.values(dst), d, io.values(a), x, io.values(b), y, 0, n),
    sumRows: (m, rows, width) => sumRowsLoop(io, m, rows, width),
  };
  return io;
}
