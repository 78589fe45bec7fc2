// Entry of the export's nnc-layers.js: `import './nnc-layers.js'` registers
// nnc's attention, masked pooling and padding mask with @tensorflow/tfjs
// before tf.loadLayersModel; registerNncLayers(otherTf) registers them with
// another instance (say @tensorflow/tfjs-node's).
import * as tf from '@tensorflow/tfjs';
import { registerNncLayers } from './portable-layers.js';

registerNncLayers(tf);

export { registerNncLayers };
