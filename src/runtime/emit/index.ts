// Plan -> TensorFlow.js: the model, nnc's custom layers, and warm starts.
export { buildModel, headModel } from './build.js';
export { registerNncLayers } from './nnc-layers.js';
export type { Tf, LayersModel, Tensor } from './tf.js';
export { warmStart, type WarmStartResult, type WeightSource } from './warm-start.js';
