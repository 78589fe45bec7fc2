// conv1d in two kernels, NncConv1d and NncConv1dGrad: the im2col matrix is
// written straight from x (zeros for padding) and multiplied once; the
// backward pass multiplies its transpose for the kernel gradient and scatters
// the columns' gradient back onto x (col2im). Built from ops
// (pad, slices, concat) the same computation spends as long splitting,
// slicing and padding gradients as multiplying.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName, type KernelIO } from './kernel-io.js';
import { columnSums, matMul, transpose2d } from './matrix.js';
import { offsetOf, simdFor } from './simd/wasm-backend.js';
import type { SimdKernels } from './simd/module.js';

/** The SIMD kernels when on wasm with channels a multiple of 4 (their vector width). */
function simdWith(io: KernelIO, backend: unknown, channels: number): SimdKernels | null {
  return io.backendName === 'wasm' && channels % 4 === 0 ? simdFor(backend) : null;
}

export const NNC_CONV1D = 'NncConv1d';
export const NNC_CONV1D_GRAD = 'NncConv1dGrad';

interface Geometry {
  B: number; T: number; C: number; K: number; F: number;
  outSteps: number; strides: number; dilation: number; before: number;
}

function geometry(x: TensorInfo, kernel: TensorInfo, attrs: Record<string, unknown>): Geometry {
  const [B, T, C] = x.shape;
  const [K, , F] = kernel.shape;
  return {
    B, T, C, K, F,
    outSteps: attrs.outSteps as number,
    strides: attrs.strides as number,
    dilation: attrs.dilation as number,
    before: attrs.before as number,
  };
}

/** The im2col matrix [B * outSteps, K * C] of x (zeros where a tap reads padding). */
function im2col(io: KernelIO, backend: unknown, x: TensorInfo, g: Geometry): TensorInfo {
  const { B, T, C, K, outSteps, strides, dilation, before } = g;
  const width = K * C;
  const cols = io.zeros([B * outSteps, width], 'float32');
  const simd = simdWith(io, backend, C);
  if (simd) {
    simd.cols(offsetOf(backend, x), offsetOf(backend, cols), B, T, C, K, outSteps, strides, dilation, before, 1);
    return cols;
  }
  colsJs(io.values(x) as Float32Array, io.values(cols) as Float32Array, g, true);
  return cols;
}

/**
 * The JavaScript twin of the SIMD module's `cols`: toCols copies x [B, T, C]
 * into the im2col rows; otherwise it adds the rows back into x (col2im).
 */
function colsJs(X: Float32Array, P: Float32Array, g: Geometry, toCols: boolean): void {
  const { B, T, C, K, outSteps, strides, dilation, before } = g;
  const width = K * C;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < outSteps; t++) {
      const row = (b * outSteps + t) * width;
      for (let k = 0; k < K; k++) {
        const src = t * strides + k * dilation - before;
        if (src < 0 || src >= T) continue;
        const at = (b * T + src) * C;
        const col = row + k * C;
        if (toCols) P.set(X.subarray(at, at + C), col);
        else for (let c = 0; c < C; c++) X[at + c] += P[col + c];
      }
    }
  }
}

/** inputs: x [B, T, C], kernel [K, C, F], bias [F]; attrs: strides, dilation, before, outSteps. */
export function conv1dConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const g = geometry(x, inputs.kernel as TensorInfo, attrs);
    const { B, K, C, F, outSteps } = g;
    const rows = B * outSteps;
    const width = K * C;
    const cols = im2col(io, backend, x, g);
    const kernel2 = io.reshape(inputs.kernel as TensorInfo, [width, F]);
    const product = matMul(io, cols, kernel2);
    io.dispose(kernel2);
    io.dispose(cols);
    const out = io.alloc([B, outSteps, F], 'float32');
    const simd = simdWith(io, backend, F);
    if (simd) {
      const [y, o, bias] = [offsetOf(backend, product), offsetOf(backend, out), offsetOf(backend, inputs.bias as TensorInfo)];
      for (let r = 0; r < rows; r++) simd.add(o + 4 * r * F, y + 4 * r * F, bias, F);
    } else {
      const Y = io.values(product);
      const O = io.values(out);
      const bias = io.values(inputs.bias as TensorInfo);
      for (let r = 0; r < rows; r++) for (let f = 0; f < F; f++) O[r * F + f] = Y[r * F + f] + bias[f];
    }
    io.dispose(product);
    return out;
  };
  return { kernelName: NNC_CONV1D, backendName, kernelFunc };
}

/** inputs: x, kernel, dy [B, outSteps, F]; outputs: [dx, dkernel, dbias]. */
export function conv1dGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const kernel = inputs.kernel as TensorInfo;
    const { B, T, C, K, F, outSteps, strides, dilation, before } = geometry(x, kernel, attrs);
    const rows = B * outSteps;
    const width = K * C;
    const dy2 = io.reshape(inputs.dy as TensorInfo, [rows, F]);
    // dkernel = cols^T . dy
    const cols = im2col(io, backend, x, { B, T, C, K, F, outSteps, strides, dilation, before });
    const dk2 = io.run('BatchMatMul', { a: cols, b: dy2 }, { transposeA: true, transposeB: false });
    io.dispose(cols);
    const dkernel = io.reshape(dk2, [K, C, F]);
    io.dispose(dk2);
    // dx = col2im(dy . kernel^T)
    const kernel2 = io.reshape(kernel, [width, F]);
    const kernelT = transpose2d(io, kernel2);
    io.dispose(kernel2);
    const dcols = matMul(io, dy2, kernelT);
    io.dispose(kernelT);
    const dx = io.zeros([B, T, C], 'float32');
    const simd = simdWith(io, backend, C);
    if (simd) {
      simd.cols(offsetOf(backend, dx), offsetOf(backend, dcols), B, T, C, K, outSteps, strides, dilation, before, 0);
    } else {
      colsJs(io.values(dx) as Float32Array, io.values(dcols) as Float32Array, { B, T, C, K, F, outSteps, strides, dilation, before }, false);
    }
    io.dispose(dcols);
    const dbias = columnSums(io, dy2, rows, F);
    io.dispose(dy2);
    return [dx, dkernel, dbias];
  };
  return { kernelName: NNC_CONV1D_GRAD, backendName, kernelFunc };
}
