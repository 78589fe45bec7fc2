// Hand-made plans for runtime tests: shapes and parameter counts follow the
// compiler's formulas, written out again here so emit is checked against them.
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

export interface LayerSpec extends LayerConfig {
  readonly name: string;
  readonly type: LayerType;
}

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

function layerShape(type: LayerType, c: LayerConfig, input: Shape, vocab: number): { out: Shape; params: number; config: LayerConfig } {
  const d = input[input.length - 1];
  const seq = input.length === 2 ? input[0] : null;
  const withSeq = (width: number): Shape => (seq === null ? [width] : [seq, width]);
  switch (type) {
    case 'dense': {
      const bias = c.useBias ?? true;
      return { out: withSeq(c.units!), params: d * c.units! + (bias ? c.units! : 0), config: { activation: 'linear', useBias: true, ...c } };
    }
    case 'embedding':
      return { out: [input[0], c.units!], params: vocab * c.units!, config: { ...c, inputDim: vocab } };
    case 'conv1d': {
      const k = c.kernelSize!;
      const s = c.strides ?? 1;
      const padding = c.padding ?? 'same';
      const t = padding === 'valid' ? Math.floor((seq! - k) / s) + 1 : Math.ceil(seq! / s);
      return { out: [t, c.filters!], params: k * d * c.filters! + c.filters!, config: { strides: 1, padding: 'same', activation: 'linear', ...c } };
    }
    case 'lstm':
    case 'gru': {
      const u = c.units!;
      const gates = type === 'lstm' ? 4 : 3;
      return { out: c.returnSequences ? [seq!, u] : [u], params: gates * (u * (d + u) + u), config: { returnSequences: false, ...c } };
    }
    case 'attention':
      return { out: input, params: 4 * (d * d + d), config: { heads: 1, causal: false, ...c } };
    case 'layernorm':
      return { out: input, params: 2 * d, config: { epsilon: 1e-5, ...c } };
    case 'dropout':
    case 'activation':
      return { out: input, params: 0, config: c };
    case 'pool':
      return { out: [d], params: 0, config: { mode: 'mean', ...c } };
  }
}

export function makePlan(spec: PlanSpec): Plan {
  const tokens = spec.input.type === 'text' ? [...SPECIALS, ...(spec.tokens ?? [])] : ['<pad>', '<unk>'];
  const text = spec.input.type === 'text';
  const inputShape: Shape = text ? [(spec.input as { maxLength: number }).maxLength] : [(spec.input as { features: number }).features];
  let shape = inputShape;
  const shapes = new Map<string, Shape>();
  const layers: PlanLayer[] = spec.layers.map(({ name, type, ...config }, i) => {
    const { out, params, config: resolved } = layerShape(type, config, shape, tokens.length);
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
  return {
    apiVersion: 'nnc/v1',
    hash: 'plan-hash',
    modelHash: 'model-hash',
    project: {
      name: spec.name ?? 'test',
      description: '',
      input: {
        type: spec.input.type,
        tokenizer: text ? ((spec.input as { tokenizer?: 'word' | 'char' }).tokenizer ?? 'word') : 'word',
        lowercase: true,
        maxLength: text ? inputShape[0] : 0,
        features: text ? 0 : inputShape[0],
        shape: inputShape,
      },
      training: {
        seed: 42,
        epochs: 5,
        batchSize: 16,
        optimizer: 'adam',
        learningRate: 0.01,
        schedule: { type: 'none' },
        clipNorm: null,
        validationSplit: 0.2,
        earlyStopping: null,
        ...spec.training,
      },
      monitor: { weightsEvery: spec.weightsEvery ?? 50 },
    },
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
