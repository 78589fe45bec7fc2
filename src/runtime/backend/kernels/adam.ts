// NncAdam: one Adam update of a variable in a single pass over its values
// (the stock optimizer runs about 14 whole-tensor ops per variable, each a
// pass over memory and an allocation; for a 5000x64 embedding table that is
// most of a training step). Same arithmetic as tfjs' AdamOptimizer.
import { util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName } from './kernel-io.js';
import { offsetOf, simdFor } from './simd/wasm-backend.js';

export const NNC_ADAM = 'NncAdam';

/**
 * inputs: value, m, v, gradient (float32, one shape); attrs: learningRate,
 * beta1, beta2, epsilon, and the bias corrections 1 - beta1^t and 1 - beta2^t.
 * outputs: [new value, new m, new v]. When nothing else shares m and v (the
 * usual case) they are updated in place and returned shared, as Identity
 * returns its input, so the caller's assign keeps the same memory. The value
 * always gets a new buffer: the wasm backend's XNNPACK products cache packed
 * weights by tensor id, so a weight changed in place would be read stale.
 */
export function adamConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const value = inputs.value as TensorInfo;
    const n = util.sizeFromShape(value.shape);
    const shared = backend as unknown as { refCount(dataId: object): number; incRef(dataId: object): void };
    const slots = [inputs.m as TensorInfo, inputs.v as TensorInfo];
    const inPlace = slots.every((t) => shared.refCount(t.dataId) === 1);
    const outValue = io.alloc(value.shape, 'float32');
    const [outM, outV] = inPlace
      ? slots.map((t) => {
        shared.incRef(t.dataId);
        return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
      })
      : slots.map(() => io.alloc(value.shape, 'float32'));
    const x = io.values(value);
    const m = io.values(inputs.m as TensorInfo);
    const v = io.values(inputs.v as TensorInfo);
    const g = io.values(inputs.gradient as TensorInfo);
    const ox = io.values(outValue);
    const om = io.values(outM);
    const ov = io.values(outV);
    const lr = attrs.learningRate as number;
    const beta1 = attrs.beta1 as number;
    const beta2 = attrs.beta2 as number;
    const epsilon = attrs.epsilon as number;
    const c1 = 1 / (attrs.correction1 as number);
    const c2 = 1 / (attrs.correction2 as number);
    const b1 = 1 - beta1;
    const b2 = 1 - beta2;
    let first = 0;
    const simd = backendName === 'wasm' ? simdFor(backend) : null;
    if (simd) {
      // Four floats at a time in WebAssembly; the last n % 4 below.
      first = n & ~3;
      const at = (name: string) => offsetOf(backend, inputs[name] as TensorInfo);
      simd.adam(at('value'), at('m'), at('v'), at('gradient'), offsetOf(backend, outValue), offsetOf(backend, outM), offsetOf(backend, outV),
        first, lr * c1, beta1, b1, beta2, b2, epsilon, c2);
    }
    for (let i = first; i < n; i++) {
      const gi = g[i];
      const mi = m[i] * beta1 + gi * b1;
      const vi = v[i] * beta2 + gi * gi * b2;
      om[i] = mi;
      ov[i] = vi;
      ox[i] = x[i] - (lr * mi * c1) / (Math.sqrt(vi * c2) + epsilon);
    }
    return [outValue, outM, outV];
  };
  return { kernelName: NNC_ADAM, backendName, kernelFunc };
}
