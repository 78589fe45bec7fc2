// The TensorFlow.js namespace as a type: ops receive it from loadTf and never import it.
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type Tensor = tfjs.Tensor;
