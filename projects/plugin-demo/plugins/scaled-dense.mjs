// An nnc plugin (README: Plugins): one layer type and one dataset type.
// nnc.yaml lists it (`plugins: [./plugins/scaled-dense.mjs]`); `nnc check`
// reads the arguments, shape rule and parameter count below, and only
// `nnc build`/`train`/`export` call emit and layerClass, with TensorFlow.js
// passed in, so this file imports nothing.
//
// For the types, in a project with nnc installed:
//   /** @type {import('nnc/src/compiler/plugins/api.ts').NncPlugin} */

const ACTIVATIONS = { linear: (tf, x) => x, relu: (tf, x) => tf.relu(x), tanh: (tf, x) => tf.tanh(x), sigmoid: (tf, x) => tf.sigmoid(x) };

/** scaled_dense: a dense layer whose outputs are multiplied by a fixed 'scale'. */
const scaledDense = {
  type: 'scaled_dense',
  description: "Fully connected layer whose outputs are multiplied by a fixed 'scale' (a temperature on the activations). On a sequence it applies to each step.",
  args: {
    units: { schema: { type: 'integer', minimum: 1 }, description: 'Number of outputs.', examples: [32] },
    scale: { schema: { type: 'number', exclusiveMinimum: 0, maximum: 100 }, default: 1, description: 'Factor applied to every output after the activation. Default 1.' },
    activation: { schema: { enum: Object.keys(ACTIVATIONS) }, default: 'linear', description: "Activation before scaling: 'linear', 'relu', 'tanh' or 'sigmoid'. Default 'linear'." },
  },
  // [width] -> [units], or [steps, width] -> [steps, units]
  shape: (input, c) => (input.length === 1 || input.length === 2 ? [...input.slice(0, -1), c.units] : { error: `'scaled_dense' needs a vector or a sequence, but gets [${input.join(', ')}]` }),
  params: (input, c) => input[input.length - 1] * c.units + c.units,
  // the layer class, over the tf nnc trains with; nnc registers it for serialization, so saved models load
  layerClass: (tf) =>
    class ScaledDense extends tf.layers.Layer {
      static className = 'ScaledDense';
      constructor(args) {
        super(args);
        this.units = args.units;
        this.scale = args.scale;
        this.activation = args.activation;
        this.seed = args.seed;
      }
      build(inputShape) {
        const width = inputShape[inputShape.length - 1];
        this.kernel = this.addWeight('kernel', [width, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
        this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
        this.built = true;
      }
      computeOutputShape(inputShape) {
        return [...inputShape.slice(0, -1), this.units];
      }
      call(inputs) {
        return tf.tidy(() => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          const flat = x.reshape([-1, x.shape[x.shape.length - 1]]);
          const y = ACTIVATIONS[this.activation](tf, tf.add(tf.matMul(flat, this.kernel.read()), this.bias.read()));
          return tf.mul(y, this.scale).reshape([...x.shape.slice(0, -1), this.units]);
        });
      }
      getConfig() {
        return { ...super.getConfig(), units: this.units, scale: this.scale, activation: this.activation, seed: this.seed };
      }
    },
  emit: ({ seed, layerClass: ScaledDense }, { name, config }) => new ScaledDense({ name, units: config.units, scale: config.scale, activation: config.activation, seed }),
};

/** star_reviews: a review with 1 to 5 stars, trained as negative (1-2), mixed (3) or positive (4-5). */
const starReviews = {
  type: 'star_reviews',
  description: "A review and its star rating (1 to 5): trains a classification head with classes 'negative' (1-2 stars), 'mixed' (3) and 'positive' (4-5).",
  fields: {
    review: { schema: { type: 'string', minLength: 1 }, description: 'The text of the review.' },
    stars: { schema: { type: 'integer', minimum: 1, maximum: 5 }, description: 'The rating, 1 to 5 stars.' },
  },
  encodes: 'multi_classification',
  encode: ({ review, stars }) => ({ input: review, label: stars <= 2 ? 'negative' : stars === 3 ? 'mixed' : 'positive' }),
};

export default { name: 'scaled-dense', layers: [scaledDense], datasets: [starReviews] };
