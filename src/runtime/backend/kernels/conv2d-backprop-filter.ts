// Conv2DBackpropFilter (the kernel gradient of conv1d and conv2d) as one
// im2col pass plus one matrix product (patches^T . dy). wasm has no kernel for it, and the
// stock cpu kernel loops once per filter tap in plain JavaScript.
import { backend_util } from './tfjs-core.js';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelIO, type KernelBackendName } from './kernel-io.js';

type Four = [number, number, number, number];

export function conv2dBackpropFilterConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const io = kernelIO(backend, backendName);
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const dataFormat = backend_util.convertConv2DDataFormat(attrs.dataFormat as 'NHWC' | 'NCHW');
    if (dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter supports only NHWC data on this backend.');
    const info = backend_util.computeConv2DInfo(
      x.shape as Four, attrs.filterShape as Four, attrs.strides as [number, number], 1,
      attrs.pad as 'same' | 'valid', attrs.dimRoundingMode as 'floor' | undefined, false, dataFormat);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
      filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const rows = batchSize * outHeight * outWidth;
    const taps = filterHeight * filterWidth * inChannels;
    // patches[row, tap]: the im2col matrix, one contiguous run of channels per tap
    const patches = io.zeros([rows, taps], 'float32');
    const p = io.values(patches);
    const xs = io.values(x);
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const row = ((b * outHeight + oh) * outWidth + ow) * taps;
          for (let fh = 0; fh < filterHeight; fh++) {
            const ih = oh * strideHeight + fh * dilationHeight - top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let fw = 0; fw < filterWidth; fw++) {
              const iw = ow * strideWidth + fw * dilationWidth - left;
              if (iw < 0 || iw >= inWidth) continue;
              const src = ((b * inHeight + ih) * inWidth + iw) * inChannels;
              p.set(xs.subarray(src, src + inChannels), row + (fh * filterWidth + fw) * inChannels);
            }
          }
        }
      }
    }
    const dy2d = io.reshape(dy, [rows, outChannels]);
    // dW = patches^T . dy
    const product = io.run('BatchMatMul', { a: patches, b: dy2d }, { transposeA: true, transposeB: false });
    io.dispose(patches);
    io.dispose(dy2d);
    const out = io.reshape(product, [filterHeight, filterWidth, inChannels, outChannels]);
    io.dispose(product);
    return out;
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc };
}
