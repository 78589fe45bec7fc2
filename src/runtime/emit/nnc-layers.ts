// nnc's own tfjs layers, registered for serialization so a saved model loads
// back with tf.loadLayersModel once registerNncLayers(tf) ran.
//   NncAttention  multi-head self-attention (attention.ts)
//   NncLayerNorm  moments-based layer norm: tfjs' layerNormalization trains
//                 very slowly (its Tile gradient becomes thousands of Slices)
//   NncPool       sequence -> vector by mean, max or last step
//   NncDropout    dropout whose seed advances per call: tfjs' seeded dropout
//                 draws the same mask every step, its unseeded one is not
//                 reproducible
import { defineAttention } from './attention.js';
import type { LayerShape, Tf, Tensor } from './tf.js';

interface BaseArgs {
  readonly name?: string;
  readonly trainable?: boolean;
}

function single(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function shapeOf(inputShape: LayerShape | LayerShape[]): LayerShape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
}

function defineLayers(tf: Tf) {
  type LayerVariable = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

  class NncLayerNorm extends tf.layers.Layer {
    static className = 'NncLayerNorm';
    readonly epsilon: number;
    private gamma: LayerVariable | null = null;
    private beta: LayerVariable | null = null;

    constructor(args: BaseArgs & { epsilon: number }) {
      super(args as never);
      this.epsilon = args.epsilon;
    }

    override build(inputShape: LayerShape | LayerShape[]): void {
      const shape = shapeOf(inputShape);
      const d = shape[shape.length - 1] as number;
      this.gamma = this.addWeight('gamma', [d], 'float32', tf.initializers.ones());
      this.beta = this.addWeight('beta', [d], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = single(inputs);
        const { mean, variance } = tf.moments(x, -1, true);
        const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
        return tf.add(tf.mul(normalized, this.gamma!.read()), this.beta!.read());
      });
    }

    override getConfig() {
      return { ...super.getConfig(), epsilon: this.epsilon };
    }
  }

  class NncPool extends tf.layers.Layer {
    static className = 'NncPool';
    readonly mode: 'mean' | 'max' | 'last';

    constructor(args: BaseArgs & { mode: 'mean' | 'max' | 'last' }) {
      super(args as never);
      this.mode = args.mode;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      const shape = shapeOf(inputShape);
      return [shape[0], shape[shape.length - 1]];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = single(inputs);
        if (this.mode === 'mean') return tf.mean(x, 1);
        if (this.mode === 'max') return tf.max(x, 1);
        const [b, t, d] = x.shape as [number, number, number];
        return tf.slice(x, [0, t - 1, 0], [b, 1, d]).reshape([b, d]);
      });
    }

    override getConfig() {
      return { ...super.getConfig(), mode: this.mode };
    }
  }

  class NncDropout extends tf.layers.Layer {
    static className = 'NncDropout';
    readonly rate: number;
    readonly seed: number;
    private calls = 0;

    constructor(args: BaseArgs & { rate: number; seed: number }) {
      super(args as never);
      this.rate = args.rate;
      this.seed = args.seed;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor {
      const x = single(inputs);
      if (kwargs['training'] !== true || this.rate <= 0) return x;
      return tf.dropout(x, this.rate, undefined, this.seed + this.calls++);
    }

    override getConfig() {
      return { ...super.getConfig(), rate: this.rate, seed: this.seed };
    }
  }

  return { NncAttention: defineAttention(tf), NncLayerNorm, NncPool, NncDropout };
}

export type NncLayerClasses = ReturnType<typeof defineLayers>;

const defined = new WeakMap<Tf, NncLayerClasses>();

/** The custom layer classes for this tfjs instance, registered for serialization (idempotent). */
export function registerNncLayers(tf: Tf): NncLayerClasses {
  let classes = defined.get(tf);
  if (!classes) {
    classes = defineLayers(tf);
    for (const cls of Object.values(classes)) tf.serialization.registerClass(cls as never);
    defined.set(tf, classes);
  }
  return classes;
}
