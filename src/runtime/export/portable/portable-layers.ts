// The layers an nnc export needs beyond tfjs-layers' standard classes, for a
// TensorFlow.js that has no nnc code: attention, pooling with the padding mask,
// and the padding mask itself. Built from the same sources nnc trains with
// (emit/attention.ts, ops/pool.ts), so they compute exactly what nnc computes.
// Bundled into the export's nnc-layers.js by scripts/build.mjs; the class
// names and configs are those of nnc's own checkpoints.
import { defineAttention } from '../../emit/attention.js';
import type { LayerShape, Tf, Tensor } from '../../emit/tf.js';
import { makePool, type PoolMode } from '../../ops/pool.js';

/** Class names the export keeps; every other nnc class becomes a standard one. */
export const PORTABLE_CLASS_NAMES = ['NncAttention', 'NncPool', 'NncPadMask'] as const;

function shapeOf(inputShape: LayerShape | LayerShape[]): LayerShape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
}

function definePortableLayers(tf: Tf) {
  const pool = makePool(tf);

  /** Sequence -> vector by mean, max or last step; [x, mask] leaves out <pad> steps (mean and max). */
  class NncPool extends tf.layers.Layer {
    static className = 'NncPool';
    readonly mode: PoolMode;

    constructor(args: { mode: PoolMode; name?: string; trainable?: boolean }) {
      super(args as never);
      this.mode = args.mode;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      const shape = shapeOf(inputShape);
      return [shape[0], shape[shape.length - 1]];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      const [x, mask] = Array.isArray(inputs) ? inputs : [inputs];
      return pool(x, this.mode, mask);
    }

    override getConfig() {
      return { ...super.getConfig(), mode: this.mode };
    }
  }

  /** Token ids -> 1 for a real token, 0 for <pad> (id 0). */
  class NncPadMask extends tf.layers.Layer {
    static className = 'NncPadMask';

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      return shapeOf(inputShape);
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => tf.cast(tf.notEqual(Array.isArray(inputs) ? inputs[0] : inputs, 0), 'float32'));
    }
  }

  return { NncAttention: defineAttention(tf), NncPool, NncPadMask };
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
