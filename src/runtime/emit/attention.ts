// nnc's multi-head self-attention, residual:
//   out = x + Wo · attention(Wq x, Wk x, Wv x)
// with an optional causal mask, and a padding mask when given [x, mask]. 4·(d·d + d) parameters, shape unchanged.
// Projections run as 2-D matMuls on [batch·time, d] with a separate bias add
// (the fused matMul+bias path is wrong on wasm for rank 3 inputs).
import type { LayerShape, Tf, Tensor } from './tf.js';

export interface AttentionArgs {
  readonly heads: number;
  readonly causal: boolean;
  readonly seed?: number;
  readonly name?: string;
  readonly trainable?: boolean;
}

const PROJECTIONS = ['query', 'key', 'value', 'output'] as const;

export function defineAttention(tf: Tf) {
  type LayerVariable = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

  return class NncAttention extends tf.layers.Layer {
    static className = 'NncAttention';
    readonly heads: number;
    readonly causal: boolean;
    readonly seed: number | undefined;
    private kernels: LayerVariable[] = [];
    private biases: LayerVariable[] = [];

    constructor(args: AttentionArgs) {
      super(args as never);
      this.heads = args.heads;
      this.causal = args.causal;
      this.seed = args.seed;
    }

    override build(inputShape: LayerShape | LayerShape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
      const d = shape[shape.length - 1] as number;
      if (d % this.heads !== 0) throw new Error(`Attention '${this.name}': ${this.heads} heads do not divide width ${d}.`);
      this.kernels = PROJECTIONS.map((p, i) =>
        this.addWeight(
          `${p}/kernel`,
          [d, d],
          'float32',
          tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + i }),
        ),
      );
      this.biases = PROJECTIONS.map((p) => this.addWeight(`${p}/bias`, [d], 'float32', tf.initializers.zeros()));
      this.built = true;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
      return Array.isArray(inputShape[0]) ? (inputShape[0] as LayerShape) : inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        // [x] or [x, mask]: with the padding mask, no step attends to a <pad> step
        const [x, mask] = (Array.isArray(inputs) ? inputs : [inputs]) as Tensor[];
        const [b, t, d] = x.shape as [number, number, number];
        const h = this.heads;
        const dh = d / h;
        const flat = x.reshape([b * t, d]);
        const project = (input: Tensor, i: number) =>
          tf.add(tf.matMul(input as never, this.kernels[i].read() as never), this.biases[i].read());
        const split = (m: Tensor) => m.reshape([b, t, h, dh]).transpose([0, 2, 1, 3]);
        const q = split(project(flat, 0));
        const k = split(project(flat, 1));
        const v = split(project(flat, 2));
        let scores = tf.mul(tf.matMul(q as never, k as never, false, true), 1 / Math.sqrt(dh));
        if (this.causal) {
          const allowed = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
          scores = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));
        }
        if (mask) scores = tf.add(scores, tf.mul(tf.sub(1, mask.reshape([b, 1, 1, t])), -1e9));
        const weights = tf.softmax(scores);
        const context = tf.matMul(weights as never, v as never).transpose([0, 2, 1, 3]).reshape([b * t, d]);
        return tf.add(x, project(context, 3).reshape([b, t, d]));
      });
    }

    override getConfig() {
      return { ...super.getConfig(), heads: this.heads, causal: this.causal, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  };
}
