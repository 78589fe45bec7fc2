// The plugins of a stored plan, for a process that builds or loads its model
// without compiling the project first (the training worker, predict, export,
// serve): loaded from the project folder by the same loader as compile(), so
// emit finds their layer types and tf.loadLayersModel their classes.
import { nodeHost } from '../host.js';
import type { Plan } from '../plan.js';
import { loadPluginEntries } from './load-plugins.js';
import { activatePlugins, activePlugins } from './registry.js';

/** null when the plan's plugins are active (or it has none); else a sentence saying which one could not be loaded and why. */
export function activatePlanPlugins(plan: Pick<Plan, 'plugins'>, projectDir: string): string | null {
  const wanted = plan.plugins ?? [];
  if (wanted.length === 0) return null;
  const active = activePlugins().plugins;
  if (wanted.every((p) => active.some((a) => a.loaded && a.specifier === p.specifier && a.hash === p.hash))) return null;
  const { set, problems } = loadPluginEntries(projectDir, wanted.map((p, index) => ({ specifier: p.specifier, index })), nodeHost);
  const failed = problems.find((p) => p.severity === 'error');
  if (failed) return `The model needs plugin '${wanted[failed.index].specifier}' (${wanted[failed.index].file}), which did not load: ${failed.message}`;
  activatePlugins(set);
  return null;
}
