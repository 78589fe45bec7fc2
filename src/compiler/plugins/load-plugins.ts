// The project's plugins (nnc.yaml `plugins:`), read, hashed and run through
// the host's plugin loader before the documents are validated, since a plugin
// adds layer and dataset types the schemas do not know. Every way a plugin can
// fail (missing, outside the project, a syntax error, throwing at load, not
// exporting a plugin, clashing with another type) is a diagnostic at its entry.
import { createHash } from 'node:crypto';
import { basename, extname, relative, sep } from 'node:path';
import { diagnosticAt, type Diagnostic } from '../diagnostics.js';
import { readProjectFile, type CompilerHost, type PluginLoader } from '../host.js';
import { LAYER_DEFINITIONS } from '../layers/index.js';
import type { LoadedDocument } from '../load.js';
import type { PluginDatasetType, PluginLayerType } from './api.js';
import { wrapLayerType } from './layer-type.js';
import { refusingPluginLoader } from './node-loader.js';
import { checkPluginShape, BUILT_IN_DATASET_TYPES } from './plugin-shape.js';
import { NO_PLUGINS, type LoadedDatasetType, type LoadedLayerType, type LoadedPlugin, type PluginSet } from './registry.js';
import { MESSAGES } from '../diagnostic-messages.js';

/** A plugin module larger than this is refused unread. */
export const PLUGIN_MAX_BYTES = 4 * 1024 * 1024;

const NOT_RUN = 'this compiler host runs no plugin code';

/** './x.mjs', '../x.mjs' and '/x.mjs' are files (as in Node's import); anything else names a package. */
export function isPluginPath(specifier: string): boolean {
  return /^\.{0,2}\//.test(specifier) || /^\.\.?$/.test(specifier);
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function builtInLayerTypes(): Set<string> {
  return new Set(Object.values(LAYER_DEFINITIONS).flatMap((d) => [d.type, ...(d.aliases ?? [])]));
}

/** The Project document's plugin entries, with their positions in the list (entries that are not strings are the schema's to report). */
function entriesOf(project: LoadedDocument | undefined): { specifier: string; index: number }[] {
  const list = (project?.value as { plugins?: unknown } | null | undefined)?.plugins;
  if (!Array.isArray(list)) return [];
  return list.flatMap((specifier, index) => (typeof specifier === 'string' && specifier.trim() !== '' ? [{ specifier, index }] : []));
}

export function findProjectDocument(documents: readonly LoadedDocument[]): LoadedDocument | undefined {
  return documents.find((d) => (d.value as { kind?: unknown } | null)?.kind === 'Project');
}

export function loadPlugins(projectDir: string, documents: readonly LoadedDocument[], host: CompilerHost): { set: PluginSet; diagnostics: Diagnostic[] } {
  const projectDoc = findProjectDocument(documents);
  const entries = entriesOf(projectDoc);
  if (!projectDoc || entries.length === 0) return { set: NO_PLUGINS, diagnostics: [] };
  const { set, problems } = loadPluginEntries(projectDir, entries, host);
  const diagnostics = problems.map((p) => diagnosticAt(projectDoc, ['plugins', p.index], p.code, p.message, { severity: p.severity }));
  return { set, diagnostics };
}

export interface PluginProblem {
  /** the entry's position in the `plugins` list */
  readonly index: number;
  readonly code: number;
  readonly severity: 'error' | 'info';
  readonly message: string;
}

/** The plugins of a list of entries ('./plugins/x.mjs' or a package name), each problem a sentence about its entry. */
export function loadPluginEntries(projectDir: string, entries: readonly { specifier: string; index: number }[], host: CompilerHost): { set: PluginSet; problems: PluginProblem[] } {
  const problems: PluginProblem[] = [];
  const loader: PluginLoader = host.plugins ?? refusingPluginLoader(NOT_RUN);
  const plugins: LoadedPlugin[] = [];
  const layers = new Map<string, LoadedLayerType>();
  const datasets = new Map<string, LoadedDatasetType>();
  const builtInLayers = builtInLayerTypes();
  const seen = new Map<string, number>();
  let incomplete = false;

  for (const { specifier, index } of entries) {
    const at = (code: number, message: string, severity: 'error' | 'info' = 'error') => problems.push({ index, code, message, severity });
    const quoted = `'${specifier}'`;
    if (seen.has(specifier)) {
      at(MESSAGES.pluginClash.code, `Plugin ${quoted} is already listed as item ${seen.get(specifier)! + 1} of 'plugins'. Remove one of them.`);
      continue;
    }
    seen.set(specifier, index);

    // where it is and what it holds (its hash goes into the plan), before anything runs
    let path: string;
    let file: string;
    if (isPluginPath(specifier)) {
      path = host.resolve(projectDir, specifier);
      const real = host.realpath(path);
      file = relative(projectDir, real ?? path).split(sep).join('/');
    } else if (loader.runs) {
      const resolved = loader.resolvePackage(specifier, projectDir);
      if (resolved === null) {
        const asFile = /\.[cm]?js$/.test(specifier) ? ` For a file of the project, write './${specifier}'.` : '';
        at(MESSAGES.pluginNotFound.code, `Plugin ${quoted} is not installed where the project can find it: no package ${quoted} in the node_modules of the project folder or above.${asFile} Run 'npm install ${specifier}' there, or remove the entry.`);
        incomplete = true;
        continue;
      }
      path = resolved;
      file = relative(projectDir, resolved).split(sep).join('/');
    } else {
      // a package is not resolved by a loader that runs nothing (nnc diff reads no node_modules of a revision)
      plugins.push({ name: specifier, specifier, file: specifier, path: specifier, hash: null, loaded: false, layerTypes: [], datasetTypes: [] });
      const refusal = loader.load(specifier);
      at(MESSAGES.pluginNotRun.code, `Plugin ${quoted} was not run: ${'error' in refusal ? refusal.error : NOT_RUN}. Layers and datasets of its types are read as written, unchecked.`, 'info');
      incomplete = true;
      continue;
    }
    const text = isPluginPath(specifier) ? readProjectFile(host, projectDir, path, PLUGIN_MAX_BYTES) : host.readFile(path, { maxBytes: PLUGIN_MAX_BYTES });
    if (typeof text !== 'string') {
      const advice = text.reason === 'outside' ? ' A plugin is a file inside the project folder or a package in its node_modules.' : text.reason === 'missing' ? ' Check the path: it is relative to the project folder.' : '';
      at(MESSAGES.pluginNotFound.code, `Plugin ${quoted} cannot be read: ${text.error}.${advice} Fix the entry, or remove it.`);
      incomplete = true;
      continue;
    }
    const hash = contentHash(text);
    const fallbackName = isPluginPath(specifier) ? basename(path, extname(path)) : specifier;
    const unrun = (): LoadedPlugin => ({ name: fallbackName, specifier, file, path, hash, loaded: false, layerTypes: [], datasetTypes: [] });
    const result = loader.load(path);
    if ('error' in result) {
      incomplete = true;
      plugins.push(unrun());
      const where = result.line === undefined ? '' : ` (${file}:${result.line})`;
      if (result.reason === 'missing') at(MESSAGES.pluginNotFound.code, `Plugin ${quoted} cannot be read: ${result.error}. Check the path: it is relative to the project folder.`);
      else if (result.reason === 'refused') at(MESSAGES.pluginNotRun.code, `Plugin ${quoted} was not run: ${result.error}. Layers and datasets of its types are read as written, unchecked.`, 'info');
      else at(result.reason === 'syntax' ? MESSAGES.pluginSyntax.code : MESSAGES.pluginThrows.code, `Plugin ${quoted} does not load: ${result.error}${where}. Fix '${file}', or remove the entry.`);
      continue;
    }

    const shape = checkPluginShape(result.exports);
    if (typeof shape === 'string') {
      incomplete = true;
      plugins.push(unrun());
      at(MESSAGES.notAPlugin.code, `Plugin ${quoted} is not an nnc plugin: ${shape}. Export one with 'export default { name, layers: [...], datasets: [...] }' (README: Plugins).`);
      continue;
    }
    const name = shape.name ?? fallbackName;
    const clash = (kind: 'layer' | 'dataset', type: string): string | null => {
      if (kind === 'layer' && builtInLayers.has(type)) return `its layer type '${type}' is a built-in type`;
      if (kind === 'dataset' && (BUILT_IN_DATASET_TYPES as readonly string[]).includes(type)) return `its dataset type '${type}' is a built-in type`;
      const other = kind === 'layer' ? layers.get(type) : datasets.get(type);
      return other ? `its ${kind} type '${type}' is also defined by plugin '${other.plugin}'` : null;
    };
    const clashes = [...shape.layers.map((l) => clash('layer', l.type)), ...shape.datasets.map((d) => clash('dataset', d.type))].filter((c): c is string => c !== null);
    if (clashes.length > 0) {
      incomplete = true;
      plugins.push(unrun());
      at(MESSAGES.pluginClash.code, `Plugin ${quoted} cannot be used: ${clashes[0]}. Rename the type in '${file}', or remove one of the plugins.`);
      continue;
    }
    for (const layer of shape.layers as PluginLayerType[]) layers.set(layer.type, { plugin: name, definition: wrapLayerType(name, layer), source: layer });
    for (const dataset of shape.datasets as PluginDatasetType[]) datasets.set(dataset.type, { plugin: name, source: dataset });
    plugins.push({ name, specifier, file, path, hash, loaded: true, layerTypes: shape.layers.map((l) => l.type), datasetTypes: shape.datasets.map((d) => d.type) });
  }
  return { set: { plugins, layers, datasets, incomplete }, problems };
}
