// Every layer type, one definition each (a new type: one file beside these,
// one line here, and its tfjs layer class in src/runtime/emit if it needs one).
import type { ArgumentValue, LayerDefinition } from './define.js';
import { activation } from './activation.js';
import { attention } from './attention.js';
import { conv1d } from './conv1d.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { gru } from './gru.js';
import { layernorm } from './layernorm.js';
import { lstm } from './lstm.js';
import { pool } from './pool.js';
import { pluginLayerType } from '../plugins/registry.js';

/** In the schema's order (the order of its oneOf, and of `nnc check`'s list of types). */
export const LAYER_DEFINITIONS = { dense, embedding, conv1d, lstm, gru, attention, layernorm, dropout, pool, activation };

type Definitions = typeof LAYER_DEFINITIONS;
export type LayerType = keyof Definitions;
type ConfigOf<T extends LayerType> = Definitions[T] extends { readonly params: (input: never, config: infer C) => number } ? C : never;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Resolved arguments of any layer type (tfjs-layers names, camelCase): each type fills its own. */
export type LayerConfig = Readonly<Partial<UnionToIntersection<ConfigOf<LayerType>>>>;

/** The definition of a plan layer type, with its config loosely typed (the plan is JSON): a built-in one, else an active plugin's. */
export function layerDefinition(type: LayerType): LayerDefinition<Record<string, ArgumentValue>> {
  if (Object.hasOwn(LAYER_DEFINITIONS, type)) return LAYER_DEFINITIONS[type] as unknown as LayerDefinition<Record<string, ArgumentValue>>;
  const plugin = pluginLayerType(type);
  if (!plugin) throw new Error(`Layer type '${type}' is neither built in nor defined by a loaded plugin.`);
  return plugin.definition;
}

export { formatShape, resolveArguments, type ArgumentValue, type EmitContext, type LayerArgument, type LayerContext, type LayerDefinition, type ShapeResult } from './define.js';
