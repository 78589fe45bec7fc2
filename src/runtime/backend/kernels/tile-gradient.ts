// The gradient of Tile as one reshape and one sum. The stock gradient slices
// every repeat out separately (tf.layers.layerNormalization tiles its mean and
// variance, which became about 2,000 Slice calls per training step).
import { reshape, sum } from './tfjs-core.js';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

export const tileGradient: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const reps = (attrs as { reps: number[] }).reps;
    // Output axis i of size reps[i] * n_i is (repeat, index) with the repeat major.
    const split: number[] = [];
    const repeatAxes: number[] = [];
    x.shape.forEach((n, i) => {
      repeatAxes.push(split.length);
      split.push(reps[i], n);
    });
    return { x: () => sum(reshape(dy as Tensor, split), repeatAxes).reshape(x.shape) };
  },
};
