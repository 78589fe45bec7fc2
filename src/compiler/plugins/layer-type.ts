// A plugin's layer type as a LayerDefinition, like the built-in ones: the
// compiler's rules, the schema writer and emit read it the same way. The
// plugin's own functions are guarded: a shape rule or parameter count that
// throws or answers nonsense is a sentence in the layer's diagnostic, naming
// the plugin, never a crash of nnc.
import type { ArgumentValue, LayerDefinition, ShapeResult } from '../layers/define.js';
import type { Shape } from '../plan.js';
import type { PluginLayerType } from './api.js';
import { pluginLayerClass } from './registry.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0].replace(/\.$/, '') : String(error);
}

const isShape = (value: unknown): value is Shape => Array.isArray(value) && value.length > 0 && value.every((d) => Number.isInteger(d) && d > 0);

export function wrapLayerType(plugin: string, layer: PluginLayerType): LayerDefinition {
  const from = `plugin '${plugin}'`;
  const params = (input: Shape, config: Record<string, ArgumentValue>): number => {
    const count = layer.params(input, config as never);
    if (!Number.isInteger(count) || count < 0) throw new Error(`its parameter count is ${String(count)}, not a whole number`);
    return count;
  };
  return {
    type: layer.type,
    description: layer.description,
    typeDescription: `${layer.description} (from ${from})`,
    inDescription: 'Optional assertion on the input shape, e.g. 64 or [32, 64].',
    outDescription: 'Optional assertion on the output shape, e.g. 64 or [32, 64].',
    args: layer.args,
    shape: (input, config, ctx): ShapeResult => {
      let out: unknown;
      try {
        out = layer.shape(input, config as never, ctx);
      } catch (error) {
        return { error: `the shape rule of ${from} failed: ${messageOf(error)}` };
      }
      if (out && typeof out === 'object' && !Array.isArray(out) && typeof (out as { error?: unknown }).error === 'string') return { error: (out as { error: string }).error.replace(/\.$/, '') };
      if (!isShape(out)) return { error: `the shape rule of ${from} returned ${JSON.stringify(out)}, not a shape (a list of positive whole numbers) or {error}` };
      // the count is checked here too, so a bad one is a diagnostic at the layer rather than a failure in lower
      try {
        params(input, config);
      } catch (error) {
        return { error: `the parameter count of ${from} failed: ${messageOf(error)}` };
      }
      return out;
    },
    params,
    emit: ({ tf, seed }, { name, config }) => layer.emit({ tf, seed, layerClass: pluginLayerClass(tf, layer) }, { name, config: config as never }),
  };
}
