// What a plugin module exports (nnc.yaml: `plugins: [./plugins/scaled-dense.mjs]`):
// layer types with the same definition shape as nnc's own (src/compiler/layers/),
// and dataset types that map their samples to one of the built-in encodings.
//
//   export default definePlugin({ name: 'scaled-dense', layers: [...], datasets: [...] });
//
// `nnc check` imports the module for its arguments, shape rules and parameter
// counts only: emit and layerClass receive TensorFlow.js as a parameter, at
// build and train time, so a plugin never imports tfjs itself.
import type { ArgumentValue, LayerArgument, LayerContext, ShapeResult } from '../layers/define.js';
import type { Shape } from '../plan.js';
import type { Layer, Tf } from '../../runtime/emit/tf.js';

export type { ArgumentValue, LayerArgument, LayerContext, Shape, ShapeResult };

/** A tfjs layer class: `class X extends tf.layers.Layer { static className = 'X'; ... }`. */
export type LayerClass = (new (args: never) => Layer) & { readonly className: string };

export interface PluginEmitContext {
  /** the TensorFlow.js the model is built with (tfjs-node, wasm or cpu) */
  readonly tf: Tf;
  /** this layer's initializer seed, derived from the plan seed and the layer name */
  readonly seed: number;
  /** what layerClass(tf) returned for this tf, already registered for serialization; null without one */
  readonly layerClass: LayerClass | null;
}

export interface PluginLayerType<C extends Record<string, ArgumentValue> = Record<string, ArgumentValue>> {
  /** the `type:` value in layers.yaml: lowercase letters, digits and '_', not a built-in type */
  readonly type: string;
  readonly description: string;
  /** the YAML arguments: each a JSON-Schema fragment for one scalar (type, enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern), a description and an optional default (absent: required) */
  readonly args: { readonly [K in keyof C]: LayerArgument<C[K]> };
  /** the output shape for an input shape, or `{error: 'a sentence'}` when the input does not fit */
  readonly shape: (input: Shape, config: C, ctx: LayerContext) => ShapeResult;
  /** trainable parameters for an input shape (must equal what the built layer counts) */
  readonly params: (input: Shape, config: C) => number;
  /** the tfjs layer for one plan layer */
  readonly emit: (context: PluginEmitContext, layer: { readonly name: string; readonly config: C }) => Layer;
  /** optional: a custom layer class over this tf; nnc registers it with tf.serialization so saved models load */
  readonly layerClass?: (tf: Tf) => LayerClass;
}

/** The built-in sample layouts a plugin dataset type can encode to (the fields nnc trains on). */
export type PluginEncoding = 'binary_classification' | 'multi_classification' | 'regression' | 'text_generation';

/** What encode returns, by encoding: the built-in sample's fields. */
export interface EncodedSample {
  /** text, or a feature vector for a features project */
  readonly input: string | readonly number[];
  /** classification: a class name (or 0/1 for binary) */
  readonly label?: string | number;
  /** regression: a number or numbers; text_generation: the text to generate */
  readonly target?: number | readonly number[] | string;
}

export interface PluginDatasetType<S extends Record<string, unknown> = Record<string, unknown>> {
  /** the Dataset's `type:` value: lowercase letters, digits and '_', not a built-in type */
  readonly type: string;
  readonly description: string;
  /** the sample's fields: each a JSON-Schema fragment (scalars, as for layer arguments) with a description */
  readonly fields: { readonly [K in keyof S]: { readonly schema: Readonly<Record<string, unknown>>; readonly description: string; readonly optional?: boolean } };
  /** which built-in layout the samples train as; the head's task must fit it */
  readonly encodes: PluginEncoding;
  /** one sample (its fields checked) -> the built-in sample */
  readonly encode: (sample: S) => EncodedSample;
}

export interface NncPlugin {
  /** how builds, diffs, the viewer and exports name the plugin; default: the file name */
  readonly name?: string;
  readonly layers?: readonly PluginLayerType<never>[];
  readonly datasets?: readonly PluginDatasetType<never>[];
}

/** Identity, for the types: `export default definePlugin({...})`. */
export function definePlugin<P extends NncPlugin>(plugin: P): P {
  return plugin;
}

/** Identity, keeping C (the resolved arguments) inferred. */
export function definePluginLayer<C extends Record<string, ArgumentValue>>(layer: PluginLayerType<C>): PluginLayerType<C> {
  return layer;
}
