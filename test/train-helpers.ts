// Plans for runtime tests. Layers are resolved, shaped and counted by the
// layer definitions the compiler uses (src/compiler/layers/), and the project
// by the compiler's resolveProject, so a test trains what a user's YAML would
// give; heads, vocabulary and datasets are written out by hand.
import { canonicalLayerType, LAYER_RULES } from '../src/compiler/layer-types.js';
import type {
  LayerConfig,
  LayerType,
  Loss,
  Plan,
  PlanDataset,
  PlanHead,
  PlanLayer,
  PlanTraining,
  Sample,
  Shape,
  Task,
} from '../src/compiler/plan.js';
import type { RawLayer } from '../src/compiler/raw.js';
import { resolveProject } from '../src/compiler/resolve-project.js';

export type LayerSpec = LayerConfig & {
  readonly name: string;
  readonly type: LayerType | 'linear';
};

export interface HeadSpec {
  readonly name: string;
  readonly attach: string;
  readonly task: Task;
  readonly loss?: Loss;
  readonly classes?: readonly string[];
  readonly pool?: 'mean' | 'max' | 'last';
  readonly weight?: number;
  readonly labelSmoothing?: number;
  /** regression: target length */
  readonly units?: number;
}

export interface PlanSpec {
  readonly name?: string;
  readonly input: { readonly type: 'text'; readonly maxLength: number; readonly tokenizer?: 'word' | 'char' } | { readonly type: 'features'; readonly features: number };
  /** text only: vocabulary after the specials <pad> <unk> <bos> <sep> <eos> */
  readonly tokens?: readonly string[];
  readonly layers: readonly LayerSpec[];
  readonly heads: readonly HeadSpec[];
  readonly datasets?: readonly { readonly name: string; readonly head: string; readonly samples: readonly Sample[] }[];
  readonly training?: Partial<PlanTraining>;
  readonly weightsEvery?: number;
}

const SPECIALS = ['<pad>', '<unk>', '<bos>', '<sep>', '<eos>'];

/** The layer as the compiler resolves it: defaults, output shape and parameter count from its definition. */
function resolveLayer(spec: LayerSpec, input: Shape, ctx: { inputKind: 'text' | 'features'; vocabularySize: number; index: number }): { type: LayerType; out: Shape; params: number; config: LayerConfig } {
  const type = canonicalLayerType(spec.type);
  if (!type) throw new Error(`Unknown layer type '${spec.type}'.`);
  const rule = LAYER_RULES[type];
  const config = rule.resolve(spec as unknown as RawLayer, ctx);
  const out = rule.shape(input, config, ctx);
  if ('error' in out) throw new Error(`Layer '${spec.name}': ${out.error}.`);
  return { type, out, params: rule.params(input, config), config };
}

export function makePlan(spec: PlanSpec): Plan {
  const tokens = spec.input.type === 'text' ? [...SPECIALS, ...(spec.tokens ?? [])] : ['<pad>', '<unk>'];
  const text = spec.input.type === 'text';
  const inputShape: Shape = text ? [(spec.input as { maxLength: number }).maxLength] : [(spec.input as { features: number }).features];
  let shape = inputShape;
  const shapes = new Map<string, Shape>();
  const layers: PlanLayer[] = spec.layers.map((layerSpec, i) => {
    const { name } = layerSpec;
    const { type, out, params, config: resolved } = resolveLayer(layerSpec, shape, { inputKind: spec.input.type, vocabularySize: tokens.length, index: i });
    const layer: PlanLayer = {
      name,
      type,
      config: resolved,
      inputShape: shape,
      outputShape: out,
      params,
      hash: `${type}:${JSON.stringify(resolved)}:${shape.join('x')}`,
      chainHash: `chain${i}`,
      source: { file: 'layers.yaml', line: i + 3, column: 5 },
    };
    shape = out;
    shapes.set(name, out);
    return layer;
  });

  const heads: PlanHead[] = spec.heads.map((h, i) => {
    const attached = shapes.get(h.attach)!;
    const loss: Loss = h.loss ?? (h.task === 'regression' ? 'mse' : 'crossentropy');
    const pool = h.task !== 'generation' && attached.length === 2 ? (h.pool ?? 'mean') : null;
    const inShape = pool ? [attached[1]] : attached;
    const d = inShape[inShape.length - 1];
    const classes = h.classes ?? [];
    const units = h.task === 'classification' ? (loss === 'bce' ? 1 : classes.length) : h.task === 'generation' ? tokens.length : (h.units ?? 1);
    const activation = h.task === 'classification' ? (loss === 'bce' ? 'sigmoid' : 'softmax') : h.task === 'generation' ? 'softmax' : 'linear';
    const outputShape = inShape.length === 2 ? [inShape[0], units] : [units];
    return {
      name: h.name,
      attach: h.attach,
      task: h.task,
      loss,
      labelSmoothing: h.labelSmoothing ?? 0,
      classes,
      pool,
      weight: h.weight ?? 1,
      units,
      activation,
      inputShape: inShape,
      outputShape,
      params: d * units + units,
      hash: `head:${h.name}:${units}:${inShape.join('x')}`,
      chainHash: `headchain${i}`,
      source: { file: 'heads.yaml', line: i + 3, column: 5 },
    } satisfies PlanHead;
  });

  const datasets: PlanDataset[] = (spec.datasets ?? []).map((d, i) => ({
    name: d.name,
    type: 'multi_classification',
    head: d.head,
    source: null,
    count: d.samples.length,
    samples: d.samples,
    hash: `data${i}:${d.samples.length}`,
    sourceRef: { file: `datasets/${d.name}.yaml`, line: 1, column: 1 },
  }));

  const params = layers.reduce((s, l) => s + l.params, 0) + heads.reduce((s, h) => s + h.params, 0);
  // the compiler's defaults for everything the spec leaves out; a shorter run and a larger learning rate than a user's
  const resolved = resolveProject({
    apiVersion: 'nnc/v1',
    kind: 'Project',
    name: spec.name ?? 'test',
    input: text ? { type: 'text', maxLength: inputShape[0], tokenizer: (spec.input as { tokenizer?: 'word' | 'char' }).tokenizer ?? 'word' } : { type: 'features', features: inputShape[0] },
    training: { seed: 42, epochs: 5, batchSize: 16, learningRate: 0.01, validationSplit: 0.2 },
    monitor: { weightsEvery: spec.weightsEvery ?? 50 },
  });
  const project = { ...resolved, training: { ...resolved.training, ...spec.training } };
  return {
    apiVersion: 'nnc/v1',
    hash: 'plan-hash',
    modelHash: 'model-hash',
    project,
    vocabulary: {
      tokens,
      categories: { special: tokens.slice(0, text ? 5 : 2), general: tokens.slice(text ? 5 : 2) },
      special: { pad: 0, unk: 1, bos: text ? 2 : null, sep: text ? 3 : null, eos: text ? 4 : null },
      hash: `vocab:${tokens.join(',')}`,
    },
    layers,
    heads,
    datasets,
    totals: { params, trainable: params, weightBytes: params * 4 },
  };
}
