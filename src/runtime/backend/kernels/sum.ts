// Sum over leading axes (the bias gradient of every dense layer and
// projection: dy [rows, width] summed over rows) as vector adds of whole
// rows. The wasm kernel first transposes the reduced axes to the end.
import { backend_util, util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO } from './kernel-io.js';
import { offsetOf, simdFor } from './simd/wasm-backend.js';

export function sumConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args;
    const x = inputs.x as TensorInfo;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    const inner = util.sizeFromShape(x.shape.slice(axes.length));
    const simd = x.dtype === 'float32' && leading && inner % 4 === 0 ? simdFor(backend) : null;
    if (!simd) return original.kernelFunc(args);
    const io = kernelIO(backend, 'wasm');
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const kept = x.shape.slice(axes.length);
    const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
    const out = io.zeros(shape, 'float32');
    const [o, src] = [offsetOf(backend, out), offsetOf(backend, x)];
    for (let r = 0; r < rows; r++) simd.add(o, o, src + 4 * r * inner, inner);
    return out;
  };
  return { ...original, kernelFunc };
}
