// ajv errors -> problems: a code, where to point (a data path and which part
// of it) and a sentence. Pure: positions are looked up by validate.ts.
// Every schemaPath is a plain pointer into the dereferenced schema (see
// generate.mjs), which is how a message learns an object's allowed keys,
// the condition of a `then`, or the tags of a discriminated oneOf.
import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../load.js';
import { suggest } from '../suggest.js';
import type { JsonSchema } from './schemas.js';

export interface Problem {
  readonly code: number;
  readonly path: readonly PathSegment[];
  /** 'key': the key of the last segment; 'value': the value; 'owner': the object's key or first line (the document's 'kind' key at the root) */
  readonly part: 'key' | 'value' | 'owner';
  readonly message: string;
  readonly suggestion?: string;
  /** lower wins when two problems point at the same place */
  readonly rank: number;
  /** an unknown key that no other form of the object takes either (a rename candidate) */
  readonly stray?: boolean;
}

/** How to name things in messages: the root (document or external record) and the data. */
export interface Subject {
  readonly root: unknown;
  /** 'the Layers document', or 'record 12' for one external sample */
  readonly rootLabel: string;
}

export const NAME_PATTERN = '^[a-z][a-z0-9_]*$';

const PATTERN_RULES: Record<string, string> = {
  [NAME_PATTERN]: "use only lowercase letters, digits and '_', and start with a letter",
  '\\.(jsonl|json|csv)$': 'name a .jsonl, .json or .csv file',
};

const ITEM_NOUNS: Record<string, string> = { layers: 'layer', heads: 'head', samples: 'sample' };

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

type AjvError = ErrorObject & { propertyName?: string };

export function explain(errors: readonly AjvError[], schema: JsonSchema, subject: Subject): Problem[] {
  const kept = errors.filter((error) => !isWrapper(error, errors));
  const typos = new Map<string, string>(); // "<path>\0<suggested key>" for unknown keys that look like a missing one
  const problems: Problem[] = [];
  for (const error of kept) {
    if (error.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((parentSchema(schema, error.schemaPath).properties as object | undefined) ?? {});
    const guess = suggest(String(error.params.additionalProperty), allowed);
    if (guess) typos.set(`${error.instancePath}\0${guess}`, String(error.params.additionalProperty));
  }
  const missing = new Map<string, { path: PathSegment[]; keys: string[]; hints: string[]; condition: string }>();
  for (const error of kept) {
    const path = dataPath(subject.root, error.instancePath);
    if (error.keyword === 'required') {
      const key = String(error.params.missingProperty);
      if (typos.has(`${error.instancePath}\0${key}`)) continue; // "Did you mean 'units'?" says it
      const entry = missing.get(error.instancePath) ?? { path, keys: [], hints: [], condition: '' };
      if (!entry.keys.includes(key)) {
        entry.keys.push(key);
        entry.hints.push(requiredHint(key, objectSchema(schema, error.schemaPath)));
      }
      entry.condition ||= condition(schema, error.schemaPath);
      missing.set(error.instancePath, entry);
      continue;
    }
    const problem = explainOne(error, path, schema, subject);
    if (problem) problems.push(problem);
  }
  for (const [pointer, { path, keys, hints, condition: when }] of missing) {
    // one unknown key and one missing key in the same object: most likely a rename
    const unknown = problems.filter((p) => p.stray && p.path.length === path.length + 1 && pointerOf(p.path.slice(0, -1)) === pointer);
    if (keys.length === 1 && unknown.length === 1) {
      const key = String(unknown[0].path[path.length]);
      const merged: Problem = {
        ...unknown[0],
        stray: false,
        message: `Unknown key '${key}' in ${ownerOf(path, subject)}, and the required key '${keys[0]}' is missing. Rename '${key}' to '${keys[0]}'.`,
        suggestion: keys[0],
      };
      problems.splice(problems.indexOf(unknown[0]), 1, merged);
      continue;
    }
    problems.push(missingProblem(path, keys, hints, when, subject));
  }
  return problems;
}

/** ajv's summary errors (if/then, oneOf, propertyNames) when a more specific error says it better. */
function isWrapper(error: AjvError, all: readonly AjvError[]): boolean {
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return true;
    case 'oneOf':
    case 'anyOf':
      return all.some((other) => other !== error && other.keyword !== error.keyword && other.instancePath.startsWith(error.instancePath));
    case 'discriminator':
      // a missing tag is also a `required` error, which names the key to add
      return error.params.error === 'tag' && error.params.tagValue === undefined;
    default:
      return false;
  }
}

function explainOne(error: AjvError, path: PathSegment[], schema: JsonSchema, subject: Subject): Problem | undefined {
  const value = valueAt(subject.root, path);
  const label = labelOf(path, subject);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parent = parentSchema(schema, error.schemaPath);
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      const owner = ownerOf(path, subject);
      const guess = suggest(key, allowed);
      let message: string;
      if (guess) {
        message = `Unknown key '${key}' in ${owner}. Did you mean '${guess}'?`;
      } else {
        const elsewhere = siblingTagsWithKey(schema, error.schemaPath, key);
        message = elsewhere
          ? `Unknown key '${key}' in ${owner}: it applies to ${elsewhere.tagKey} ${list(elsewhere.tags, 'or')}, not '${elsewhere.tag}'. Remove it, or change '${elsewhere.tagKey}'.`
          : `Unknown key '${key}' in ${owner}. Remove it, or use one of ${list(allowed, 'or')}.`;
      }
      const stray = !guess && !message.includes(': it applies to');
      return { code: 2005, path: [...path, key], part: 'key', message, suggestion: guess, rank: 0, stray };
    }
    case 'false schema': {
      const when = condition(schema, error.schemaPath);
      const message = when ? `${cap(label)} is not used when ${when}. Remove it.` : `${cap(label)} is not allowed here. Remove it.`;
      return { code: 2005, path, part: 'key', message, rank: 0 };
    }
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      const expected = list(types.map((type) => TYPE_NAMES[type] ?? type), 'or', false);
      return { code: 2006, path, part: 'value', message: `${cap(label)} must be ${expected}, but it is ${describe(value)}.${typeHint(types, value)}`, rank: 2 };
    }
    case 'enum':
    case 'const': {
      const allowed = error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue];
      const problem = notAllowed(path, label, value, allowed, condition(schema, error.schemaPath));
      const mapping = mappingForm(schema, error.schemaPath, value);
      return mapping ? { ...problem, message: `${problem.message} Write it as a mapping: ${mapping}.` } : problem;
    }
    case 'discriminator': {
      const tagKey = String(params.tag);
      const tagPath = [...path, tagKey];
      const tagLabel = labelOf(tagPath, subject);
      if (params.error === 'mapping') {
        return notAllowed(tagPath, tagLabel, params.tagValue, discriminatorTags(parentSchema(schema, error.schemaPath)), '');
      }
      return { code: 2006, path: tagPath, part: 'value', message: `${cap(tagLabel)} must be a string, but it is ${describe(params.tagValue)}.`, rank: 2 };
    }
    case 'pattern': {
      const pattern = String(params.pattern);
      const rule = PATTERN_RULES[pattern] ?? `match the pattern /${pattern}/`;
      if (error.propertyName !== undefined) {
        const key = error.propertyName;
        const fix = pattern === NAME_PATTERN ? nameFor(key) : undefined;
        const what = path.length === 1 && path[0] === 'categories' ? 'Category name' : `Key in ${ownerOf(path, subject)}`;
        const advice = fix ? ` Did you mean '${fix}'?` : '';
        return { code: 2008, path: [...path, key], part: 'key', message: `${what} '${key}' must ${rule}.${advice}`, suggestion: fix, rank: 4 };
      }
      const fix = pattern === NAME_PATTERN && typeof value === 'string' ? nameFor(value) : undefined;
      const advice = fix ? ` Did you mean '${fix}'?` : '';
      return { code: 2008, path, part: 'value', message: `${cap(label)} must ${rule}, but it is ${show(value)}.${advice}`, suggestion: fix, rank: 4 };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { '>=': 'at least', '>': 'greater than', '<=': 'at most', '<': 'less than' };
      const bound = `${words[String(params.comparison)]} ${String(params.limit)}`;
      return { code: 2009, path, part: 'value', message: `${cap(label)} must be ${bound}, but it is ${show(value)}.`, rank: 5 };
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      const count = Array.isArray(value) ? value.length : 0;
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      const has = count === 0 ? 'it is empty' : `it has ${count}`;
      return { code: 2010, path, part: 'value', message: `${cap(label)} must list ${bound} ${plural(limit, 'item')}, but ${has}.`, rank: 6 };
    }
    case 'uniqueItems': {
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      const item = Array.isArray(value) ? value[second] : undefined;
      return {
        code: 2010,
        path: [...path, second],
        part: 'value',
        message: `${cap(label)} lists ${show(item)} twice (items ${first + 1} and ${second + 1}). Remove one of them.`,
        rank: 6,
      };
    }
    case 'minLength':
      return { code: 2010, path, part: 'value', message: `${cap(label)} must not be empty.`, rank: 6 };
    case 'oneOf':
    case 'anyOf':
      return { code: 2010, path, part: 'value', message: `${cap(label)} does not have any of the allowed forms. Check it against the schema.`, rank: 7 };
    default:
      return { code: 2010, path, part: 'value', message: `${cap(label)} is not valid (JSON Schema '${error.keyword}' ${JSON.stringify(params)}).`, rank: 7 };
  }
}

function notAllowed(path: PathSegment[], label: string, value: unknown, allowed: readonly unknown[], when: string): Problem {
  const guess = typeof value === 'string' ? suggest(value, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
  const expected = allowed.length === 1 ? show(allowed[0]) : `one of ${list(allowed.map(show), 'or', false)}`;
  const context = when ? ` when ${when}` : '';
  const advice = guess ? ` Did you mean '${guess}'?` : '';
  return {
    code: 2007,
    path,
    part: 'value',
    message: `${cap(label)} must be ${expected}${context}, but it is ${show(value)}.${advice}`,
    suggestion: guess,
    rank: 3 + allowed.length / 1000,
  };
}

function missingProblem(path: PathSegment[], keys: string[], hints: string[], when: string, subject: Subject): Problem {
  const owner = cap(ownerOf(path, subject));
  const needed = when ? ` (needed when ${when})` : '';
  let message: string;
  if (keys.length === 1) {
    const hint = hints[0] ? `${hints[0].startsWith('for example') ? ',' : ''} ${hints[0]}` : '';
    message = `${owner} is missing the required key '${keys[0]}'${needed}. Add it${hint}.`;
  } else {
    const examples = hints.every((hint) => hint.startsWith('for example ')) ? `, for example ${list(hints.map((h) => h.slice(12)), 'and', false)}` : '';
    message = `${owner} is missing the required keys ${list(keys, 'and')}${needed}. Add them${examples}.`;
  }
  return { code: 2004, path, part: 'owner', message, rank: 1 };
}

function requiredHint(key: string, parent: JsonSchema): string {
  const discriminator = parent.discriminator as { propertyName?: string } | undefined;
  if (discriminator?.propertyName === key) return `with one of ${list(discriminatorTags(parent), 'or')}`;
  // a discriminated union declares its keys in the branches; they agree on the common ones
  const declaring = parent.properties ? parent : (((parent.oneOf ?? []) as JsonSchema[]).find((branch) => key in ((branch.properties ?? {}) as object)) ?? parent);
  const property = (declaring.properties as Record<string, JsonSchema> | undefined)?.[key];
  if (!property || typeof property !== 'object') return '';
  const allowed = (property.enum as unknown[] | undefined) ?? ('const' in property ? [property.const] : undefined);
  if (allowed && allowed.length <= 6) return allowed.length === 1 ? `with the value ${show(allowed[0])}` : `with one of ${list(allowed.map(show), 'or', false)}`;
  const examples = property.examples as unknown[] | undefined;
  if (examples?.length) return `for example '${key}: ${flow(examples[0])}'`;
  return '';
}

function typeHint(types: string[], value: unknown): string {
  if (value === null) return ' Give it a value.';
  const wantsNumber = types.includes('number') || types.includes('integer');
  if (wantsNumber && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return ' Remove the quotes.';
  if (types.length === 1 && types[0] === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return ` Quote it: "${String(value)}".`;
  return '';
}

// ---- reading the schema

const schemaCache = new WeakMap<JsonSchema, Map<string, JsonSchema>>();

/** The subschema at a JSON pointer; memoized, as thousands of errors share a few pointers. */
function schemaAt(schema: JsonSchema, pointer: string): JsonSchema {
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

function parentSchema(schema: JsonSchema, schemaPath: string): JsonSchema {
  return schemaAt(schema, schemaPath.slice(0, schemaPath.lastIndexOf('/')));
}

/**
 * "'task' is 'classification'" when the failing keyword sits right in a `then`
 * (its `required`, `enum`, `const`, or one of its properties' `enum`/`const`/false):
 * the `if` beside it says when the rule applies.
 */
function condition(schema: JsonSchema, schemaPath: string): string {
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
function objectSchema(schema: JsonSchema, schemaPath: string): JsonSchema {
  const pointer = schemaPath.slice(0, schemaPath.lastIndexOf('/'));
  const parent = schemaAt(schema, pointer);
  if (parent.properties && !/\/then$/.test(pointer)) return parent;
  return schemaAt(schema, pointer.replace(/(\/allOf\/\d+)?\/then$/, ''));
}

function discriminatorTags(parent: JsonSchema): string[] {
  const key = (parent.discriminator as { propertyName: string }).propertyName;
  const tags: string[] = [];
  for (const branch of (parent.oneOf ?? []) as JsonSchema[]) {
    const tag = ((branch.properties ?? {}) as Record<string, JsonSchema>)[key] ?? {};
    tags.push(...((tag.enum as string[] | undefined) ?? ('const' in tag ? [tag.const as string] : [])));
  }
  return tags;
}

/** `schedule: cosine` where the string form allows only 'none': the mapping form of that tag, "{type: cosine}". */
function mappingForm(schema: JsonSchema, schemaPath: string, value: unknown): string | undefined {
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
function siblingTagsWithKey(schema: JsonSchema, schemaPath: string, key: string): { tagKey: string; tag: string; tags: string[] } | undefined {
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

// ---- naming data

/** The JSON pointer of an ajv error as keys and indexes. */
export function dataPath(root: unknown, pointer: string): PathSegment[] {
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    const segment: PathSegment = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    path.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Where the named item (a layer, head, sample or category) of a path ends, or 0. */
function itemDepth(path: readonly PathSegment[]): number {
  if (path.length >= 2 && typeof path[0] === 'string' && typeof path[1] === 'number' && ITEM_NOUNS[path[0]]) return 2;
  if (path.length >= 2 && path[0] === 'categories') return 2;
  return 0;
}

function itemName(path: readonly PathSegment[], subject: Subject): string {
  if (path[0] === 'categories') return `category '${String(path[1])}'`;
  const noun = ITEM_NOUNS[path[0] as string];
  const name = (valueAt(subject.root, path) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? `${noun} '${name}'` : `${noun} ${(path[1] as number) + 1}`;
}

/** The object at `path`, as the owner of a key: "layer 'hidden'", "'training.schedule'", "the Project document". */
export function ownerOf(path: readonly PathSegment[], subject: Subject): string {
  if (path.length === 0) return subject.rootLabel;
  if (itemDepth(path) === path.length) return itemName(path, subject);
  return labelOf(path, subject);
}

/** The value at `path`, as the subject of a sentence: "'units' in layer 'hidden'", "item 2 of 'classes' in head 'mood'". */
export function labelOf(path: readonly PathSegment[], subject: Subject): string {
  if (path.length === 0) return subject.rootLabel;
  const depth = itemDepth(path);
  if (depth === path.length) return itemName(path, subject);
  const rest = path.slice(depth);
  const last = rest[rest.length - 1];
  const where = depth > 0 ? ` in ${itemName(path.slice(0, depth), subject)}` : subject.rootLabel.startsWith('the ') ? '' : ` in ${subject.rootLabel}`;
  if (typeof last === 'number') {
    const of = rest.length > 1 ? `'${rest.slice(0, -1).join('.')}'${where}` : depth > 0 ? itemName(path.slice(0, depth), subject) : subject.rootLabel;
    return `item ${last + 1} of ${of}`;
  }
  return `'${rest.join('.')}'${where}`;
}

// ---- words

/** A valid name close to an invalid one: 'Hidden Layer' -> 'hidden_layer'. */
function nameFor(text: string): string | undefined {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '');
  return name && name !== text && new RegExp(NAME_PATTERN).test(name) ? name : undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `the string ${JSON.stringify(clip(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value)}'`;
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

/** A value as YAML flow text, for "for example 'units: 64'". */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${flow(v)}`).join(', ')}}`;
  if (typeof value === 'string' && !/^[\w./-]+$/.test(value)) return JSON.stringify(value);
  return String(value);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function list(items: readonly unknown[], conjunction: 'and' | 'or', quote = true): string {
  const words = items.map((item) => (quote ? `'${String(item)}'` : String(item)));
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
