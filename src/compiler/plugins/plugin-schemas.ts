// A project's schemas for editors (`nnc schemas --out <dir>`): nnc's own,
// with the project's plugin types added: a branch per plugin layer type in
// layers.schema.json (its arguments, defaults and descriptions, as built-in
// types have), and per plugin dataset type an entry in dataset.schema.json's
// 'type' and the fields of its samples.
import { formatJson, layersSchema } from '../layers/schema.js';
import { inlineFragment } from './check-values.js';
import type { PluginSet } from './registry.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function pluginLayersSchemaText(set: PluginSet): string {
  return `${formatJson(layersSchema([...set.layers.values()].map((l) => l.definition)))}\n`;
}

/** dataset.schema.json (as nnc ships it) with the plugin dataset types. */
export function pluginDatasetSchemaText(base: JsonObject, set: PluginSet): string {
  const schema = structuredClone(base) as JsonObject;
  const properties = schema.properties as JsonObject;
  const type = properties.type as JsonObject;
  const plugins = [...set.datasets.values()];
  type.enum = [...(type.enum as string[]), ...plugins.map((d) => d.source.type)];
  type.description = `${String(type.description)} From plugins: ${plugins.map((d) => `${d.source.type} (${d.plugin}): ${d.source.description}`).join(' ')}`;
  const definitions = schema.definitions as JsonObject;
  const allOf = schema.allOf as Json[];
  for (const { source, plugin } of plugins) {
    const name = `plugin_${source.type}_sample`;
    definitions[name] = {
      type: 'object',
      description: `A '${source.type}' sample (plugin '${plugin}'), trained as a '${source.encodes}' sample.`,
      required: Object.entries(source.fields).filter(([, f]) => !f.optional).map(([k]) => k),
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(source.fields).map(([key, field]) => [key, { ...(inlineFragment(field.schema) as JsonObject), description: field.description }])),
    };
    allOf.push({
      if: { properties: { type: { const: source.type } }, required: ['type'] },
      then: { properties: { samples: { description: `Samples with ${Object.keys(source.fields).map((k) => `'${k}'`).join(', ')}.`, items: { $ref: `#/definitions/${name}` } } } },
    });
  }
  return `${formatJson(schema)}\n`;
}
