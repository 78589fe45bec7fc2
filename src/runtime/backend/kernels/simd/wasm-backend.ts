// Where nnc's SIMD kernels find tensors on the wasm backend: the backend's
// memory and each tensor's byte offset in it.
import type { TensorInfo } from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels, type WasmMemory } from './module.js';

interface WasmBackendLike {
  wasm?: { asm?: { memory?: WasmMemory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
}

/** The SIMD kernels for this wasm backend, or null when they cannot run here. */
export function simdFor(backend: unknown): SimdKernels | null {
  const memory = (backend as WasmBackendLike).wasm?.asm?.memory;
  return memory ? simdKernels(memory) : null;
}

/** Byte offset of a tensor's values in the wasm backend's memory. */
export function offsetOf(backend: unknown, info: TensorInfo): number {
  return (backend as WasmBackendLike).dataIdMap.get(info.dataId).memoryOffset;
}
