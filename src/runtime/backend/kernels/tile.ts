// Tile (and so tf.broadcastTo) as row copies. The wasm kernel takes ~3.7 ms
// to broadcast [32, 1, 64] to [32, 32, 64]; copying whole rows takes ~0.05.
import { util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO } from './kernel-io.js';

export function tileConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args;
    const x = inputs.x as TensorInfo;
    const reps = attrs.reps as number[];
    if (x.dtype === 'string' || x.shape.length === 0) return original.kernelFunc(args);
    const io = kernelIO(backend, 'wasm');
    const rank = x.shape.length;
    const outShape = x.shape.map((n, i) => n * reps[i]);
    const out = io.alloc(outShape, x.dtype);
    const X = io.values(x);
    const O = io.values(out);
    const inner = x.shape[rank - 1];
    const outInner = outShape[rank - 1];
    const rows = util.sizeFromShape(outShape.slice(0, -1));
    const outStrides = util.computeStrides(outShape.slice(0, -1));
    const inStrides = util.computeStrides(x.shape.slice(0, -1));
    for (let r = 0; r < rows; r++) {
      // the input row this output row copies: each index modulo the input's size
      let rest = r;
      let src = 0;
      for (let d = 0; d < rank - 1; d++) {
        const stride = d < rank - 2 ? outStrides[d] : 1;
        const index = Math.floor(rest / stride);
        rest -= index * stride;
        src += (index % x.shape[d]) * (d < rank - 2 ? inStrides[d] : 1);
      }
      const from = X.subarray(src * inner, src * inner + inner);
      for (let k = 0; k < outInner; k += inner) O.set(from, r * outInner + k);
    }
    return out;
  };
  return { ...original, kernelFunc };
}
