// NncDropoutMask: a dropout mask (0 or 1 / (1 - rate)) from a seeded
// mulberry32 stream in one pass. tf.dropout draws its uniforms through
// seedrandom's alea and then runs four whole-tensor ops: ~1.1 ms for a
// [32, 32, 64] activation on wasm, several times this kernel's cost.
import { util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName } from './kernel-io.js';

export const NNC_DROPOUT_MASK = 'NncDropoutMask';

/** attrs: shape, rate (0 <= rate < 1), seed (an integer). output: the mask, float32. */
export function dropoutMaskConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const shape = attrs.shape as number[];
    const rate = attrs.rate as number;
    const out = io.alloc(shape, 'float32');
    const mask = io.values(out);
    const n = util.sizeFromShape(shape);
    const scale = 1 / (1 - rate);
    let a = (attrs.seed as number) >>> 0;
    for (let i = 0; i < n; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      mask[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 < rate ? 0 : scale;
    }
    return out;
  };
  return { kernelName: NNC_DROPOUT_MASK, backendName, kernelFunc };
}
