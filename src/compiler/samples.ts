// Sample fields by dataset type (docs/format.md, "Dataset") and their
// normalization: the one sample checker, for inline samples (after the
// schema), external records (which the schema never sees) and what plugin
// dataset types encode. The fields come from the sample schemas.
import type { DatasetType, Task } from './plan.js';
import type { RawRecord } from './raw.js';
import { sampleSchemas } from './validators/schemas.js';

export const DATASET_TASK: Record<DatasetType, Task> = {
  binary_classification: 'classification',
  multi_classification: 'classification',
  qa: 'generation',
  article_approximation: 'generation',
  regression: 'regression',
  text_generation: 'generation',
};

/** [prompt field, answer field]: the sample schema's required keys, in its order */
export const FIELDS = Object.fromEntries(
  Object.keys(DATASET_TASK).map((type) => [type, (sampleSchemas[type as DatasetType] as { required: readonly string[] }).required as unknown as readonly [string, string]]),
) as Record<DatasetType, readonly [string, string]>;

/** What a CSV header lacks or has too many of for a dataset type, as a sentence fragment; null when it fits. */
export function csvHeaderProblem(type: DatasetType, columns: readonly string[]): string | null {
  const fields = FIELDS[type];
  const missing = fields.filter((f) => !columns.includes(f));
  const unknown = columns.filter((c) => !(fields as readonly string[]).includes(c));
  if (missing.length === 0 && unknown.length === 0) return null;
  const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(' and ');
  const parts = [
    ...(unknown.length ? [`has the column${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}, which a '${type}' record does not take`] : []),
    ...(missing.length ? [`lacks ${quoted(missing)}`] : []),
  ];
  return parts.join(', and ');
}

/** A sample with its fields checked, before labels become class indexes. */
export type CheckedSample =
  | { readonly kind: 'label'; readonly input: string | number[]; readonly label: string | number }
  | { readonly kind: 'target'; readonly input: string | number[]; readonly target: number[] }
  | { readonly kind: 'generation'; readonly prompt: string; readonly target: string };

const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
// YAML's schema takes .inf, .nan and [] as numbers and lists; the sentence says which of them it is
const describeList = (v: unknown[]) => (v.length === 0 ? 'an empty list' : v.every((x) => typeof x === 'number') ? 'a list with a number that is not finite (.inf or .nan)' : 'a list');
const notFinite = (v: number) => `the number ${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'}, which is not finite,`;
const describe = (v: unknown) => (Array.isArray(v) ? describeList(v) : typeof v === 'number' && !Number.isFinite(v) ? notFinite(v) : v === null ? 'null' : typeof v === 'string' ? `the text "${v.length > 20 ? v.slice(0, 20) + '…' : v}"` : `the ${typeof v} ${JSON.stringify(v)}`);

/** Checks one record's fields; returns the checked sample or a sentence fragment saying what is wrong, and the field. */
export function checkSample(type: DatasetType, record: RawRecord): CheckedSample | { error: string; field: string | null } {
  const [a, b] = FIELDS[type];
  const known = new Set([a, b]);
  for (const key of Object.keys(record)) {
    if (!known.has(key)) return { error: `has the field '${key}', which a '${type}' sample does not take; its fields are '${a}' and '${b}'`, field: key };
  }
  if (!(a in record)) return { error: `has no '${a}'; a '${type}' sample needs '${a}' and '${b}'`, field: null };
  if (!(b in record)) return { error: `has no '${b}'; a '${type}' sample needs '${a}' and '${b}'`, field: null };
  const x = record[a];
  const y = record[b];
  switch (type) {
    case 'binary_classification':
    case 'multi_classification': {
      if (typeof x !== 'string' && !isNumberList(x)) return { error: `has ${describe(x)} in '${a}', which must be text or a list of numbers`, field: a };
      if (type === 'binary_classification' && !(y === 0 || y === 1 || typeof y === 'string')) return { error: `has ${describe(y)} in 'label', which must be 0, 1 or a class name`, field: b };
      if (type === 'multi_classification' && typeof y !== 'string' && typeof y !== 'number') return { error: `has ${describe(y)} in 'label', which must be a class name`, field: b };
      return { kind: 'label', input: x, label: y as string | number };
    }
    case 'regression': {
      if (typeof x !== 'string' && !isNumberList(x)) return { error: `has ${describe(x)} in 'input', which must be a list of numbers or text`, field: a };
      if (typeof y === 'number' && Number.isFinite(y)) return { kind: 'target', input: x, target: [y] };
      if (isNumberList(y)) return { kind: 'target', input: x, target: y };
      return { error: `has ${describe(y)} in 'target', which must be a number or a list of numbers`, field: b };
    }
    default: {
      if (typeof x !== 'string') return { error: `has ${describe(x)} in '${a}', which must be text`, field: a };
      if (typeof y !== 'string') return { error: `has ${describe(y)} in '${b}', which must be text`, field: b };
      return { kind: 'generation', prompt: x, target: y };
    }
  }
}

/** The text of a sample that goes through the tokenizer (for the vocabulary and the <unk> share). */
export function sampleTexts(sample: CheckedSample): string[] {
  if (sample.kind === 'generation') return [sample.prompt, sample.target];
  return typeof sample.input === 'string' ? [sample.input] : [];
}
