// Tensor methods (x.reshape(...), x.transpose(...): tfjs' "chained ops") for
// the inference-only load of TensorFlow.js (index.ts). @tensorflow/tfjs
// defines them in its own 1.3 MB bundle, together with every gradient; a
// process that only predicts loads tfjs-core and tfjs-layers alone and gets
// the methods from here instead, as tfjs-core 4.22's
// public/chained_ops/*.js define them: each calls the op of its name with the
// tensor first, except the few below (a test checks the set against
// @tensorflow/tfjs' own). A method already defined (the full
// @tensorflow/tfjs was loaded) is left as it is.
import type * as tfjs from '@tensorflow/tfjs';

type Core = typeof tfjs;
type Method = (this: tfjs.Tensor & { throwIfDisposed(): void }, ...args: never[]) => unknown;

/** Methods that call the op of the same name with the tensor as its first argument. */
const SAME_NAME = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'avgPool',
  'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d', 'conv2dTranspose',
  'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div', 'divNoNan', 'dot', 'elu',
  'equal', 'erf', 'euclideanNorm', 'exp', 'expandDims', 'expm1', 'fft', 'floor', 'floorDiv', 'gather', 'greater',
  'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu', 'less', 'lessEqual', 'localResponseNormalization',
  'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp', 'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul',
  'max', 'maxPool', 'maximum', 'mean', 'min', 'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot',
  'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape', 'reverse', 'rfft', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin',
  'sinh', 'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference', 'squeeze',
  'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique', 'unsortedSegmentSum',
  'unstack', 'zerosLike',
] as const;

/** Defines the tensor methods tfjs-core leaves out; returns how many it defined. */
export function registerChainedOps(core: Core): number {
  const proto = core.Tensor.prototype as unknown as Record<string, Method>;
  const ops = core as unknown as Record<string, (...args: unknown[]) => unknown>;
  const methods: Record<string, Method> = {
    as1D() { this.throwIfDisposed(); return core.reshape(this, [this.size]); },
    as2D(rows: number, columns: number) { this.throwIfDisposed(); return core.reshape(this, [rows, columns]); },
    as3D(rows: number, columns: number, depth: number) { this.throwIfDisposed(); return core.reshape(this, [rows, columns, depth]); },
    as4D(rows: number, columns: number, depth: number, depth2: number) { this.throwIfDisposed(); return core.reshape(this, [rows, columns, depth, depth2]); },
    as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number) { this.throwIfDisposed(); return core.reshape(this, [rows, columns, depth, depth2, depth3]); },
    asScalar() {
      this.throwIfDisposed();
      core.util.assert(this.size === 1, () => 'The array must have only 1 element.');
      return core.reshape(this, []);
    },
    asType(dtype: tfjs.DataType) { this.throwIfDisposed(); return core.cast(this, dtype); },
    concat(x: tfjs.Tensor | tfjs.Tensor[], axis?: number) { this.throwIfDisposed(); return core.concat([this, ...(x instanceof core.Tensor ? [x] : x)], axis); },
    flatten() { this.throwIfDisposed(); return core.reshape(this, [this.size]); },
    reshapeAs(x: tfjs.Tensor) { this.throwIfDisposed(); return core.reshape(this, x.shape); },
    resizeBilinear(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
      this.throwIfDisposed();
      return core.image.resizeBilinear(this as tfjs.Tensor3D, size, alignCorners, halfPixelCenters);
    },
    resizeNearestNeighbor(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
      this.throwIfDisposed();
      return core.image.resizeNearestNeighbor(this as tfjs.Tensor3D, size, alignCorners, halfPixelCenters);
    },
    stack(x: tfjs.Tensor | tfjs.Tensor[], axis?: number) { this.throwIfDisposed(); return core.stack(x instanceof core.Tensor ? [this, x] : [this, ...x], axis); },
    toBool() { this.throwIfDisposed(); return core.cast(this, 'bool'); },
    toFloat() { this.throwIfDisposed(); return core.cast(this, 'float32'); },
    toInt() { this.throwIfDisposed(); return core.cast(this, 'int32'); },
    where(condition: tfjs.Tensor, x: tfjs.Tensor) { this.throwIfDisposed(); return core.where(condition, this, x); },
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    if (typeof op !== 'function') continue;
    methods[name] = function (this: tfjs.Tensor & { throwIfDisposed(): void }, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    } as Method;
  }
  let defined = 0;
  for (const [name, method] of Object.entries(methods)) {
    if (typeof proto[name] === 'function') continue;
    proto[name] = method;
    defined++;
  }
  return defined;
}
