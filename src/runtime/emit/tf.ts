// TensorFlow.js types for emit. The runtime never imports tfjs statically:
// the backend loader picks tfjs-node or tfjs and passes it in.
import type * as tfjs from '@tensorflow/tfjs';

export type { Tf, Tensor } from '../ops/tf.js';
export type LayersModel = tfjs.LayersModel;
export type Layer = tfjs.layers.Layer;
export type SymbolicTensor = tfjs.SymbolicTensor;
/** tfjs-layers' Shape: null for the batch (or an unknown) dimension. */
export type LayerShape = (number | null)[];
