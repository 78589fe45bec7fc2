// Stage 2: every loaded document against the JSON Schema of its kind (NNC2xxx).
// The validators are generated from schemas/ at build time (validators/generate.mjs),
// so this stage costs no ajv import or schema compile at startup.
//
// Codes (stable; tests and users rely on them):
//   2001  the document is not a mapping
//   2002  'apiVersion' missing or not 'nnc/v1'
//   2003  'kind' missing or unknown
//   2004  a required key is missing (points at the object's key or the item's first line)
//   2005  unknown key, or a key not used in this form (points at the key)
//   2006  wrong type (points at the value)
//   2007  value not allowed: enum, const, layer 'type' (points at the value)
//   2008  name or pattern rule broken (names: ^[a-z][a-z0-9_]*$)
//   2009  number out of range
//   2010  anything else: list length, duplicate items, empty text; also "more errors not shown"
import type { DatasetType } from './plan.js';
import type { Diagnostic } from './diagnostics.js';
import { locate, type LoadedDocument, type PathSegment } from './load.js';
import { suggest } from './suggest.js';
import { explain, type Problem, type Subject } from './validators/explain.js';
import type { DocumentKind, RawDocumentByKind, RawSampleByType } from './validators/raw.js';
import * as generated from './validators/schemas.js';
import type { GeneratedValidator, JsonSchema } from './validators/schemas.js';

export type * from './validators/raw.js';

export const API_VERSION = 'nnc/v1';
export const KINDS: readonly DocumentKind[] = ['Project', 'Tokens', 'Layers', 'Heads', 'Dataset', 'Sweep'];

/** A document that passed its schema; `value` is then the raw YAML of its kind. */
export type ValidDocument = {
  [K in DocumentKind]: LoadedDocument & { readonly kind: K; readonly value: RawDocumentByKind[K] };
}[DocumentKind];

export interface ValidateResult {
  readonly diagnostics: Diagnostic[];
  readonly documents: ValidDocument[];
}

/** More than this many schema errors in one document are summarized in one diagnostic. */
export const MAX_ERRORS_PER_DOCUMENT = 100;
/** Raw ajv errors phrased per document; the rest are only counted (a generated file may have 100,000 bad samples). */
const MAX_AJV_ERRORS = 2000;

const VALIDATORS: Record<DocumentKind, GeneratedValidator> = {
  Project: generated.validateProject,
  Tokens: generated.validateTokens,
  Layers: generated.validateLayers,
  Heads: generated.validateHeads,
  Dataset: generated.validateDataset,
  Sweep: generated.validateSweep,
};

const SAMPLE_VALIDATORS: Record<DatasetType, GeneratedValidator> = {
  binary_classification: generated.validateSample_binary_classification,
  multi_classification: generated.validateSample_multi_classification,
  qa: generated.validateSample_qa,
  article_approximation: generated.validateSample_article_approximation,
  regression: generated.validateSample_regression,
  text_generation: generated.validateSample_text_generation,
};

/** Which kind a document without 'kind' probably is, from its keys. */
const KIND_HINTS: ReadonlyArray<readonly [string, DocumentKind]> = [
  ['layers', 'Layers'],
  ['heads', 'Heads'],
  ['categories', 'Tokens'],
  ['fromDatasets', 'Tokens'],
  ['samples', 'Dataset'],
  ['source', 'Dataset'],
  ['input', 'Project'],
  ['training', 'Project'],
];

export function validate(documents: readonly LoadedDocument[]): ValidateResult {
  const diagnostics: Diagnostic[] = [];
  const valid: ValidDocument[] = [];
  for (const document of documents) {
    const found = validateDocument(document);
    diagnostics.push(...found.diagnostics);
    if (found.kind && found.diagnostics.length === 0) valid.push({ ...document, kind: found.kind } as ValidDocument);
  }
  return { diagnostics, documents: valid };
}

function validateDocument(document: LoadedDocument): { kind?: DocumentKind; diagnostics: Diagnostic[] } {
  const value = document.value;
  const at = (problem: Omit<Problem, 'rank'>): Diagnostic => toDiagnostic(document, problem);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : `the value ${String(value)}`;
    const message = `This document is ${what}, not a mapping. A document is a mapping that starts with 'apiVersion: ${API_VERSION}' and 'kind: <kind>'.`;
    return { diagnostics: [at({ code: 2001, path: [], part: 'value', message })] };
  }
  const record = value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];

  // apiVersion: a near miss still gets the rest of the document checked
  const apiVersion = record.apiVersion;
  let checkBody = true;
  if (apiVersion === undefined) {
    diagnostics.push(at({ code: 2002, path: [], part: 'value', message: `This document has no 'apiVersion'. Add 'apiVersion: ${API_VERSION}' as its first key.`, suggestion: API_VERSION }));
  } else if (apiVersion !== API_VERSION) {
    const close = typeof apiVersion === 'string' && suggest(apiVersion, [API_VERSION]) !== undefined;
    checkBody = close;
    const shown = typeof apiVersion === 'string' ? `'${apiVersion}'` : apiVersion === null ? 'empty' : `${String(apiVersion)}`;
    const advice = close ? `Did you mean '${API_VERSION}'?` : `This version of nnc reads '${API_VERSION}' documents only.`;
    diagnostics.push(at({ code: 2002, path: ['apiVersion'], part: 'value', message: `'apiVersion' must be '${API_VERSION}', but it is ${shown}. ${advice}`, suggestion: API_VERSION }));
  }

  const kind = record.kind;
  if (kind === undefined) {
    const hint = KIND_HINTS.find(([key]) => key in record);
    const advice = hint ? `Add 'kind: ${hint[1]}' (it has a '${hint[0]}' key).` : `Add 'kind:' with one of ${quoteList(KINDS)}.`;
    diagnostics.push(at({ code: 2003, path: [], part: 'value', message: `This document has no 'kind'. ${advice}`, suggestion: hint?.[1] }));
    return { diagnostics };
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const guess = typeof kind === 'string' ? suggest(kind, KINDS) : undefined;
    const shown = typeof kind === 'string' ? `'${kind}'` : kind === null ? 'empty' : String(kind);
    const message = `'kind' must be one of ${quoteList(KINDS)}, but it is ${shown}.${guess ? ` Did you mean '${guess}'?` : ''}`;
    diagnostics.push(at({ code: 2003, path: ['kind'], part: 'value', message, suggestion: guess }));
    return { diagnostics };
  }
  const known = kind as DocumentKind;
  if (!checkBody) return { kind: known, diagnostics };

  const validator = VALIDATORS[known];
  // the header was checked above; check the body as if it were right
  const body = record.apiVersion === API_VERSION ? record : { ...record, apiVersion: API_VERSION };
  if (!validator(body)) {
    const subject: Subject = { root: record, rootLabel: `the ${kind} document` };
    const errors = validator.errors ?? [];
    // a generated file with thousands of bad samples: phrase only what can be shown
    const explained = errors.length > MAX_AJV_ERRORS ? errors.slice(0, MAX_AJV_ERRORS) : errors;
    const problems = explain(explained, generated.schemas[known], subject);
    const unexplained = errors.length > explained.length ? countPlaces(errors.slice(MAX_AJV_ERRORS)) : 0;
    diagnostics.push(...placeProblems(document, problems, unexplained));
  }
  return { kind: known, diagnostics };
}

/** How many places (objects or keys) a list of raw ajv errors points at, wrappers left out. */
function countPlaces(errors: readonly { instancePath: string; keyword: string; params: Record<string, unknown> }[]): number {
  const places = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'propertyNames') continue;
    places.add(error.keyword === 'additionalProperties' ? `${error.instancePath}/${String(error.params.additionalProperty)}` : error.instancePath);
  }
  return places.size;
}

/** Problems -> diagnostics at their positions: one per place (the most specific), capped per document. */
function placeProblems(document: LoadedDocument, problems: readonly Problem[], unexplained: number): Diagnostic[] {
  const byPlace = new Map<string, { problem: Problem; diagnostic: Diagnostic }>();
  for (const problem of problems) {
    const diagnostic = toDiagnostic(document, problem);
    // a missing key (owner) and an unknown key or a bad value may share a position; keep both
    const place = `${diagnostic.line}:${diagnostic.column}:${problem.part === 'owner' ? 'owner' : 'at'}`;
    const seen = byPlace.get(place);
    if (!seen || problem.rank < seen.problem.rank) byPlace.set(place, { problem, diagnostic });
  }
  const diagnostics = [...byPlace.values()]
    .map((entry) => entry.diagnostic)
    .sort((a, b) => a.line - b.line || a.column - b.column || a.code - b.code);
  if (diagnostics.length <= MAX_ERRORS_PER_DOCUMENT) return diagnostics;
  const shown = diagnostics.slice(0, MAX_ERRORS_PER_DOCUMENT);
  const more = diagnostics.length - MAX_ERRORS_PER_DOCUMENT + unexplained;
  const { suggestion: _, ...next } = diagnostics[MAX_ERRORS_PER_DOCUMENT];
  shown.push({
    ...next,
    code: 2010,
    message: `${unexplained > 0 ? 'About ' : ''}${more} more schema errors in this document are not shown. Fix the ones above, then check again.`,
  });
  return shown;
}

function toDiagnostic(document: LoadedDocument, problem: Omit<Problem, 'rank'>): Diagnostic {
  const span =
    problem.part === 'owner'
      ? problem.path.length === 0
        ? locate(document, ['kind'], 'key')
        : locate(document, problem.path, 'key')
      : locate(document, problem.path, problem.part);
  const diagnostic: Diagnostic = { code: problem.code, severity: 'error', message: problem.message, file: document.file.path, ...span };
  return problem.suggestion === undefined ? diagnostic : { ...diagnostic, suggestion: problem.suggestion };
}

export interface SampleProblem {
  readonly code: number;
  /** path inside the sample, e.g. ['label'] or ['input', 3]; [] for the sample itself */
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly suggestion?: string;
}

/**
 * Checks one sample from an external file (JSONL/JSON/CSV record) against the
 * sample schema of its dataset type, with the same sentences as inline samples.
 * `label` names the sample in messages, e.g. "record 12".
 */
export function checkSample<T extends DatasetType>(type: T, sample: unknown, label: string): { sample?: RawSampleByType[T]; problems: SampleProblem[] } {
  const validator = SAMPLE_VALIDATORS[type];
  if (validator(sample)) return { sample: sample as RawSampleByType[T], problems: [] };
  const problems = explain(validator.errors ?? [], generated.sampleSchemas[type] as JsonSchema, { root: sample, rootLabel: label });
  const seen = new Set<string>();
  const out: SampleProblem[] = [];
  for (const problem of [...problems].sort((a, b) => a.rank - b.rank)) {
    const key = `${problem.path.join('/')}:${problem.part === 'owner' ? 'owner' : 'at'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem.suggestion === undefined ? { code: problem.code, path: problem.path, message: problem.message } : { code: problem.code, path: problem.path, message: problem.message, suggestion: problem.suggestion });
  }
  return { problems: out };
}

function quoteList(items: readonly string[]): string {
  const quoted = items.map((item) => `'${item}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
