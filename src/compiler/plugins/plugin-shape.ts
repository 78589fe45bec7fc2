// Is what a plugin module exports a plugin? Checked when it loads, so a
// missing function or an argument schema nnc cannot check is one sentence at
// the `plugins` entry instead of a crash later.
import { NAME_PATTERN } from '../validators/phrasing.js';
import type { PluginDatasetType, PluginEncoding, PluginLayerType } from './api.js';
import { fragmentProblem } from './check-values.js';

export const BUILT_IN_DATASET_TYPES = ['binary_classification', 'multi_classification', 'qa', 'article_approximation', 'regression', 'text_generation'] as const;
export const PLUGIN_ENCODINGS: readonly PluginEncoding[] = ['binary_classification', 'multi_classification', 'regression', 'text_generation'];
/** what a layer carries besides its arguments */
export const LAYER_KEYS = ['name', 'type', 'in', 'out'];

export interface PluginShape {
  readonly name?: string;
  readonly layers: readonly PluginLayerType[];
  readonly datasets: readonly PluginDatasetType[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function layerProblem(layer: unknown, i: number): string | null {
  if (!isObject(layer)) return `item ${i + 1} of 'layers' is not an object`;
  const type = layer.type;
  if (typeof type !== 'string' || !new RegExp(NAME_PATTERN).test(type)) return `item ${i + 1} of 'layers' has no 'type' of lowercase letters, digits and '_' (it is ${JSON.stringify(type)})`;
  const what = `layer type '${type}'`;
  if (typeof layer.description !== 'string' || layer.description === '') return `${what} has no 'description'`;
  for (const fn of ['shape', 'params', 'emit'] as const) if (typeof layer[fn] !== 'function') return `${what} has no '${fn}' function`;
  if (layer.layerClass !== undefined && typeof layer.layerClass !== 'function') return `${what}'s 'layerClass' is not a function of tf`;
  if (!isObject(layer.args)) return `${what} has no 'args' object (write 'args: {}' for none)`;
  for (const [key, argument] of Object.entries(layer.args)) {
    if (LAYER_KEYS.includes(key)) return `${what} declares an argument '${key}', which every layer has already`;
    if (!new RegExp('^[a-zA-Z][a-zA-Z0-9_]*$').test(key)) return `${what}'s argument '${key}' is not a plain name`;
    if (!isObject(argument)) return `${what}'s argument '${key}' is not an object with 'schema' and 'description'`;
    if (typeof argument.description !== 'string' || argument.description === '') return `${what}'s argument '${key}' has no 'description'`;
    const bad = fragmentProblem(argument.schema);
    if (bad) return `${what}'s argument '${key}': ${bad}`;
    if (argument.default !== undefined && !['string', 'number', 'boolean'].includes(typeof argument.default)) return `${what}'s argument '${key}' has a default that is not a string, number or boolean`;
  }
  return null;
}

function datasetProblem(dataset: unknown, i: number): string | null {
  if (!isObject(dataset)) return `item ${i + 1} of 'datasets' is not an object`;
  const type = dataset.type;
  if (typeof type !== 'string' || !new RegExp(NAME_PATTERN).test(type)) return `item ${i + 1} of 'datasets' has no 'type' of lowercase letters, digits and '_' (it is ${JSON.stringify(type)})`;
  const what = `dataset type '${type}'`;
  if (typeof dataset.description !== 'string' || dataset.description === '') return `${what} has no 'description'`;
  if (typeof dataset.encode !== 'function') return `${what} has no 'encode' function`;
  if (!PLUGIN_ENCODINGS.includes(dataset.encodes as PluginEncoding)) return `${what}'s 'encodes' is ${JSON.stringify(dataset.encodes)}, not one of ${PLUGIN_ENCODINGS.map((e) => `'${e}'`).join(', ')}`;
  if (!isObject(dataset.fields) || Object.keys(dataset.fields).length === 0) return `${what} has no 'fields' (the sample's fields, each with a schema and a description)`;
  for (const [key, field] of Object.entries(dataset.fields)) {
    if (!isObject(field)) return `${what}'s field '${key}' is not an object with 'schema' and 'description'`;
    if (typeof field.description !== 'string' || field.description === '') return `${what}'s field '${key}' has no 'description'`;
    const bad = fragmentProblem(field.schema);
    if (bad) return `${what}'s field '${key}': ${bad}`;
  }
  return null;
}

/** The plugin in a module's exports (its default export, or the module itself), or a sentence saying what is wrong. */
export function checkPluginShape(exports: unknown): PluginShape | string {
  const module = isObject(exports) || typeof exports === 'function' ? (exports as Record<string, unknown>) : null;
  if (!module) return 'it exports nothing';
  const plugin = isObject(module.default) ? module.default : module;
  if (plugin.name !== undefined && (typeof plugin.name !== 'string' || plugin.name.trim() === '' || plugin.name.length > 100)) return "its 'name' is not a short text";
  const layers = plugin.layers ?? [];
  const datasets = plugin.datasets ?? [];
  if (!Array.isArray(layers)) return "its 'layers' is not a list";
  if (!Array.isArray(datasets)) return "its 'datasets' is not a list";
  if (layers.length === 0 && datasets.length === 0) return "it defines no layer or dataset type (its default export has no 'layers' or 'datasets')";
  const problem = layers.map(layerProblem).find((p) => p !== null) ?? datasets.map(datasetProblem).find((p) => p !== null);
  if (problem) return problem;
  const types = [...layers, ...datasets].map((d) => (d as { type: string }).type);
  const twice = types.find((t, i) => types.indexOf(t) !== i);
  if (twice) return `it defines the type '${twice}' twice`;
  return { ...(typeof plugin.name === 'string' ? { name: plugin.name } : {}), layers: layers as PluginLayerType[], datasets: datasets as PluginDatasetType[] };
}
