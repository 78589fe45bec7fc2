// schemas/layers.schema.json, generated from the layer definitions: one
// branch per layer type with each argument's JSON-Schema fragment, default,
// description and examples. `npm run schemas` writes it (through
// src/compiler/validators/generate.mjs); test/layer-definitions.test.ts fails
// while the committed file differs. Limits on the document itself (the
// layers list, names) are written here, in SHARED_DEFINITIONS and layersSchema().
import { ACTIVATIONS, type LayerArgument, type LayerDefinition } from './define.js';
import { LAYER_DEFINITIONS } from './index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NAME_DESCRIPTION = "Name of the layer, unique among layers: lowercase letters, digits and '_', starting with a letter.";

/** Definitions every layer branch refers to. */
const SHARED_DEFINITIONS = {
  name: {
    type: 'string',
    pattern: '^[a-z][a-z0-9_]*$',
    description: `${NAME_DESCRIPTION} Heads attach to layers by this name.`,
    examples: ['hidden'],
  },
  shape: {
    type: ['integer', 'array'],
    minimum: 1,
    minItems: 1,
    items: { type: 'integer', minimum: 1, description: 'Size of one dimension.' },
    description: 'An assertion on a shape, without the batch dimension: a width (64) or a full shape ([32, 64] for 32 steps of width 64). The compiler checks it against the inferred shape.',
  },
  activation: {
    enum: [...ACTIVATIONS],
    description: `Activation function (TensorFlow.js identifier): ${ACTIVATIONS.join(', ')}.`,
  },
} satisfies Record<string, Json>;

function argumentSchema(argument: LayerArgument): Json {
  return {
    ...(argument.schema as { [key: string]: Json }),
    ...(argument.default === undefined ? {} : { default: argument.default }),
    description: argument.description,
    ...(argument.examples === undefined ? {} : { examples: [...argument.examples] }),
  };
}

function branchSchema(definition: LayerDefinition): Json {
  const args = Object.entries(definition.args) as [string, LayerArgument][];
  const aliases = definition.aliases ?? [];
  return {
    type: 'object',
    description: definition.description,
    required: ['name', 'type', ...args.filter(([, a]) => a.default === undefined).map(([key]) => key)],
    additionalProperties: false,
    properties: {
      name: { $ref: '#/definitions/name', description: NAME_DESCRIPTION },
      type: aliases.length ? { enum: [definition.type, ...aliases], description: definition.typeDescription } : { const: definition.type, description: definition.typeDescription },
      in: { $ref: '#/definitions/shape', description: definition.inDescription },
      out: { $ref: '#/definitions/shape', description: definition.outDescription },
      ...Object.fromEntries(args.map(([key, argument]) => [key, argumentSchema(argument)])),
    },
  };
}

/** extra: plugin layer types (`nnc schemas` writes a project's schemas with them) */
export function layersSchema(extra: readonly LayerDefinition[] = []): Json {
  const definitions = [...(Object.values(LAYER_DEFINITIONS) as unknown as LayerDefinition[]), ...extra];
  const branchName = (d: LayerDefinition) => d.schemaName ?? d.type;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:nnc:schema:v1:layers',
    title: 'nnc Layers',
    description:
      "The model's layers (conventionally layers.yaml), in model order: each layer reads the output of the one above it. Argument names and activations follow TensorFlow.js layers. A project has exactly one.",
    type: 'object',
    required: ['apiVersion', 'kind', 'layers'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'nnc/v1', description: "Version of the nnc project format. Always 'nnc/v1'." },
      kind: { const: 'Layers', description: "What this document describes. 'Layers' for the model's layers." },
      layers: {
        type: 'array',
        minItems: 1,
        description: 'The layers in model order: list order is the order data flows through them.',
        items: { $ref: '#/definitions/layer' },
      },
    },
    definitions: {
      layer: {
        type: 'object',
        description: "One layer, its arguments chosen by 'type'.",
        required: ['name', 'type'],
        discriminator: { propertyName: 'type' },
        oneOf: definitions.map((d) => ({ $ref: `#/definitions/${branchName(d)}` })),
      },
      ...SHARED_DEFINITIONS,
      ...Object.fromEntries(definitions.map((d) => [branchName(d), branchSchema(d)])),
    },
  };
}

/** JSON, with objects and arrays of plain values on one line (one property per line). */
export function formatJson(value: Json, indent = ''): string {
  const flat = (v: Json) => v === null || typeof v !== 'object' || (Array.isArray(v) ? v : Object.values(v)).every((x) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')));
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (flat(value)) return `[${value.map((v) => formatJson(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${indent}  ${formatJson(v, `${indent}  `)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  if (flat(value)) return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${formatJson(v)}`).join(', ')} }`;
  return `{\n${entries.map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${formatJson(v, `${indent}  `)}`).join(',\n')}\n${indent}}`;
}

/** The text of schemas/layers.schema.json as it should be. */
export function layersSchemaText(): string {
  return `${formatJson(layersSchema())}\n`;
}
