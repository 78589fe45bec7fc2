// A plugin's layer arguments and sample fields against their JSON-Schema
// fragments, phrased by the same explain() as the built-in schemas (so the
// diagnostics read alike: "'scale' in layer 'boost' must be greater than 0,
// but it is -1.", "Unknown key 'scal' ... Did you mean 'scale'?").
//
// Why not ajv at run time: it is a devDependency (generate.mjs compiles the
// built-in schemas ahead of time, so `nnc check` never loads it), and the
// values a plugin can declare are scalars (the plan's ArgumentValue), for which
// these keywords are the whole of JSON Schema that applies. A fragment using
// any other keyword is refused when the plugin loads (fragmentProblem), so
// nothing a plugin writes in its schema is silently left unchecked.
import type { ErrorObject } from 'ajv';
import { ACTIVATIONS } from '../layers/define.js';
import type { PathSegment } from '../load.js';
import { explain, type Problem, type Subject } from '../validators/explain.js';
import { pointerOf } from '../validators/phrasing.js';
import type { JsonSchema } from '../validators/schemas.js';

type Fragment = Readonly<Record<string, unknown>>;

const CHECKED = new Set(['type', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', '$ref']);
const ANNOTATIONS = new Set(['description', 'default', 'examples', 'title', 'markdownDescription']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean']);
export const ACTIVATION_REF = '#/definitions/activation';

/** Why nnc cannot check this fragment, or null when it can. */
export function fragmentProblem(fragment: unknown): string | null {
  if (fragment === null || typeof fragment !== 'object' || Array.isArray(fragment)) return 'its schema is not an object';
  for (const [key, value] of Object.entries(fragment)) {
    if (ANNOTATIONS.has(key)) continue;
    if (!CHECKED.has(key)) return `its schema uses '${key}', which nnc does not check for plugin values (it checks ${[...CHECKED].join(', ')})`;
    if (key === '$ref' && value !== ACTIVATION_REF) return `its schema refers to '${String(value)}'; the only shared definition is '${ACTIVATION_REF}'`;
    if (key === 'type' && ![value].flat().every((t) => TYPES.has(t as string))) return `its schema's type is ${JSON.stringify(value)}; plugin values are 'string', 'number', 'integer' or 'boolean'`;
    if (key === 'enum' && !Array.isArray(value)) return "its schema's 'enum' is not a list";
    if (key === 'pattern') {
      try {
        new RegExp(String(value), 'u');
      } catch {
        return `its schema's pattern ${JSON.stringify(value)} is not a regular expression`;
      }
    }
  }
  return null;
}

/** The fragment with the shared activation definition written in (what editors and explain() read). */
export function inlineFragment(fragment: Fragment): Fragment {
  if (fragment.$ref !== ACTIVATION_REF) return fragment;
  const { $ref: _, ...rest } = fragment;
  return { enum: [...ACTIVATIONS], ...rest };
}

type AjvError = ErrorObject;

function error(keyword: string, instancePath: string, schemaPath: string, params: Record<string, unknown>): AjvError {
  return { keyword, instancePath, schemaPath, params } as AjvError;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

/** ajv-style errors of one value against one (inlined) fragment. */
function valueErrors(value: unknown, fragment: Fragment, instancePath: string, schemaPath: string): AjvError[] {
  const at = (keyword: string, params: Record<string, unknown>) => error(keyword, instancePath, `${schemaPath}/${keyword}`, params);
  if (fragment.type !== undefined) {
    const types = [fragment.type].flat() as string[];
    if (!types.some((t) => typeMatches(t, value))) return [at('type', { type: fragment.type })];
  }
  if (Array.isArray(fragment.enum) && !fragment.enum.some((allowed) => allowed === value)) return [at('enum', { allowedValues: fragment.enum })];
  if ('const' in fragment && fragment.const !== value) return [at('const', { allowedValue: fragment.const })];
  const errors: AjvError[] = [];
  if (typeof value === 'number') {
    const bounds: [string, string, (limit: number) => boolean][] = [
      ['minimum', '>=', (limit) => value >= limit],
      ['maximum', '<=', (limit) => value <= limit],
      ['exclusiveMinimum', '>', (limit) => value > limit],
      ['exclusiveMaximum', '<', (limit) => value < limit],
    ];
    for (const [keyword, comparison, ok] of bounds) {
      const limit = fragment[keyword];
      if (typeof limit === 'number' && !ok(limit)) errors.push(at(keyword, { comparison, limit }));
    }
  }
  if (typeof value === 'string') {
    if (typeof fragment.minLength === 'number' && [...value].length < fragment.minLength) errors.push(at('minLength', { limit: fragment.minLength }));
    if (typeof fragment.maxLength === 'number' && [...value].length > fragment.maxLength) errors.push(at('maxLength', { limit: fragment.maxLength }));
    if (typeof fragment.pattern === 'string' && !new RegExp(fragment.pattern, 'u').test(value)) errors.push(at('pattern', { pattern: fragment.pattern }));
  }
  return errors;
}

/** One object (a layer, a sample) against its branch: {properties, required, additionalProperties: false}. */
export interface Branch {
  readonly properties: Readonly<Record<string, Fragment>>;
  readonly required: readonly string[];
  /** keys checked elsewhere (a layer's name, type, in and out): known, not checked here */
  readonly checkedElsewhere?: readonly string[];
}

/**
 * Problems of the object at `path` in `root` (the document's value), phrased
 * as explain() phrases the built-in schemas: `listKey` is 'layers' or
 * 'samples', so "in layer 'boost'" and "in sample 3" name the item.
 */
export function checkObject(root: unknown, path: readonly [string, number], branch: Branch, rootLabel: string): Problem[] {
  const [listKey, index] = path;
  const object = ((root as Record<string, unknown[]>)[listKey]?.[index] ?? {}) as Record<string, unknown>;
  const base = pointerOf(path as unknown as PathSegment[]);
  const schemaBase = `#/properties/${listKey}/items`;
  const properties = Object.fromEntries(Object.entries(branch.properties).map(([key, fragment]) => [key, inlineFragment(fragment)]));
  const elsewhere = new Set(branch.checkedElsewhere ?? []);
  const errors: AjvError[] = [];
  for (const key of Object.keys(object)) {
    if (!Object.hasOwn(properties, key) && !elsewhere.has(key)) errors.push(error('additionalProperties', base, `${schemaBase}/additionalProperties`, { additionalProperty: key }));
  }
  for (const key of branch.required) {
    if (object[key] === undefined) errors.push(error('required', base, `${schemaBase}/required`, { missingProperty: key }));
  }
  for (const [key, fragment] of Object.entries(properties)) {
    if (object[key] === undefined) continue;
    errors.push(...valueErrors(object[key], fragment, `${base}${pointerOf([key])}`, `${schemaBase}/properties${pointerOf([key])}`));
  }
  if (errors.length === 0) return [];
  const schema = {
    type: 'object',
    properties: {
      [listKey]: {
        type: 'array',
        items: { type: 'object', required: [...branch.required], additionalProperties: false, properties: { ...Object.fromEntries([...elsewhere].map((k) => [k, {}])), ...properties } },
      },
    },
  } as unknown as JsonSchema;
  const subject: Subject = { root, rootLabel };
  return explain(errors, schema, subject);
}
