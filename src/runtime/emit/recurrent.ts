// LSTM and GRU on nnc's fused sequence ops (ops.lstm, ops.gru): tfjs-layers'
// recurrent layers unroll into a dozen small ops per step. Same weights and
// names as tf.layers.lstm / gru (kernel, recurrent_kernel, bias; gates i f c o
// and z r h), tanh activation, sigmoid (TensorFlow 2's default) or hardSigmoid
// gates, a unit forget-gate bias for the LSTM, an orthogonal recurrent kernel.
// Other activations are tf.layers' own LSTM/GRU (src/compiler/layers/recurrent.ts).
import { nncOps, type RecurrentActivation } from '../ops/index.js';
import { mulberry32 } from '../train/random.js';
import type { LayerShape, Tf, Tensor } from './tf.js';

export interface RecurrentArgs {
  readonly cell: 'lstm' | 'gru';
  readonly units: number;
  readonly returnSequences: boolean;
  /** gate activation; default 'sigmoid' (models saved before it was an argument used sigmoid) */
  readonly recurrentActivation?: RecurrentActivation;
  readonly seed?: number;
  readonly name?: string;
  readonly trainable?: boolean;
}

/** rows × cols with orthonormal rows (rows <= cols) or columns: Gram-Schmidt on seeded Gaussian noise. */
export function orthogonal(rows: number, cols: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const [n, length] = rows <= cols ? [rows, cols] : [cols, rows];
  const vectors = Array.from({ length: n }, () => Float64Array.from({ length }, gaussian));
  for (let i = 0; i < n; i++) {
    const v = vectors[i];
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += v[k] * vectors[j][k];
      for (let k = 0; k < length; k++) v[k] -= dot * vectors[j][k];
    }
    const norm = Math.hypot(...v) || 1;
    for (let k = 0; k < length; k++) v[k] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = rows <= cols ? vectors[r][c] : vectors[c][r];
  return out;
}

export function defineRecurrent(tf: Tf) {
  type LayerVariable = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;
  const ops = nncOps(tf);

  return class NncRecurrent extends tf.layers.Layer {
    static className = 'NncRecurrent';
    readonly cell: 'lstm' | 'gru';
    readonly units: number;
    readonly returnSequences: boolean;
    readonly recurrentActivation: RecurrentActivation;
    readonly seed: number | undefined;
    private weightsOf: { kernel: LayerVariable; recurrent: LayerVariable; bias: LayerVariable } | null = null;

    constructor(args: RecurrentArgs) {
      super(args as never);
      this.cell = args.cell;
      this.units = args.units;
      this.returnSequences = args.returnSequences;
      this.recurrentActivation = args.recurrentActivation ?? 'sigmoid';
      if (this.recurrentActivation !== 'sigmoid' && this.recurrentActivation !== 'hardSigmoid') {
        throw new Error(`NncRecurrent computes sigmoid or hardSigmoid gates, not '${String(this.recurrentActivation)}'.`);
      }
      this.seed = args.seed;
    }

    override build(inputShape: LayerShape | LayerShape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
      const d = shape[shape.length - 1] as number;
      const u = this.units;
      const width = (this.cell === 'lstm' ? 4 : 3) * u;
      const seed = this.seed ?? Math.floor(Math.random() * 2 ** 31);
      const kernel = this.addWeight('kernel', [d, width], 'float32', tf.initializers.glorotUniform({ seed }));
      const recurrent = this.addWeight('recurrent_kernel', [u, width], 'float32', tf.initializers.zeros());
      const bias = this.addWeight('bias', [width], 'float32', tf.initializers.zeros());
      tf.tidy(() => {
        recurrent.write(tf.tensor2d(orthogonal(u, width, seed + 1), [u, width]));
        if (this.cell === 'lstm') bias.write(tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])]));
      });
      this.weightsOf = { kernel, recurrent, bias };
      this.built = true;
    }

    override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
      return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { kernel, recurrent, bias } = this.weightsOf!;
      const run = this.cell === 'lstm' ? ops.lstm : ops.gru;
      return run(x, kernel.read(), recurrent.read(), bias.read(), { returnSequences: this.returnSequences, recurrentActivation: this.recurrentActivation });
    }

    override getConfig() {
      return {
        ...super.getConfig(),
        cell: this.cell,
        units: this.units,
        returnSequences: this.returnSequences,
        activation: 'tanh',
        recurrentActivation: this.recurrentActivation,
        ...(this.seed === undefined ? {} : { seed: this.seed }),
      };
    }
  };
}
