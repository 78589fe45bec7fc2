// The gradients of tfjs-core's ops, registered the way @tensorflow/tfjs
// registers them (tfjs-core's own register_all_gradients, bundled with the
// parts of tfjs-core it uses; the registry is TensorFlow.js' global one), without
// the rest of @tensorflow/tfjs (tfjs-converter, tfjs-data, the webgl and cpu
// backends), which nnc never uses and which cost nnc train half of its
// TensorFlow.js start-up (BENCHMARKS.md). scripts/build.mjs bundles this file
// into dist/tfjs-gradients.cjs; backend/index.ts loads it, and loads the whole
// @tensorflow/tfjs instead when the file is missing or was built from another
// tfjs-core (tfjsCoreVersion).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { version } from '@tensorflow/tfjs-core/package.json';

export const tfjsCoreVersion = version;
