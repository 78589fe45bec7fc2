// nnc's own kernels (fused training ops), registered under names of their own.
import type { KernelConfig } from '@tensorflow/tfjs';
import type { KernelBackendName } from './kernel-io.js';

export function nncKernelConfigs(backendName: KernelBackendName): Array<{ config: KernelConfig; why: string }> {
  void backendName;
  return [];
}
