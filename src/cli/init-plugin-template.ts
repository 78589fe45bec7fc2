// `nnc init --plugin`: the init project with a plugin layer type, so a plugin
// starts from something that checks, trains and exports. The plugin is the
// layer half of projects/plugin-demo/plugins/scaled-dense.mjs (README: Plugins).
export const PLUGIN_FILE = 'plugins/scaled-dense.mjs';

const PLUGIN = `// An nnc plugin (README: Plugins): layer types (and dataset types) nnc does
// not have. nnc.yaml lists it; \`nnc check\` reads args, shape and params only,
// while emit and layerClass get TensorFlow.js passed in at build and train
// time, so this file imports nothing. \`nnc schemas\` adds its types to the
// schemas editors read.

const ACTIVATIONS = { linear: (tf, x) => x, relu: (tf, x) => tf.relu(x), tanh: (tf, x) => tf.tanh(x), sigmoid: (tf, x) => tf.sigmoid(x) };

const scaledDense = {
  type: 'scaled_dense',
  description: "Fully connected layer whose outputs are multiplied by a fixed 'scale'.",
  // each argument: a JSON-Schema fragment for one value, a description, and a default unless required
  args: {
    units: { schema: { type: 'integer', minimum: 1 }, description: 'Number of outputs.', examples: [16] },
    scale: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 1, description: 'Factor applied to every output after the activation. Default 1.' },
    activation: { schema: { enum: Object.keys(ACTIVATIONS) }, default: 'linear', description: "Activation before scaling. Default 'linear'." },
  },
  // the output shape for an input shape, or {error} saying why the input does not fit
  shape: (input, c) => (input.length === 1 ? [c.units] : { error: \`'scaled_dense' needs a vector, but gets [\${input.join(', ')}]\` }),
  // must equal what the built layer counts
  params: (input, c) => input[0] * c.units + c.units,
  // a tfjs layer class over the tf nnc trains with; nnc registers it so saved models load
  layerClass: (tf) =>
    class ScaledDense extends tf.layers.Layer {
      static className = 'ScaledDense';
      constructor(args) {
        super(args);
        Object.assign(this, { units: args.units, scale: args.scale, activation: args.activation, seed: args.seed });
      }
      build(inputShape) {
        this.kernel = this.addWeight('kernel', [inputShape[inputShape.length - 1], this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
        this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
        this.built = true;
      }
      computeOutputShape(inputShape) {
        return [inputShape[0], this.units];
      }
      call(inputs) {
        return tf.tidy(() => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          return tf.mul(ACTIVATIONS[this.activation](tf, tf.add(tf.matMul(x, this.kernel.read()), this.bias.read())), this.scale);
        });
      }
      getConfig() {
        return { ...super.getConfig(), units: this.units, scale: this.scale, activation: this.activation, seed: this.seed };
      }
    },
  emit: ({ seed, layerClass: ScaledDense }, { name, config }) => new ScaledDense({ name, ...config, seed }),
};

export default { name: 'scaled-dense', layers: [scaledDense] };
`;

/** The init template's files with the plugin: listed in nnc.yaml, its layer type used for 'hidden'. */
export function withPlugin(files: Record<string, string>): Record<string, string> {
  const project = files['nnc.yaml'].replace(/\ninput:/, `\nplugins: [./${PLUGIN_FILE}]   # layer types from a plugin (README: Plugins)\ninput:`);
  const layers = files['layers.yaml'].replace(/\{name: hidden, type: dense, units: 16, activation: relu, in: 16\}/, '{name: hidden, type: scaled_dense, units: 16, activation: relu, scale: 2, in: 16}   # the plugin\'s type');
  if (project === files['nnc.yaml'] || layers === files['layers.yaml']) throw new Error('The init template changed: update withPlugin in init-plugin-template.ts.');
  return { ...files, 'nnc.yaml': project, 'layers.yaml': layers, [PLUGIN_FILE]: PLUGIN };
}
