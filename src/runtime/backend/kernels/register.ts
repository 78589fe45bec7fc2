// Installs nnc's kernels on a backend, and takes them out again (the speed
// benchmark compares stock and nnc kernels in one process).
import { getGradient, getKernel, registerGradient, registerKernel, unregisterKernel } from './tfjs-core.js';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { batchMatMulConfig, fusedMatMulConfig } from './matmul.js';
import { tileGradient } from './tile-gradient.js';
import { gatherConfig } from './gather.js';
import { tileConfig } from './tile.js';
import { sumConfig } from './sum.js';
import { identityConfig } from './identity.js';
import { nncKernelConfigs } from './nnc-kernels.js';

export interface InstalledKernels {
  readonly backendName: string;
  /** 'Name: why' for every kernel and gradient installed. */
  readonly installed: readonly string[];
  /** Puts the stock kernels and gradients back. */
  restore(): void;
}

interface Entry {
  readonly config: KernelConfig;
  readonly why: string;
}

function kernelsFor(backendName: string): Entry[] {
  if (backendName === 'wasm') {
    const entries: Entry[] = [
      { config: unsortedSegmentSumConfig('wasm'), why: 'missing on wasm (gradient of embedding gather)' },
      { config: conv2dBackpropFilterConfig('wasm'), why: 'missing on wasm (kernel gradient of conv1d)' },
    ];
    const batchMatMul = getKernel('BatchMatMul', 'wasm');
    if (batchMatMul) entries.push({ config: batchMatMulConfig(batchMatMul), why: 'SIMD product: stock flags are 10x slower, batched products 15x slower' });
    const gather = getKernel('GatherV2', 'wasm');
    if (gather) entries.push({ config: gatherConfig(gather), why: 'row copies instead of per-element copies (embedding lookups)' });
    const identity = getKernel('Identity', 'wasm');
    if (identity) entries.push({ config: identityConfig(identity), why: 'shares the data instead of copying it (tape saves, clones)' });
    const sum = getKernel('Sum', 'wasm');
    if (sum) entries.push({ config: sumConfig(sum), why: 'sums over leading axes (bias gradients) as row adds, no transpose' });
    const tile = getKernel('Tile', 'wasm');
    if (tile) entries.push({ config: tileConfig(tile), why: 'row copies (broadcastTo); the stock kernel is ~70x slower' });
    const fused = getKernel('_FusedMatMul', 'wasm');
    if (fused) entries.push({ config: fusedMatMulConfig(fused), why: 'wrong with a bias and a transpose flag or batch > 1; flags slow' });
    return [...entries, ...nncKernelConfigs('wasm')];
  }
  if (backendName === 'cpu') {
    return [
      { config: unsortedSegmentSumConfig('cpu'), why: 'stock kernel loops once per vocabulary entry' },
      { config: conv2dBackpropFilterConfig('cpu'), why: 'stock kernel loops once per filter tap' },
      ...nncKernelConfigs('cpu'),
    ];
  }
  return [];
}

const installedByBackend = new Map<string, InstalledKernels>();
// The gradient registry is shared by all backends: ours stays while any backend has nnc kernels.
let tileUsers = 0;
let stockTile: GradConfig | undefined;

/** Registers nnc's kernels for `backendName` ('wasm' or 'cpu'; others get none). Idempotent. */
export function installKernels(backendName: string): InstalledKernels {
  const existing = installedByBackend.get(backendName);
  if (existing) return existing;
  const previous: Array<{ name: string; config: KernelConfig | undefined }> = [];
  const installed: string[] = [];
  for (const { config, why } of kernelsFor(backendName)) {
    const old = getKernel(config.kernelName, backendName);
    previous.push({ name: config.kernelName, config: old });
    if (old) unregisterKernel(config.kernelName, backendName);
    registerKernel(config);
    installed.push(`${config.kernelName}: ${why}`);
  }
  if (tileUsers++ === 0) {
    stockTile = getGradient('Tile') as GradConfig | undefined;
    registerGradient(tileGradient);
  }
  installed.push('Tile gradient: one reshape and one sum instead of a Slice per repeat');
  const result: InstalledKernels = {
    backendName,
    installed,
    restore() {
      for (const { name, config } of previous.reverse()) {
        if (getKernel(name, backendName)) unregisterKernel(name, backendName);
        if (config) registerKernel(config);
      }
      installedByBackend.delete(backendName);
      if (--tileUsers === 0 && stockTile) registerGradient(stockTile);
    },
  };
  installedByBackend.set(backendName, result);
  return result;
}
