// nnc's own kernels (fused training ops), registered under names of their own
// on the backends whose tensor memory nnc can reach (wasm, cpu). The ops in
// src/runtime/ops use them when registered and fall back to tf ops otherwise.
import type { KernelConfig } from '@tensorflow/tfjs';
import type { KernelBackendName } from './kernel-io.js';
import { adamConfig } from './adam.js';
import { lstmConfig, lstmGradConfig } from './lstm.js';
import { gruConfig, gruGradConfig } from './gru.js';
import { conv1dConfig, conv1dGradConfig } from './conv1d.js';
import { dropoutMaskConfig } from './dropout-mask.js';

export function nncKernelConfigs(backendName: KernelBackendName): Array<{ config: KernelConfig; why: string }> {
  return [
    { config: adamConfig(backendName), why: 'one pass per variable instead of ~14 tensor ops (nncOps.createAdam)' },
    { config: lstmConfig(backendName), why: 'a whole LSTM sequence forward: one product and one gate pass per step (nncOps.lstm)' },
    { config: lstmGradConfig(backendName), why: 'LSTM backward through time with whole-sequence weight gradients (nncOps.lstm)' },
    { config: gruConfig(backendName), why: 'a whole GRU sequence forward: two products and two gate passes per step (nncOps.gru)' },
    { config: gruGradConfig(backendName), why: 'GRU backward through time with whole-sequence weight gradients (nncOps.gru)' },
    { config: conv1dConfig(backendName), why: 'conv1d as im2col written from x plus one product (nncOps.conv1d)' },
    { config: conv1dGradConfig(backendName), why: 'conv1d gradients: two products (one reading im2col transposed) and col2im (nncOps.conv1d)' },
    { config: dropoutMaskConfig(backendName), why: 'a dropout mask in one seeded pass (nncOps.dropout)' },
  ];
}
