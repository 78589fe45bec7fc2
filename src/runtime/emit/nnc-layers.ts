// nnc's own tfjs layers, registered for serialization so a saved model loads
// back with tf.loadLayersModel once registerNncLayers(tf) ran.
//   NncAttention  multi-head self-attention (attention.ts)
//   NncRecurrent  LSTM and GRU on fused sequence ops (recurrent.ts)
//   NncEmbedding  embedding whose gradient is one scatter-add (ops.embeddingLookup)
//   NncConv1D     conv1d as im2col + matMul (ops.conv1d): tfjs' kernel
//                 gradient is missing on wasm and slow on cpu
//   NncLayerNorm  layer norm with a hand-written gradient (ops.layerNorm):
//                 tfjs' layerNormalization trains very slowly (its Tile
//                 gradient becomes thousands of Slices)
//   NncPool       sequence -> vector by mean, max or last step
//   NncDropout    dropout whose seed advances per call: tfjs' seeded dropout
//                 draws the same mask every step, its unseeded one is not
//                 reproducible
import { conv1dGeometry, nncOps, type Conv1dPadding } from '../ops/index.js';
import { defineAttention } from './attention.js';
import { definePoolLayers } from './pool-layers.js';
import { defineRecurrent } from './recurrent.js';
import type { LayerShape, Tf, Tensor } from './tf.js';
import { registerPluginLayers } from '../../compiler/plugins/registry.js';

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
  const ops = nncOps(tf);

  class NncEmbedding extends tf.layers.Layer {
    static className = 'NncEmbedding';
    readonly inputDim: number;
    readonly outputDim: number;
    readonly seed: number | undefined;
    private embeddings: LayerVariable | null = null;

    constructor(args: BaseArgs & { inputDim: number; outputDim: number; seed?: number }) {
      super(args as never);
      this.inputDim = args.inputDim;
      this.outputDim = args.outputDim;
      this.seed = args.seed;
    }

    override build(): void {
      const init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed });
      this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], 'float32', init);
      this.built = true;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      return [...shapeOf(inputShape), this.outputDim];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return ops.embeddingLookup(this.embeddings!.read(), single(inputs));
    }

    override getConfig() {
      return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }

  interface Conv1DArgs extends BaseArgs {
    filters: number;
    kernelSize: number;
    strides: number;
    padding: Conv1dPadding;
    activation: string;
    useBias: boolean;
    seed?: number;
  }

  class NncConv1D extends tf.layers.Layer {
    static className = 'NncConv1D';
    readonly options: Conv1DArgs;
    private kernel: LayerVariable | null = null;
    private bias: LayerVariable | null = null;
    private readonly activation: ReturnType<Tf['layers']['activation']>;

    constructor(args: Conv1DArgs) {
      super(args as never);
      const { name: _name, trainable: _trainable, ...options } = args;
      this.options = options;
      this.activation = tf.layers.activation({ activation: args.activation as never });
    }

    override build(inputShape: LayerShape | LayerShape[]): void {
      const shape = shapeOf(inputShape);
      const { kernelSize, filters, seed, useBias } = this.options;
      const channels = shape[shape.length - 1] as number;
      this.kernel = this.addWeight('kernel', [kernelSize, channels, filters], 'float32', tf.initializers.glorotUniform({ seed }));
      if (useBias) this.bias = this.addWeight('bias', [filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      const [batch, steps] = shapeOf(inputShape);
      const { outSteps } = conv1dGeometry(steps as number, this.options.kernelSize, this.options);
      return [batch, outSteps, this.options.filters];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const out = ops.conv1d(single(inputs), this.kernel!.read(), this.bias?.read() ?? null, this.options);
        return this.activation.apply(out) as Tensor;
      });
    }

    override getConfig() {
      return { ...super.getConfig(), ...this.options };
    }
  }

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
      return ops.layerNorm(single(inputs), this.gamma!.read(), this.beta!.read(), this.epsilon);
    }

    override getConfig() {
      return { ...super.getConfig(), epsilon: this.epsilon };
    }
  }

  const { NncPool, NncPadMask } = definePoolLayers(tf);

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

  return { NncAttention: defineAttention(tf), NncRecurrent: defineRecurrent(tf), NncEmbedding, NncConv1D, NncLayerNorm, NncPool, NncDropout, NncPadMask };
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
  // the active plugins' layer classes too (compiler/plugins/registry.ts), so their saved models load
  registerPluginLayers(tf);
  return classes;
}
