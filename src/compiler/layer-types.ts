// The compiler's view of the layer definitions (./layers/): each type's
// defaults, shape rule and parameter count, as check.ts and nnc diff use them.
// The runtime's emit reads the same definitions, so the two cannot disagree.
import { LAYER_DEFINITIONS, layerDefinition, resolveArguments, type LayerContext, type LayerType, type ShapeResult } from './layers/index.js';
import type { LayerConfig, Shape } from './plan.js';
import type { RawLayer } from './raw.js';
import { pluginLayerType } from './plugins/registry.js';

export { formatShape } from './layers/index.js';
export type { LayerContext, ShapeResult };

export interface LayerRule {
  readonly resolve: (raw: RawLayer, ctx: LayerContext) => LayerConfig;
  readonly shape: (input: Shape, config: LayerConfig, ctx: LayerContext) => ShapeResult;
  readonly params: (input: Shape, config: LayerConfig) => number;
}

function ruleOf(type: LayerType): LayerRule {
  const definition = layerDefinition(type);
  return {
    resolve: (raw, ctx) => resolveArguments(definition, raw as unknown as Record<string, unknown>, ctx),
    shape: (input, config, ctx) => definition.shape(input, config as never, ctx),
    params: (input, config) => definition.params(input, config as never),
  };
}

export const LAYER_RULES = Object.fromEntries((Object.keys(LAYER_DEFINITIONS) as LayerType[]).map((type) => [type, ruleOf(type)])) as Record<LayerType, LayerRule>;

const ALIASES = new Map<string, LayerType>(Object.values(LAYER_DEFINITIONS).flatMap((d) => (d.aliases ?? []).map((alias) => [alias, d.type as LayerType] as const)));

/** A type as written (`linear`) -> the plan's type (`dense`), or an active plugin's type; null when unknown. */
export function canonicalLayerType(type: string): LayerType | null {
  return ALIASES.get(type) ?? (Object.hasOwn(LAYER_DEFINITIONS, type) || pluginLayerType(type) ? (type as LayerType) : null);
}

/** The rule of a plan layer type: built in, or an active plugin's. */
export function layerRule(type: LayerType): LayerRule {
  return Object.hasOwn(LAYER_RULES, type) ? LAYER_RULES[type] : ruleOf(type);
}
