// wasm's BatchMatMul and _FusedMatMul, replaced. The stock kernels are
// 10-13x slower with a transpose flag than an explicit Transpose followed by a
// plain product (and every matMul gradient sets a flag), run batched products
// (attention) as a scalar loop at ~0.5 GMAC/s, and repack the right-hand side
// on every call. nnc's SIMD product (simd/module.ts) runs every shape we
// train at 7-9 GMAC/s. _FusedMatMul with a bias is also wrong on wasm when a
// flag is set or the batch is larger than one, so those cases are computed as
// product + bias + activation.
import { broadcast_util, util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelIO } from './kernel-io.js';
import { offsetOf, simdFor } from './simd/wasm-backend.js';

function swapLastTwo(io: KernelIO, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return io.run('Transpose', { x }, { perm });
}

/** Inputs with the transpose flags applied, so the product needs none. */
function untransposed(io: KernelIO, a: TensorInfo, b: TensorInfo, attrs: NamedAttrMap) {
  const temps: TensorInfo[] = [];
  const left = attrs.transposeA ? swapLastTwo(io, a) : a;
  const right = attrs.transposeB ? swapLastTwo(io, b) : b;
  if (left !== a) temps.push(left);
  if (right !== b) temps.push(right);
  return { left, right, temps };
}

export function batchMatMulConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const simd = a.dtype === 'float32' && b.dtype === 'float32' ? simdFor(backend) : null;
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    if (!simd || batchA !== batchB) {
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    }
    const io = kernelIO(backend, 'wasm');
    let out: TensorInfo;
    const temps: TensorInfo[] = [];
    if (simd && batchA === batchB) {
      // transposeA is a matter of strides for the SIMD product; transposeB is done explicitly.
      const transposeA = !!attrs.transposeA;
      const right = attrs.transposeB ? swapLastTwo(io, b) : b;
      if (right !== b) temps.push(right);
      const [rowsA, colsA] = a.shape.slice(-2);
      const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
      const n = right.shape[right.shape.length - 1];
      const outShape = [...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
      out = io.alloc(outShape, 'float32');
      simd.bmm(offsetOf(backend, a), offsetOf(backend, right), offsetOf(backend, out), batchA, m, k, n,
        transposeA ? 4 : 4 * k, transposeA ? 4 * m : 4);
    } else {
      const { left, right, temps: made } = untransposed(io, a, b, attrs);
      temps.push(...made);
      out = original.kernelFunc({
        inputs: { a: left, b: right }, backend, attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    }
    for (const t of temps) io.dispose(t);
    return out;
  };
  return { ...original, kernelFunc };
}

const activationKernels: Record<string, string | null> = {
  linear: null, relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', tanh: 'Tanh',
};

export function fusedMatMulConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const bias = inputs.bias as TensorInfo | undefined;
    const batch = Math.max(a.shape[0] ?? 1, b.shape[0] ?? 1);
    const plain = !attrs.transposeA && !attrs.transposeB && (bias == null || batch === 1);
    if (plain) return original.kernelFunc({ inputs, backend, attrs });
    const io = kernelIO(backend, 'wasm');
    const activation = attrs.activation as string;
    const { left, right, temps } = untransposed(io, a, b, attrs);
    const noFlags = { ...attrs, transposeA: false, transposeB: false };
    if (bias == null || batch === 1 || !(activation in activationKernels)) {
      if (bias != null && batch > 1) throw new Error(`_FusedMatMul with activation '${activation}' and a batched bias is not supported on wasm.`);
      const out = original.kernelFunc({ inputs: { ...inputs, a: left, b: right }, backend, attrs: noFlags }) as TensorInfo;
      for (const t of temps) io.dispose(t);
      return out;
    }
    const product = io.run('BatchMatMul', { a: left, b: right }, noFlags);
    const biased = io.run('Add', { a: product, b: bias });
    io.dispose(product);
    for (const t of temps) io.dispose(t);
    const kernel = activationKernels[activation];
    if (kernel == null) return biased;
    const out = io.run(kernel, { x: biased });
    io.dispose(biased);
    return out;
  };
  return { ...original, kernelFunc };
}
