// What nnc's kernels use of tfjs-core, loaded with require: tfjs-core is
// CommonJS, and an ES import of it makes Node scan its 1.2 MB for export
// names first (~25% of a predict's start-up on a loaded machine; BENCHMARKS.md).
// The same module instance as everyone else's require('@tensorflow/tfjs-core').
import type * as Core from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';

const core = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof Core;

export const { backend_util, broadcast_util, getGradient, getKernel, registerGradient, registerKernel, reshape, sum, unregisterKernel, util } = core;
