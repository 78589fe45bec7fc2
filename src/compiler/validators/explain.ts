// ajv errors -> problems: a code, where to point (a data path and which part
// of it) and a sentence. Pure: positions are looked up by validate.ts.
// What the schema says at an error (allowed keys, the `if` of a `then`, the
// tags of a oneOf) comes from schema-paths.ts; how data is named, from phrasing.ts.
import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../load.js';
import { suggest } from '../suggest.js';
import { cap, dataPath, describe, flow, labelOf, list, NAME_PATTERN, nameFor, ownerOf, plural, pointerOf, show, valueAt, type Subject } from './phrasing.js';
import type { JsonSchema } from './schemas.js';
import { condition, discriminatorTags, mappingForm, objectSchema, parentSchema, siblingTagsWithKey } from './schema-paths.js';
import { MESSAGES } from '../diagnostic-messages.js';

export type { Subject } from './phrasing.js';

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

/** heads.schema.json's metrics items (test/validate-suggest.test.ts checks it is the schema's) */
export const METRIC_PATTERN = '^(accuracy|precision|recall|f1|confusion_matrix|auc|pr_auc|log_loss|top_[1-9][0-9]?_accuracy|mae|rmse|r2|token_accuracy|perplexity|exact_match)$';
const METRIC_NAMES = list(METRIC_PATTERN.slice(2, -2).split('|').map((name) => name.replace('[1-9][0-9]?', '<k>')), 'or', false);

const PATTERN_RULES: Record<string, string> = {
  [NAME_PATTERN]: "use only lowercase letters, digits and '_', and start with a letter",
  '\\.(jsonl|json|csv)$': 'name a .jsonl, .json or .csv file',
  [METRIC_PATTERN]: `name a metric: ${METRIC_NAMES}`,
};

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
  const typos = new Set<string>(); // "<path>\0<suggested key>" for unknown keys that look like a missing one
  const problems: Problem[] = [];
  for (const error of kept) {
    if (error.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((parentSchema(schema, error.schemaPath).properties as object | undefined) ?? {});
    const guess = suggest(String(error.params.additionalProperty), allowed);
    if (guess) typos.add(`${error.instancePath}\0${guess}`);
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
      const elsewhere = guess ? undefined : siblingTagsWithKey(schema, error.schemaPath, key);
      const message = guess
        ? `Unknown key '${key}' in ${owner}. Did you mean '${guess}'?`
        : elsewhere
          ? `Unknown key '${key}' in ${owner}: it applies to ${elsewhere.tagKey} ${list(elsewhere.tags, 'or')}, not '${elsewhere.tag}'. Remove it, or change '${elsewhere.tagKey}'.`
          : `Unknown key '${key}' in ${owner}. Remove it, or use one of ${list(allowed, 'or')}.`;
      return { code: MESSAGES.unknownKey.code, path: [...path, key], part: 'key', message, suggestion: guess, rank: 0, stray: !guess && !elsewhere };
    }
    case 'false schema': {
      const when = condition(schema, error.schemaPath);
      const message = when ? `${cap(label)} is not used when ${when}. Remove it.` : `${cap(label)} is not allowed here. Remove it.`;
      return { code: MESSAGES.unknownKey.code, path, part: 'key', message, rank: 0 };
    }
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      const expected = list(types.map((type) => TYPE_NAMES[type] ?? type), 'or', false);
      return { code: MESSAGES.wrongType.code, path, part: 'value', message: `${cap(label)} must be ${expected}, but it is ${describe(value)}.${typeHint(types, value)}`, rank: 2 };
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
      return { code: MESSAGES.wrongType.code, path: tagPath, part: 'value', message: `${cap(tagLabel)} must be a string, but it is ${describe(params.tagValue)}.`, rank: 2 };
    }
    case 'pattern': {
      const pattern = String(params.pattern);
      const rule = PATTERN_RULES[pattern] ?? `match the pattern /${pattern}/`;
      if (error.propertyName !== undefined) {
        const key = error.propertyName;
        const fix = pattern === NAME_PATTERN ? nameFor(key) : undefined;
        const what = path.length === 1 && path[0] === 'categories' ? `Category name '${key}'` : `Key '${key}' in ${ownerOf(path, subject)}`;
        const advice = fix ? ` Did you mean '${fix}'?` : '';
        return { code: MESSAGES.pattern.code, path: [...path, key], part: 'key', message: `${what} must ${rule}.${advice}`, suggestion: fix, rank: 4 };
      }
      // a name pattern suggests the name written right; a pattern that lists names, ^(a|b|…)$, the closest of its examples
      const listsNames = pattern.startsWith('^(') && pattern.endsWith(')$');
      const examples = listsNames ? ((parentSchema(schema, error.schemaPath).examples as unknown[] | undefined)?.filter((e): e is string => typeof e === 'string') ?? []) : [];
      const fix = typeof value !== 'string' ? undefined : pattern === NAME_PATTERN ? nameFor(value) : suggest(value, examples);
      const advice = fix ? ` Did you mean '${fix}'?` : '';
      return { code: MESSAGES.pattern.code, path, part: 'value', message: `${cap(label)} must ${rule}, but it is ${show(value)}.${advice}`, suggestion: fix, rank: 4 };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { '>=': 'at least', '>': 'greater than', '<=': 'at most', '<': 'less than' };
      const bound = `${words[String(params.comparison)]} ${String(params.limit)}`;
      return { code: MESSAGES.outOfRange.code, path, part: 'value', message: `${cap(label)} must be ${bound}, but it is ${show(value)}.`, rank: 5 };
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      const count = Array.isArray(value) ? value.length : 0;
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      const has = count === 0 ? 'it is empty' : `it has ${count}`;
      return { code: MESSAGES.otherSchemaRule.code, path, part: 'value', message: `${cap(label)} must list ${bound} ${plural(limit, 'item')}, but ${has}.`, rank: 6 };
    }
    case 'uniqueItems': {
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      const item = Array.isArray(value) ? value[second] : undefined;
      return {
        code: MESSAGES.otherSchemaRule.code,
        path: [...path, second],
        part: 'value',
        message: `${cap(label)} lists ${show(item)} twice (items ${first + 1} and ${second + 1}). Remove one of them.`,
        rank: 6,
      };
    }
    case 'minLength':
      return { code: MESSAGES.otherSchemaRule.code, path, part: 'value', message: `${cap(label)} must not be empty.`, rank: 6 };
    case 'oneOf':
    case 'anyOf':
      return { code: MESSAGES.otherSchemaRule.code, path, part: 'value', message: `${cap(label)} does not have any of the allowed forms. Check it against the schema.`, rank: 7 };
    default:
      return { code: MESSAGES.otherSchemaRule.code, path, part: 'value', message: `${cap(label)} is not valid (JSON Schema '${error.keyword}' ${JSON.stringify(params)}).`, rank: 7 };
  }
}

function notAllowed(path: PathSegment[], label: string, value: unknown, allowed: readonly unknown[], when: string): Problem {
  const guess = typeof value === 'string' ? suggest(value, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
  const expected = allowed.length === 1 ? show(allowed[0]) : `one of ${list(allowed.map(show), 'or', false)}`;
  const context = when ? ` when ${when}` : '';
  const advice = guess ? ` Did you mean '${guess}'?` : '';
  return {
    code: MESSAGES.notAllowed.code,
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
  return { code: MESSAGES.requiredKey.code, path, part: 'owner', message, rank: 1 };
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
