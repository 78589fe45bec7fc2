// Small matrix helpers for kernels that call other kernels.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelIO } from './kernel-io.js';

const plain = { transposeA: false, transposeB: false };

export function matMul(io: KernelIO, a: TensorInfo, b: TensorInfo): TensorInfo {
  return io.run('BatchMatMul', { a, b }, plain);
}

export function transpose2d(io: KernelIO, x: TensorInfo): TensorInfo {
  return io.run('Transpose', { x }, { perm: [1, 0] });
}

/** Column sums of a [rows, width] matrix into a new [width] tensor. */
export function columnSums(io: KernelIO, m: TensorInfo, rows: number, width: number): TensorInfo {
  return io.sumRows(m, rows, width);
}

/** a^T . b for a [rows, m] and b [rows, n] (no transpose is materialized on wasm). */
export function transposedProduct(io: KernelIO, a: TensorInfo, b: TensorInfo): TensorInfo {
  return io.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
}
