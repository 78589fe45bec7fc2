// A tfjs layers model.json -> what an nnc project says: the input, a chain of
// layers (nnc's types and arguments) and heads attached to them. Sequential
// models and functional chains (one path from the input, heads branching off
// it: nnc's own export, a converted Keras model) are read; anything else is a
// diagnostic naming the layer, at its name in model.json. Pure JSON: no
// TensorFlow.js here.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { ACTIVATIONS } from '../../compiler/layers/define.js';
import { MESSAGES } from '../../compiler/diagnostic-messages.js';

export interface ImportedLayer {
  /** nnc's name (the model's, made to fit ^[a-z][a-z0-9_]*$) */
  readonly name: string;
  /** the name in model.json, whose weights the layer takes */
  readonly source: string;
  readonly type: string;
  /** arguments as layers.yaml writes them */
  readonly args: Readonly<Record<string, unknown>>;
}

export interface ImportedHead {
  readonly name: string;
  readonly source: string;
  /** the model's output layer for this head (the Dense, or the Activation after it) */
  readonly output: string;
  readonly attach: string;
  readonly units: number;
  readonly activation: string;
  readonly pool: 'mean' | 'max' | 'last' | null;
}

export interface ImportedModel {
  readonly name: string;
  readonly input: { readonly kind: 'text'; readonly steps: number } | { readonly kind: 'features'; readonly features: number };
  readonly layers: readonly ImportedLayer[];
  readonly heads: readonly ImportedHead[];
  /** the embedding's input_dim (text), to check against or make up a vocabulary */
  readonly vocabularySize: number | null;
}

interface RawLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

/** Keras snake_case activation ids -> tfjs's (the ones that differ). */
const ACTIVATION_NAMES: Record<string, string> = { hard_sigmoid: 'hardSigmoid' };
const POOL_CLASSES: Record<string, 'mean' | 'max'> = { GlobalAveragePooling1D: 'mean', GlobalMaxPooling1D: 'max' };
const SKIPPED = new Set(['InputLayer', 'NncPadMask']);

export function readModel(modelJsonText: string, file: string): { model: ImportedModel | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (needle: string | null, code: number, message: string, severity: Diagnostic['severity'] = 'error') => {
    const index = needle === null ? -1 : modelJsonText.search(new RegExp(`"name"\\s*:\\s*${JSON.stringify(needle).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const before = index < 0 ? '' : modelJsonText.slice(0, index);
    const line = index < 0 ? 1 : before.split('\n').length;
    const column = index < 0 ? 1 : index - before.lastIndexOf('\n');
    diagnostics.push({ code, severity, message, file, line, column, length: needle === null ? 1 : needle.length + 9 });
  };
  const fail = (message: string) => {
    at(null, MESSAGES.importUnreadable.code, message);
    return { model: null, diagnostics };
  };

  let json: { modelTopology?: unknown };
  try {
    json = JSON.parse(modelJsonText);
  } catch (error) {
    return fail(`'${file}' is not valid JSON (${(error as Error).message}). Give the model.json of a TensorFlow.js layers model.`);
  }
  const topology = ((json.modelTopology as { model_config?: unknown })?.model_config ?? json.modelTopology) as { class_name?: string; config?: unknown } | undefined;
  if (!topology || typeof topology !== 'object' || !topology.config) {
    return fail(`'${file}' has no 'modelTopology': it is not a TensorFlow.js layers model (a graph model from tf.saved_model cannot be imported; convert the Keras model with '--output_format tfjs_layers_model').`);
  }
  const config = topology.config as { name?: string; layers?: RawLayer[] } | RawLayer[];
  const rawLayers = (Array.isArray(config) ? config : config.layers ?? []) as RawLayer[];
  const sequential = topology.class_name === 'Sequential';
  const modelName = (Array.isArray(config) ? undefined : config.name) ?? 'imported';
  if (rawLayers.length === 0) return fail(`'${file}' has no layers.`);

  // names: the model's, made to fit nnc's rule; unique
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const [i, layer] of rawLayers.entries()) {
    const original = layer.name ?? String(layer.config['name'] ?? `layer_${i}`);
    let name = original.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || `layer_${i}`;
    while (taken.has(name)) name = `${name}_${i}`;
    taken.add(name);
    names.set(original, name);
  }
  const nameOf = (layer: RawLayer, i: number) => layer.name ?? String(layer.config['name'] ?? `layer_${i}`);
  const renamed = [...names].filter(([a, b]) => a !== b);
  if (renamed.length) at(null, MESSAGES.importNote.code, `Layer names were changed to fit nnc's names (lowercase letters, digits, '_'): ${renamed.map(([a, b]) => `'${a}' -> '${b}'`).join(', ')}.`, 'info');

  // inputs of each layer (names in model.json), first node only
  const inputsOf = new Map<string, string[]>();
  rawLayers.forEach((layer, i) => {
    const nodes = (layer.inbound_nodes ?? []) as unknown[][];
    if (nodes.length > 1) at(nameOf(layer, i), MESSAGES.importNotAChain.code, `Layer '${nameOf(layer, i)}' is applied ${nodes.length} times (shared weights); an nnc model applies each layer once.`);
    const node = (nodes[0] ?? []) as unknown[];
    // tfjs: [[name, node, tensor, kwargs], ...]; Keras 3 style: {args: [...]} is not read
    inputsOf.set(nameOf(layer, i), node.map((entry) => (Array.isArray(entry) ? String(entry[0]) : '')).filter(Boolean));
  });

  // the input
  let inputShape: unknown[] | undefined;
  let inputDtype: unknown;
  const first = rawLayers[0];
  if (first.class_name === 'InputLayer') {
    inputShape = (first.config['batch_input_shape'] ?? first.config['batch_shape']) as unknown[] | undefined;
    inputDtype = first.config['dtype'];
  } else {
    inputShape = first.config['batch_input_shape'] as unknown[] | undefined;
    inputDtype = first.config['dtype'];
  }
  if (!Array.isArray(inputShape) || inputShape.length !== 2 || typeof inputShape[1] !== 'number') {
    return fail(`The model's input has shape ${JSON.stringify(inputShape ?? null)}; nnc imports models that take one vector per sample: token ids [null, steps] or features [null, n].`);
  }
  const width = inputShape[1] as number;
  const firstComputing = rawLayers.find((l) => !SKIPPED.has(l.class_name));
  const text = firstComputing?.class_name === 'Embedding' || firstComputing?.class_name === 'NncEmbedding' || inputDtype === 'int32';

  // which layers are outputs, and the chain
  const outputs: string[] = sequential
    ? [nameOf(rawLayers[rawLayers.length - 1], rawLayers.length - 1)]
    : ((config as { output_layers?: unknown[] }).output_layers ?? []).map((o) => String((o as unknown[])[0]));
  const byName = new Map(rawLayers.map((l, i) => [nameOf(l, i), l]));
  const skipped = new Set(rawLayers.filter((l) => SKIPPED.has(l.class_name)).map((l, i) => nameOf(l, rawLayers.indexOf(l) ?? i)));
  const previousOf = (name: string, index: number): string | null => {
    if (sequential) {
      for (let i = index - 1; i >= 0; i--) if (!SKIPPED.has(rawLayers[i].class_name)) return nameOf(rawLayers[i], i);
      return null;
    }
    const ins = (inputsOf.get(name) ?? []).filter((n) => !skipped.has(n));
    if (ins.length > 1) {
      at(name, MESSAGES.importNotAChain.code, `Layer '${name}' takes ${ins.length} inputs (${ins.map((n) => `'${n}'`).join(', ')}); nnc imports a chain of layers, each taking the one before it.`);
    }
    return ins[0] ?? null;
  };

  // heads: each output Dense (a trailing softmax/sigmoid Activation folded in), with a pool only it reads
  const readers = new Map<string, number>();
  rawLayers.forEach((l, i) => {
    for (const n of sequential ? [previousOf(nameOf(l, i), i) ?? ''] : inputsOf.get(nameOf(l, i)) ?? []) readers.set(n, (readers.get(n) ?? 0) + 1);
  });
  const heads: ImportedHead[] = [];
  const headParts = new Set<string>();
  for (const output of outputs) {
    let denseName = output;
    let dense = byName.get(output);
    let activation: string | null = null;
    if (dense?.class_name === 'Activation') {
      const before = previousOf(output, rawLayers.indexOf(dense));
      const candidate = before ? byName.get(before) : undefined;
      if (candidate?.class_name === 'Dense' && activationOf(candidate.config['activation']) === 'linear') {
        activation = activationOf(dense.config['activation']);
        headParts.add(output);
        denseName = before!;
        dense = candidate;
      }
    }
    if (!dense || dense.class_name !== 'Dense') {
      at(output, MESSAGES.importNotAChain.code, `Output '${output}' is a '${dense?.class_name ?? 'missing'}' layer; an nnc head is a Dense layer (units and activation) at the end of the model. Add a Dense output layer, or import a model that ends in one.`);
      continue;
    }
    headParts.add(denseName);
    let attach = previousOf(denseName, rawLayers.indexOf(dense));
    let pool: ImportedHead['pool'] = null;
    const poolLayer = attach ? byName.get(attach) : undefined;
    // nnc's export names a head's pooling '<head>_pool'; any other pool is a layer of the chain
    if (poolLayer && (poolLayer.class_name === 'NncPool' || POOL_CLASSES[poolLayer.class_name]) && attach === `${denseName}_pool` && readers.get(attach) === 1) {
      pool = (POOL_CLASSES[poolLayer.class_name] ?? poolLayer.config['mode']) as ImportedHead['pool'];
      headParts.add(attach!);
      attach = previousOf(attach!, rawLayers.indexOf(poolLayer));
    }
    if (!attach) {
      at(denseName, MESSAGES.importNotAChain.code, `Head '${denseName}' reads the model's input directly; an nnc head attaches to a layer.`);
      continue;
    }
    heads.push({ name: names.get(denseName)!, source: denseName, output, attach, units: Number(dense.config['units']), activation: activation ?? activationOf(dense.config['activation']), pool });
  }

  // the trunk: every other layer, in order, each reading the one before it
  const layers: ImportedLayer[] = [];
  let previous: string | null = null;
  rawLayers.forEach((raw, i) => {
    const name = nameOf(raw, i);
    if (SKIPPED.has(raw.class_name) || headParts.has(name)) return;
    const before = previousOf(name, i);
    if (!sequential && before !== previous) {
      at(name, MESSAGES.importNotAChain.code, `Layer '${name}' reads ${before ? `'${before}'` : 'the input'}, not the layer before it (${previous ? `'${previous}'` : 'the input'}): nnc imports a chain of layers with heads branching off it.`);
    }
    const converted = convertLayer(raw, name, (code, message, severity) => at(name, code, message, severity), text && layers.length === 0);
    if (converted) layers.push({ name: names.get(name)!, source: name, ...converted });
    previous = name;
  });
  for (const head of heads) if (!layers.some((l) => l.source === head.attach)) at(head.source, MESSAGES.importNotAChain.code, `Head '${head.source}' attaches to '${head.attach}', which is not a layer of the chain.`);

  const embedding = rawLayers.find((l) => l.class_name === 'Embedding' || l.class_name === 'NncEmbedding');
  const model: ImportedModel = {
    name: modelName.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'imported',
    input: text ? { kind: 'text', steps: width } : { kind: 'features', features: width },
    layers,
    heads: heads.map((h) => ({ ...h, attach: names.get(h.attach)! })),
    vocabularySize: embedding ? Number(embedding.config['input_dim']) : null,
  };
  return { model: diagnostics.some((d) => d.severity === 'error') ? null : model, diagnostics };
}

function activationOf(value: unknown): string {
  const name = typeof value === 'string' ? value : 'linear';
  return ACTIVATION_NAMES[name] ?? name;
}

type Report = (code: number, message: string, severity?: Diagnostic['severity']) => void;

/** One layer of the trunk as nnc's type and arguments; null (after a diagnostic) when nnc has no such layer. */
function convertLayer(raw: RawLayer, name: string, report: Report, first: boolean): { type: string; args: Record<string, unknown> } | null {
  const c = raw.config;
  const unsupported = (what: string) => {
    report(MESSAGES.importDifferentComputation.code, `Layer '${name}' (${raw.class_name}) has ${what}, which nnc's layers do not compute. Change it in the source model, or import a model without it.`);
    return null;
  };
  const activation = (key: string, fallback: string) => {
    const id = activationOf(c[key] ?? fallback);
    if (!(ACTIVATIONS as readonly string[]).includes(id)) {
      report(MESSAGES.importDifferentComputation.code, `Layer '${name}' (${raw.class_name}) uses the activation '${id}', which nnc does not know. nnc's activations: ${ACTIVATIONS.join(', ')}.`);
    }
    return id;
  };
  const bias = () => c['use_bias'] === undefined || c['use_bias'] === true;
  switch (raw.class_name) {
    case 'Embedding':
    case 'NncEmbedding':
      if (!first) return unsupported('an embedding after the first layer');
      if (c['mask_zero'] === true) {
        report(MESSAGES.importOutputsDiffer.code, `Layer '${name}' (Embedding) has mask_zero: true; nnc's recurrent layers read <pad> steps (left padding) and its attention and pooling leave them out, so a masked Keras recurrent layer will compute differently.`, 'warning');
      }
      return { type: 'embedding', args: { units: Number(c['output_dim']) } };
    case 'Dense': {
      const args: Record<string, unknown> = { units: Number(c['units']), activation: activation('activation', 'linear') };
      if (!bias()) args['useBias'] = false;
      return { type: 'dense', args };
    }
    case 'Conv1D':
    case 'NncConv1D': {
      const one = (v: unknown) => (Array.isArray(v) ? Number(v[0]) : Number(v ?? 1));
      if (one(c['dilation_rate']) !== 1) return unsupported(`dilation_rate ${JSON.stringify(c['dilation_rate'])}`);
      if (!bias()) return unsupported('use_bias: false');
      if (c['data_format'] !== undefined && c['data_format'] !== 'channels_last') return unsupported(`data_format '${String(c['data_format'])}'`);
      return { type: 'conv1d', args: { filters: Number(c['filters']), kernelSize: one(c['kernel_size']), strides: one(c['strides']), padding: c['padding'] ?? 'valid', activation: activation('activation', 'linear') } };
    }
    case 'LSTM':
    case 'GRU':
    case 'NncRecurrent': {
      const cell = raw.class_name === 'NncRecurrent' ? String(c['cell']) : raw.class_name.toLowerCase();
      if (!bias()) return unsupported('use_bias: false');
      for (const key of ['go_backwards', 'stateful', 'return_state']) if (c[key] === true) return unsupported(`${key}: true`);
      if (cell === 'gru' && c['reset_after'] === true) return unsupported("reset_after: true (nnc's GRU applies the reset gate before the recurrent kernel, as reset_after: false)");
      const args: Record<string, unknown> = { units: Number(c['units']) };
      if (c['return_sequences'] === true) args['returnSequences'] = true;
      const act = activation('activation', 'tanh');
      if (act !== 'tanh') args['activation'] = act;
      // tfjs' default gate is hardSigmoid, nnc's sigmoid: written when it is not nnc's
      const gate = activation('recurrent_activation', 'hard_sigmoid');
      if (gate !== 'sigmoid') args['recurrentActivation'] = gate;
      return { type: cell, args };
    }
    case 'LayerNormalization':
    case 'NncLayerNorm': {
      const axis = c['axis'];
      if (axis !== undefined && axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) return unsupported(`axis ${JSON.stringify(axis)}`);
      if (c['center'] === false || c['scale'] === false) return unsupported('center or scale turned off');
      return { type: 'layernorm', args: c['epsilon'] === undefined ? {} : { epsilon: Number(c['epsilon']) } };
    }
    case 'Dropout':
    case 'NncDropout':
      return { type: 'dropout', args: { rate: Number(c['rate']) } };
    case 'Activation':
      return { type: 'activation', args: { activation: activation('activation', 'linear') } };
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      return { type: 'pool', args: { mode: POOL_CLASSES[raw.class_name] } };
    case 'NncPool':
      return { type: 'pool', args: { mode: c['mode'] } };
    case 'NncAttention':
      return { type: 'attention', args: { heads: Number(c['heads'] ?? 1), causal: c['causal'] === true } };
    default:
      report(MESSAGES.importUnsupportedLayer.code, `Layer '${name}' is a '${raw.class_name}', which nnc has no layer type for. nnc imports Embedding, Dense, Conv1D, LSTM, GRU, LayerNormalization, Dropout, Activation, GlobalAveragePooling1D/GlobalMaxPooling1D and nnc's own classes.`);
      return null;
  }
}
