// UnsortedSegmentSum as one scatter-add pass. It is the gradient of gather
// (embedding lookups). wasm has no kernel for it at all, and the stock cpu
// kernel loops once per segment (per vocabulary entry) over the whole input.
import { util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName } from './kernel-io.js';
import { offsetOf, simdFor } from './simd/wasm-backend.js';

export function unsortedSegmentSumConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const segmentIds = inputs.segmentIds as TensorInfo;
    const numSegments = attrs.numSegments as number;
    const innerShape = x.shape.slice(segmentIds.shape.length);
    const inner = util.sizeFromShape(innerShape);
    const count = util.sizeFromShape(segmentIds.shape);
    const out = io.zeros([numSegments, ...innerShape], x.dtype);
    const simd = backendName === 'wasm' && x.dtype === 'float32' && inner % 4 === 0 ? simdFor(backend) : null;
    if (simd) {
      // one vector add per row; ids are read before nothing else allocates
      const ids = io.values(segmentIds);
      const [o, src] = [offsetOf(backend, out), offsetOf(backend, x)];
      for (let i = 0; i < count; i++) {
        const id = ids[i];
        if (id >= 0 && id < numSegments) simd.add(o + 4 * id * inner, o + 4 * id * inner, src + 4 * i * inner, inner);
      }
      return out;
    }
    const o = io.values(out);
    const xs = io.values(x);
    const ids = io.values(segmentIds);
    for (let i = 0; i < count; i++) {
      const id = ids[i];
      if (id < 0 || id >= numSegments) continue; // TensorFlow drops out-of-range ids
      const src = i * inner;
      const dst = id * inner;
      for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
    }
    return out;
  };
  return { kernelName: 'UnsortedSegmentSum', backendName, kernelFunc };
}
