// The plan of a project with plugins: the plugins it lists (with their files'
// content hashes), which layers and datasets come from them, and hashes that
// change when a plugin's code changes. A plugin layer's own hash takes its
// plugin's hash, so every later layer and head's chain hash, the model hash
// and the plan hash change with it (a warm start then starts it fresh). Other
// plugins change the plan hash only. A project without plugins gets its plan
// back untouched, with the same hashes as before plugins existed.
import { createHash } from 'node:crypto';
import type { Plan, PlanPlugin } from '../plan.js';
import type { PluginDatasetOrigin } from './apply.js';
import type { PluginSet } from './registry.js';

function hashOf(...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(typeof part === 'string' ? part : JSON.stringify(part)).update('\0');
  return h.digest('hex').slice(0, 16);
}

export function withPlugins(plan: Plan, set: PluginSet, datasetOrigins: ReadonlyMap<string, PluginDatasetOrigin>): Plan {
  if (set.plugins.length === 0) return plan;
  const plugins: PlanPlugin[] = set.plugins.map((p) => ({ name: p.name, specifier: p.specifier, file: p.file, hash: p.hash ?? '', layerTypes: p.layerTypes, datasetTypes: p.datasetTypes }));
  const hashByName = new Map(plugins.map((p) => [p.name, p.hash]));

  // the plugin hashes up to each layer, folded into its chain hash
  let upstream: string[] = [];
  const chainOf = new Map<string, readonly string[]>();
  const layers = plan.layers.map((layer) => {
    const plugin = set.layers.get(layer.type)?.plugin;
    if (plugin) upstream = [...upstream, hashByName.get(plugin) ?? ''];
    chainOf.set(layer.name, upstream);
    if (!plugin && upstream.length === 0) return layer;
    return {
      ...layer,
      ...(plugin ? { plugin, hash: hashOf(layer.hash, hashByName.get(plugin) ?? '') } : {}),
      chainHash: hashOf(layer.chainHash, upstream),
    };
  });
  const heads = plan.heads.map((head) => {
    const before = chainOf.get(head.attach) ?? [];
    return before.length === 0 ? head : { ...head, chainHash: hashOf(head.chainHash, before) };
  });
  const datasets = plan.datasets.map((dataset) => {
    const origin = datasetOrigins.get(dataset.name);
    return origin ? { ...dataset, plugin: { name: origin.plugin, type: origin.type } } : dataset;
  });
  const modelHash = upstream.length === 0 ? plan.modelHash : hashOf(plan.modelHash, layers.map((l) => l.chainHash), heads.map((h) => h.chainHash));
  const hash = hashOf(plan.hash, modelHash, plugins.map((p) => [p.name, p.hash]));
  return { ...plan, hash, modelHash, layers, heads, datasets, plugins };
}
