// NncPool and NncPadMask, the layers that pool a sequence while leaving out
// <pad> steps: the same classes in nnc's own models (nnc-layers.ts) and in the
// portable export's standalone nnc-layers.js (export/portable/portable-layers.ts),
// so an export pools exactly as nnc trained. Imports only ops/pool, so the
// export's bundle stays small.
import { makePool, type PoolMode } from '../ops/pool.js';
import type { LayerShape, Tf, Tensor } from './tf.js';

function shapeOf(inputShape: LayerShape | LayerShape[]): LayerShape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
}

export function definePoolLayers(tf: Tf) {
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
      // text is padded on the left, so 'last' is a real step either way
      const [x, mask] = Array.isArray(inputs) ? inputs : [inputs];
      return pool(x, this.mode, mask);
    }

    override getConfig() {
      return { ...super.getConfig(), mode: this.mode };
    }
  }

  /** Token ids -> 1 for a real token, 0 for <pad> (id 0): what attention and pooling leave out. */
  class NncPadMask extends tf.layers.Layer {
    static className = 'NncPadMask';

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      return shapeOf(inputShape);
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => tf.cast(tf.notEqual(Array.isArray(inputs) ? inputs[0] : inputs, 0), 'float32'));
    }
  }

  return { NncPool, NncPadMask };
}
