// Reading the dereferenced schema at ajv's schemaPaths: an object's keys,
// the `if` beside a `then`, the tags of a discriminated oneOf. Pointers are
// plain because generate.mjs inlines every $ref before compiling.
import { flow, show } from './phrasing.js';
import type { JsonSchema } from './schemas.js';

const schemaCache = new WeakMap<JsonSchema, Map<string, JsonSchema>>();

/** The subschema at a JSON pointer; memoized, as thousands of errors share a few pointers. */
export function schemaAt(schema: JsonSchema, pointer: string): JsonSchema {
  let cache = schemaCache.get(schema);
  if (!cache) schemaCache.set(schema, (cache = new Map()));
  let found = cache.get(pointer);
  if (!found) cache.set(pointer, (found = resolvePointer(schema, pointer)));
  return found;
}

function resolvePointer(schema: JsonSchema, pointer: string): JsonSchema {
  let node: unknown = schema;
  for (const part of pointer.replace(/^#\/?/, '').split('/')) {
    if (part === '') continue;
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : {};
}

export function parentSchema(schema: JsonSchema, schemaPath: string): JsonSchema {
  return schemaAt(schema, schemaPath.slice(0, schemaPath.lastIndexOf('/')));
}

/**
 * "'task' is 'classification'" when the failing keyword sits right in a `then`
 * (its `required`, `enum`, `const`, or one of its properties' `enum`/`const`/false):
 * the `if` beside it says when the rule applies.
 */
export function condition(schema: JsonSchema, schemaPath: string): string {
  const at = schemaPath.lastIndexOf('/then/');
  if (at < 0) return '';
  const rest = schemaPath.slice(at + 6);
  if (!/^(required|enum|const|properties\/[^/]+\/(enum|const|false schema))$/.test(rest)) return '';
  const test = schemaAt(schema, `${schemaPath.slice(0, at)}/if`);
  const properties = (test.properties ?? {}) as Record<string, JsonSchema>;
  const parts = Object.entries(properties)
    .filter(([, property]) => 'const' in property)
    .map(([key, property]) => `'${key}' is ${show(property.const)}`);
  return parts.join(' and ');
}

/** The object schema a keyword belongs to, looking through `allOf/N/then` to the object that declares the properties. */
export function objectSchema(schema: JsonSchema, schemaPath: string): JsonSchema {
  const pointer = schemaPath.slice(0, schemaPath.lastIndexOf('/'));
  const parent = schemaAt(schema, pointer);
  if (parent.properties && !/\/then$/.test(pointer)) return parent;
  return schemaAt(schema, pointer.replace(/(\/allOf\/\d+)?\/then$/, ''));
}

export function discriminatorTags(parent: JsonSchema): string[] {
  const key = (parent.discriminator as { propertyName: string }).propertyName;
  const tags: string[] = [];
  for (const branch of (parent.oneOf ?? []) as JsonSchema[]) {
    const tag = ((branch.properties ?? {}) as Record<string, JsonSchema>)[key] ?? {};
    tags.push(...((tag.enum as string[] | undefined) ?? ('const' in tag ? [tag.const as string] : [])));
  }
  return tags;
}

/** `schedule: cosine` where the string form allows only 'none': the mapping form of that tag, "{type: cosine}". */
export function mappingForm(schema: JsonSchema, schemaPath: string, value: unknown): string | undefined {
  const match = /^(.*)\/then\/(const|enum)$/.exec(schemaPath);
  if (!match || typeof value !== 'string') return undefined;
  const other = schemaAt(schema, `${match[1]}/else`);
  const tagKey = (other.discriminator as { propertyName?: string } | undefined)?.propertyName;
  if (!tagKey) return undefined;
  const branch = ((other.oneOf ?? []) as JsonSchema[]).find((b) => {
    const tag = ((b.properties ?? {}) as Record<string, JsonSchema>)[tagKey] ?? {};
    return tag.const === value || (tag.enum as unknown[] | undefined)?.includes(value);
  });
  if (!branch) return undefined;
  const properties = (branch.properties ?? {}) as Record<string, JsonSchema>;
  const fields = ((branch.required ?? []) as string[])
    .filter((key) => key !== tagKey)
    .map((key) => `${key}: ${flow((properties[key]?.examples as unknown[] | undefined)?.[0] ?? '...')}`);
  return `{${[`${tagKey}: ${value}`, ...fields].join(', ')}}`;
}

/** When an unknown key belongs to other branches of a discriminated oneOf: which tags take it. */
export function siblingTagsWithKey(schema: JsonSchema, schemaPath: string, key: string): { tagKey: string; tag: string; tags: string[] } | undefined {
  const match = /^(.*)\/oneOf\/(\d+)\/additionalProperties$/.exec(schemaPath);
  if (!match) return undefined;
  const union = schemaAt(schema, match[1]);
  const tagKey = (union.discriminator as { propertyName?: string } | undefined)?.propertyName;
  if (!tagKey) return undefined;
  const branches = (union.oneOf ?? []) as JsonSchema[];
  const tagsOf = (branch: JsonSchema): string[] => {
    const tag = ((branch.properties ?? {}) as Record<string, JsonSchema>)[tagKey] ?? {};
    return (tag.enum as string[] | undefined) ?? ('const' in tag ? [tag.const as string] : []);
  };
  const tags = branches.filter((branch) => key in ((branch.properties ?? {}) as object)).flatMap((branch) => tagsOf(branch).slice(0, 1));
  if (tags.length === 0) return undefined;
  return { tagKey, tag: tagsOf(branches[Number(match[2])])[0], tags };
}
