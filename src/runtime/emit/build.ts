// Plan -> tf.LayersModel: one input, one output per head (named by the head).
// Layer names are the plan's, so weights are addressable as "<layer>/<weight>".
import type { Plan, PlanHead, Shape } from '../../compiler/plan.js';
import { deriveSeed } from '../train/random.js';
import { emitLayer } from './layers.js';
import { registerNncLayers } from './nnc-layers.js';
import type { Layer, LayersModel, SymbolicTensor, Tf } from './tf.js';

export function buildModel(tf: Tf, plan: Plan): LayersModel {
  const nnc = registerNncLayers(tf);
  const seed = plan.project.training.seed;
  const taken = new Set([...plan.layers.map((l) => l.name), ...plan.heads.map((h) => h.name)]);
  const input = tf.input({
    name: taken.has('input') ? 'nnc_input' : 'input',
    shape: [...plan.project.input.shape],
    dtype: plan.project.input.type === 'text' ? 'int32' : 'float32',
  });

  // Text is padded with <pad> (id 0): attention and pooling leave those steps out while the
  // sequence still lines up with the input's steps (a 'valid' or strided conv1d ends that).
  const steps = plan.project.input.maxLength;
  const padMask = plan.project.input.type === 'text' ? (new nnc.NncPadMask({ name: taken.has('pad_mask') ? 'nnc_pad_mask' : 'pad_mask' }).apply(input) as SymbolicTensor) : null;
  const maskFor = (t: SymbolicTensor) => (padMask && t.shape.length === 3 && t.shape[1] === steps ? padMask : null);

  const outputs = new Map<string, SymbolicTensor>();
  let x = input;
  for (const planLayer of plan.layers) {
    const layer = emitLayer({ tf, nnc, seed: deriveSeed(seed, planLayer.name) }, planLayer);
    const mask = planLayer.type === 'attention' || planLayer.type === 'pool' ? maskFor(x) : null;
    x = layer.apply(mask ? [x, mask] : x) as SymbolicTensor;
    expectBuilt(layer, x, planLayer.name, planLayer.outputShape, planLayer.params);
    outputs.set(planLayer.name, x);
  }

  const headOutputs = plan.heads.map((head) => {
    const attached = outputs.get(head.attach);
    if (!attached) throw new Error(`Head '${head.name}' attaches to '${head.attach}', which the plan does not have.`);
    return emitHead(tf, nnc, head, attached, maskFor(attached), deriveSeed(seed, 'head', head.name));
  });
  return tf.model({ name: plan.project.name, inputs: input, outputs: headOutputs });
}

function emitHead(
  tf: Tf,
  nnc: ReturnType<typeof registerNncLayers>,
  head: PlanHead,
  attached: SymbolicTensor,
  mask: SymbolicTensor | null,
  seed: number,
): SymbolicTensor {
  let x = attached;
  if (head.pool) x = new nnc.NncPool({ name: `${head.name}_pool`, mode: head.pool }).apply(mask ? [x, mask] : x) as SymbolicTensor;
  const dense = tf.layers.dense({
    name: head.name,
    units: head.units,
    activation: head.activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });
  const out = dense.apply(x) as SymbolicTensor;
  expectBuilt(dense, out, head.name, head.outputShape, head.params);
  return out;
}

/** The definition's shape rule and parameter count must agree with the layer its emit built; a mismatch is a bug in it. */
function expectBuilt(layer: Layer, output: SymbolicTensor, name: string, shape: Shape, params: number): void {
  const built = output.shape.slice(1);
  if (built.length !== shape.length || built.some((d, i) => d !== shape[i])) {
    throw new Error(`Layer '${name}' builds with shape [${built.join(', ')}] but the plan says [${shape.join(', ')}].`);
  }
  const count = layer.countParams();
  if (count !== params) throw new Error(`Layer '${name}' builds with ${count} parameters but the plan says ${params}.`);
}

/** A model over the shared layers that computes one head only (for that head's loss). */
export function headModel(tf: Tf, model: LayersModel, head: string): LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(head).output as SymbolicTensor });
}
