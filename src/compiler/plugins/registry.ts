// The plugin types in effect. compile() activates its project's plugins at its
// start (it is synchronous, so two compiles never interleave, and nnc diff's
// two sides each see their own); the compiler's layer rules, the runtime's
// emit and model loading then find plugin types beside the built-in ones. A
// process that trains without compiling (the training worker, predict)
// activates the plugins its plan names (runtime-plugins.ts).
import type { LayerDefinition } from '../layers/define.js';
import type { PluginDatasetType, PluginLayerType, LayerClass } from './api.js';
import type { Tf } from '../../runtime/emit/tf.js';

export interface LoadedLayerType {
  /** the plugin's name */
  readonly plugin: string;
  /** the plugin's definition, wrapped so a rule that throws becomes a diagnostic */
  readonly definition: LayerDefinition;
  readonly source: PluginLayerType;
}

export interface LoadedDatasetType {
  readonly plugin: string;
  readonly source: PluginDatasetType;
}

export interface LoadedPlugin {
  /** how builds, diffs, the viewer and exports name it */
  readonly name: string;
  /** the `plugins:` entry as written */
  readonly specifier: string;
  /** project-relative path of the module (forward slashes), or the resolved path of a package */
  readonly file: string;
  /** absolute path, to load it again (the training worker) */
  readonly path: string;
  /** over the module file's content; null when it could not be read */
  readonly hash: string | null;
  /** false: not run (nnc diff without --trust-plugins) or failed to load */
  readonly loaded: boolean;
  readonly layerTypes: readonly string[];
  readonly datasetTypes: readonly string[];
}

export interface PluginSet {
  readonly plugins: readonly LoadedPlugin[];
  readonly layers: ReadonlyMap<string, LoadedLayerType>;
  readonly datasets: ReadonlyMap<string, LoadedDatasetType>;
  /** a declared plugin did not load or was not run: its types are unknown, so documents using them cannot be checked */
  readonly incomplete: boolean;
}

export const NO_PLUGINS: PluginSet = { plugins: [], layers: new Map(), datasets: new Map(), incomplete: false };

let active: PluginSet = NO_PLUGINS;

export function activatePlugins(set: PluginSet): void {
  active = set;
}

export function activePlugins(): PluginSet {
  return active;
}

export function pluginLayerType(type: string): LoadedLayerType | undefined {
  return active.layers.get(type);
}

export function pluginDatasetType(type: string): LoadedDatasetType | undefined {
  return active.datasets.get(type);
}

const classes = new WeakMap<Tf, Map<PluginLayerType, LayerClass>>();

/** A plugin layer type's class for this tf, defined and registered for serialization once; null when it has none. */
export function pluginLayerClass(tf: Tf, layer: PluginLayerType): LayerClass | null {
  if (!layer.layerClass) return null;
  let byType = classes.get(tf);
  if (!byType) classes.set(tf, (byType = new Map()));
  let cls = byType.get(layer);
  if (!cls) {
    cls = layer.layerClass(tf);
    tf.serialization.registerClass(cls as never);
    byType.set(layer, cls);
  }
  return cls;
}

/** Registers the active plugins' layer classes with tf, so a saved model that uses them loads (registerNncLayers calls it). */
export function registerPluginLayers(tf: Tf): void {
  for (const { source } of active.layers.values()) pluginLayerClass(tf, source);
}
