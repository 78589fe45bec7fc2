// The layers an nnc export needs beyond tfjs-layers' standard classes, for a
// TensorFlow.js that has no nnc code: attention, pooling with the padding mask,
// and the padding mask itself. Built from the same sources nnc trains with
// (emit/attention.ts, emit/pool-layers.ts), so they compute exactly what nnc computes.
// Bundled into the export's nnc-layers.js by scripts/build.mjs; the class
// names and configs are those of nnc's own checkpoints.
import { defineAttention } from '../../emit/attention.js';
import { definePoolLayers } from '../../emit/pool-layers.js';
import type { Tf } from '../../emit/tf.js';

/** Class names the export keeps; every other nnc class becomes a standard one. */
export const PORTABLE_CLASS_NAMES = ['NncAttention', 'NncPool', 'NncPadMask'] as const;

function definePortableLayers(tf: Tf) {
  return { NncAttention: defineAttention(tf), ...definePoolLayers(tf) };
}

const registered = new WeakMap<object, ReturnType<typeof definePortableLayers>>();

/** Registers nnc's remaining layer classes with this TensorFlow.js for tf.loadLayersModel (idempotent). */
export function registerNncLayers(tf: Tf): ReturnType<typeof definePortableLayers> {
  let classes = registered.get(tf);
  if (!classes) {
    classes = definePortableLayers(tf);
    for (const cls of Object.values(classes)) tf.serialization.registerClass(cls as never);
    registered.set(tf, classes);
  }
  return classes;
}
