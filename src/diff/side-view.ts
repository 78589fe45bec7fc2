// One side of a diff in a single shape, whether it compiled (from the plan)
// or not (from the YAML documents as written, with nulls where only the
// compiler knows: shapes, parameters, hashes, source-file sample counts).
import { canonicalLayerType, layerRule } from '../compiler/layer-types.js';
import type { CompileResult } from '../compiler/index.js';
import { loadSource, UNREAD_FILE_CODES } from '../compiler/load.js';
import type { Plan, Shape } from '../compiler/plan.js';
import type { RawLayer, RawProject } from '../compiler/raw.js';
import { resolveProject } from '../compiler/resolve-project.js';
import { categoriesAsListed } from '../compiler/token-categories.js';

export interface LayerView {
  readonly name: string;
  readonly type: string;
  /** resolved arguments; from YAML, keys only the compiler fills (inputDim) are missing */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputShape: Shape | null;
  readonly outputShape: Shape | null;
  readonly params: number | null;
  readonly hash: string | null;
}

export interface HeadView {
  readonly name: string;
  /** task, loss, attach, classes, pool, weight, labelSmoothing, units, activation as known */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputShape: Shape | null;
  readonly params: number | null;
}

export interface DatasetView {
  readonly name: string;
  readonly type: string | null;
  readonly head: string | null;
  /** samples; null when they sit in a source file that was not read */
  readonly count: number | null;
  /** over type, head and samples (not the name); null when not compiled */
  readonly hash: string | null;
}

export interface SideView {
  readonly compiled: boolean;
  readonly planHash: string | null;
  readonly modelHash: string | null;
  readonly params: number | null;
  readonly weightBytes: number | null;
  /** null when no Layers document could be read */
  readonly layers: readonly LayerView[] | null;
  readonly heads: readonly HeadView[] | null;
  /** category -> tokens; null when no vocabulary could be read */
  readonly vocabulary: Readonly<Record<string, readonly string[]>> | null;
  /** tokens in the vocabulary; null when not compiled */
  readonly vocabularySize: number | null;
  readonly datasets: readonly DatasetView[];
  /** input.*, training.*, monitor.* as dotted keys; null when no Project document could be read */
  readonly settings: Readonly<Record<string, unknown>> | null;
}

export function viewOfPlan(plan: Plan): SideView {
  return {
    compiled: true,
    planHash: plan.hash,
    modelHash: plan.modelHash,
    params: plan.totals.params,
    weightBytes: plan.totals.weightBytes,
    layers: plan.layers.map((l) => ({ name: l.name, type: l.type, config: { ...l.config }, inputShape: l.inputShape, outputShape: l.outputShape, params: l.params, hash: l.hash })),
    heads: plan.heads.map((h) => ({
      name: h.name,
      config: { attach: h.attach, task: h.task, loss: h.loss, classes: h.classes, pool: h.pool, weight: h.weight, labelSmoothing: h.labelSmoothing, units: h.units, activation: h.activation },
      inputShape: h.inputShape,
      params: h.params,
    })),
    // the data's words as 'fromDatasets', as a side read without compiling has them (compare.ts)
    vocabulary: categoriesAsListed(plan.vocabulary),
    vocabularySize: plan.vocabulary.tokens.length,
    datasets: plan.datasets.map((d) => ({ name: d.name, type: d.type, head: d.head, count: d.count, hash: d.hash })),
    settings: settingsOf(plan.project),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const named = (v: unknown): v is Record<string, unknown> & { name: string } => isObject(v) && typeof v.name === 'string';

/** A compiled side from its plan; one that does not compile from its YAML as written. */
export function viewOfCompile(result: CompileResult): SideView {
  if (result.plan) return viewOfPlan(result.plan);
  const values: unknown[] = [];
  // a file that could not be read or parsed may hold any document: what is missing is unknown, not absent
  let complete = !result.diagnostics.some((d) => UNREAD_FILE_CODES.includes(d.code));
  for (const file of result.files) {
    const loaded = loadSource(file.relPath, file.path, file.text);
    if (loaded.diagnostics.length > 0) complete = false;
    values.push(...loaded.documents.map((d) => d.value));
  }
  return viewOfDocuments(values, complete);
}

/**
 * What can be read from the YAML of a project that does not compile: plain
 * values of its documents. complete: every file parsed, so a missing document
 * is absent (no layers) rather than unknown (null).
 */
export function viewOfDocuments(values: readonly unknown[], complete: boolean): SideView {
  const docs = values.filter(isObject);
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const project = ofKind('Project')[0];
  const inputKind = isObject(project?.input) && project.input.type === 'features' ? 'features' : 'text';

  const layersDoc = ofKind('Layers').find((d) => Array.isArray(d.layers));
  const layers = layersDoc ? (layersDoc.layers as unknown[]).filter(named).map((raw, index) => rawLayer(raw, index, inputKind)) : complete ? [] : null;

  const headsDoc = ofKind('Heads').find((d) => Array.isArray(d.heads));
  const heads = headsDoc
    ? (headsDoc.heads as unknown[]).filter(named).map((raw) => {
        const config: Record<string, unknown> = {};
        for (const key of ['attach', 'task', 'loss', 'classes', 'pool', 'weight', 'labelSmoothing']) if (raw[key] !== undefined) config[key] = key === 'classes' && Array.isArray(raw[key]) ? raw[key].map(String) : raw[key];
        return { name: raw.name, config, inputShape: null, params: null };
      })
    : complete
      ? []
      : null;

  const tokens = ofKind('Tokens')[0];
  let vocabulary: Record<string, string[]> | null = complete ? {} : null;
  if (tokens && isObject(tokens.categories)) {
    vocabulary = {};
    for (const [category, list] of Object.entries(tokens.categories)) vocabulary[category] = Array.isArray(list) ? list.map(String) : [];
  }
  if (vocabulary) {
    // the compiler adds the special tokens a project needs to 'special' (vocabulary.ts)
    const generation = (heads ?? []).some((h) => h.config.task === 'generation');
    const listed = new Set(Object.values(vocabulary).flat());
    const missing = ['<pad>', '<unk>', ...(generation ? ['<bos>', '<sep>', '<eos>'] : [])].filter((t) => !listed.has(t));
    if (missing.length > 0) vocabulary.special = [...(vocabulary.special ?? []), ...missing];
  }

  const datasets = ofKind('Dataset')
    .filter(named)
    .map((d) => ({
      name: d.name,
      type: typeof d.type === 'string' ? d.type : null,
      head: typeof d.head === 'string' ? d.head : null,
      count: d.source === undefined ? (Array.isArray(d.samples) ? d.samples.length : 0) : null,
      hash: null,
    }));

  let settings: Record<string, unknown> | null = null;
  if (project && isObject(project.input) && (project.training === undefined || isObject(project.training))) {
    try {
      settings = settingsOf(resolveProject(project as unknown as RawProject));
    } catch {
      settings = null; // values of the wrong type: nothing comparable
    }
  }
  return { compiled: false, planHash: null, modelHash: null, params: null, weightBytes: null, layers, heads, vocabulary, vocabularySize: null, datasets, settings };
}

function rawLayer(raw: Record<string, unknown> & { name: string }, index: number, inputKind: 'text' | 'features'): LayerView {
  const type = typeof raw.type === 'string' ? canonicalLayerType(raw.type) : null;
  let config: Record<string, unknown>;
  if (type) {
    // defaults filled the way the compiler fills them, so unchanged layers compare equal to the other side's plan
    const resolved: Record<string, unknown> = { ...layerRule(type).resolve(raw as unknown as RawLayer, { inputKind, vocabularySize: Number.NaN, index }) };
    delete resolved.inputDim;
    config = resolved;
  } else {
    const { name: _name, type: _type, ...rest } = raw;
    config = rest;
  }
  return { name: raw.name, type: type ?? String(raw.type), config, inputShape: null, outputShape: null, params: null, hash: null };
}

function settingsOf(project: Plan['project']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { shape: _shape, ...input } = project.input;
  // one level: a schedule or early-stopping object stays one value
  for (const [group, values] of [['input', input], ['training', project.training], ['monitor', project.monitor]] as const) {
    for (const [key, value] of Object.entries(values)) out[`${group}.${key}`] = value;
  }
  return out;
}
