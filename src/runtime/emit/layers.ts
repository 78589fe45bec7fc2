// How each plan layer type becomes a tfjs layer: the emit of its definition
// (src/compiler/layers/<type>.ts), which receives tf and nnc's layer classes.
// buildModel checks each built layer against the plan's shape and parameter
// count, which come from the same definition.
import { LAYER_DEFINITIONS, layerDefinition, type EmitContext, type LayerType } from '../../compiler/layers/index.js';
import type { PlanLayer } from '../../compiler/plan.js';
import type { Layer } from './tf.js';

export type { EmitContext };

export function emitLayer(context: EmitContext, layer: PlanLayer): Layer {
  return layerDefinition(layer.type).emit(context, { name: layer.name, config: layer.config as never });
}

/** The layer types emit knows: every defined type. */
export const emittedLayerTypes = Object.keys(LAYER_DEFINITIONS) as LayerType[];
