// What one layer type is, in one object (tfjs-layers: one class per layer,
// getConfig() lists every argument): its YAML arguments with their JSON-Schema
// fragments, defaults and descriptions; its shape rule; its parameter count;
// and how it becomes a TensorFlow.js layer. The schema (schema.ts), the
// compiler's rules (../layer-types.ts), the runtime's emit and the test
// helpers all read these objects, so a default is written once.
//
// emit receives TensorFlow.js and nnc's layer classes as a parameter: this
// module and the definitions import them as types only, so `nnc check`
// never loads TensorFlow.js.
import type { Shape } from '../plan.js';
import type { NncLayerClasses } from '../../runtime/emit/nnc-layers.js';
import type { Layer, Tf } from '../../runtime/emit/tf.js';

/** A resolved argument value: the plan is plain JSON. */
export type ArgumentValue = string | number | boolean;

/** A JSON-Schema fragment (draft-07), as written into schemas/layers.schema.json. */
export type SchemaFragment = Readonly<Record<string, unknown>>;

export interface LayerArgument<T extends ArgumentValue = ArgumentValue> {
  /** type, enum, bounds, or a $ref to a shared definition of the schema (`#/definitions/activation`) */
  readonly schema: SchemaFragment;
  /** for the schema's description, editors' hover and the format reference */
  readonly description: string;
  /** absent: the argument is required in the YAML */
  readonly default?: T;
  readonly examples?: readonly T[];
  /** the key under which the emitted layer's getConfig() reports it, when not the same name */
  readonly configKey?: string;
}

export interface LayerContext {
  readonly inputKind: 'text' | 'features';
  readonly vocabularySize: number;
  /** index of this layer in the stack */
  readonly index: number;
}

/** A shape rule returns the output shape, or a sentence saying why the input does not fit. */
export type ShapeResult = Shape | { readonly error: string };

export interface EmitContext {
  readonly tf: Tf;
  readonly nnc: NncLayerClasses;
  /** this layer's initializer seed, derived from the plan seed and the layer name */
  readonly seed: number;
}

export interface LayerDefinition<C extends Record<string, ArgumentValue> = Record<string, ArgumentValue>> {
  /** the `type:` value in the YAML and the plan */
  readonly type: string;
  /** other `type:` values that mean this type (`linear` for `dense`) */
  readonly aliases?: readonly string[];
  /** name of the type's definition in the schema, when not the type (`activation` is taken by the shared enum) */
  readonly schemaName?: string;
  readonly description: string;
  /** one line for the `type` key */
  readonly typeDescription: string;
  /** the `in`/`out` assertions' descriptions, with an example that fits the type */
  readonly inDescription: string;
  readonly outDescription: string;
  /** the YAML arguments, in schema and plan order */
  readonly args: { readonly [K in keyof C]?: LayerArgument<C[K]> };
  /** config entries that come from the project rather than the YAML (embedding: the vocabulary size) */
  readonly derive?: (ctx: LayerContext) => Partial<C>;
  readonly shape: (input: Shape, config: C, ctx: LayerContext) => ShapeResult;
  readonly params: (input: Shape, config: C) => number;
  readonly emit: (context: EmitContext, layer: { readonly name: string; readonly config: C }) => Layer;
}

/** Keeps C (the resolved config) inferred from the definition while checking its shape. */
export function defineLayer<C extends Record<string, ArgumentValue>>(definition: LayerDefinition<C>): LayerDefinition<C> {
  return definition;
}

/** The plan's config: every argument, the YAML's value or the default, in the definition's order. */
export function resolveArguments<C extends Record<string, ArgumentValue>>(definition: LayerDefinition<C>, raw: Readonly<Record<string, unknown>>, ctx: LayerContext): C {
  const config: Record<string, ArgumentValue> = {};
  for (const [key, argument] of Object.entries(definition.args) as [string, LayerArgument][]) {
    const value = raw[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') config[key] = value;
    else if (argument.default !== undefined) config[key] = argument.default;
  }
  return { ...config, ...definition.derive?.(ctx) } as C;
}

/** tfjs-layers activation identifiers that nnc accepts (the schema's shared `activation` enum). */
export const ACTIVATIONS = ['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new'] as const;
export type ActivationId = (typeof ACTIVATIONS)[number];

/** An argument whose value is one of ACTIVATIONS. */
export function activationArgument(description: string, fallback?: ActivationId): LayerArgument<ActivationId> {
  return { schema: { $ref: '#/definitions/activation' }, description, ...(fallback === undefined ? {} : { default: fallback }) };
}

export const last = (shape: Shape): number => shape[shape.length - 1];
export const formatShape = (shape: Shape): string => `[${shape.join(', ')}]`;

export function needsSequence(type: string, input: Shape): { error: string } | null {
  return input.length === 2 ? null : { error: `'${type}' needs a sequence input [steps, width], but gets ${formatShape(input)}; put it after an 'embedding' or a layer with returnSequences: true` };
}

/** The output keeps the input's shape. */
export const sameShape = (input: Shape): Shape => input;
