// Stage 2: every loaded document against the JSON Schema of its kind (NNC2xxx).
// The validators are generated from schemas/ at build time (validators/generate.mjs),
// so this stage costs no ajv import or schema compile at startup.
//
// Codes: NNC2001-2010 in the catalogue (diagnostic-messages/schema.ts, docs/diagnostics.md).
import type { Diagnostic } from './diagnostics.js';
import { locate, type LoadedDocument } from './load.js';
import { suggest } from './suggest.js';
import { explain, type Problem, type Subject } from './validators/explain.js';
import type { DocumentKind, RawDocumentByKind } from './validators/raw.js';
import * as generated from './validators/schemas.js';
import type { GeneratedValidator } from './validators/schemas.js';
import { MESSAGES } from './diagnostic-messages.js';

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
    return { diagnostics: [at({ code: MESSAGES.notAMapping.code, path: [], part: 'value', message })] };
  }
  const record = value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];

  // apiVersion: a near miss still gets the rest of the document checked
  const apiVersion = record.apiVersion;
  let checkBody = true;
  if (apiVersion === undefined) {
    diagnostics.push(at({ code: MESSAGES.apiVersion.code, path: [], part: 'value', message: `This document has no 'apiVersion'. Add 'apiVersion: ${API_VERSION}' as its first key.`, suggestion: API_VERSION }));
  } else if (apiVersion !== API_VERSION) {
    const close = typeof apiVersion === 'string' && suggest(apiVersion, [API_VERSION]) !== undefined;
    checkBody = close;
    const shown = typeof apiVersion === 'string' ? `'${apiVersion}'` : apiVersion === null ? 'empty' : `${String(apiVersion)}`;
    const advice = close ? `Did you mean '${API_VERSION}'?` : `This version of nnc reads '${API_VERSION}' documents only.`;
    diagnostics.push(at({ code: MESSAGES.apiVersion.code, path: ['apiVersion'], part: 'value', message: `'apiVersion' must be '${API_VERSION}', but it is ${shown}. ${advice}`, suggestion: API_VERSION }));
  }

  const kind = record.kind;
  if (kind === undefined) {
    const hint = KIND_HINTS.find(([key]) => key in record);
    const advice = hint ? `Add 'kind: ${hint[1]}' (it has a '${hint[0]}' key).` : `Add 'kind:' with one of ${quoteList(KINDS)}.`;
    diagnostics.push(at({ code: MESSAGES.kind.code, path: [], part: 'value', message: `This document has no 'kind'. ${advice}`, suggestion: hint?.[1] }));
    return { diagnostics };
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const guess = typeof kind === 'string' ? suggest(kind, KINDS) : undefined;
    const shown = typeof kind === 'string' ? `'${kind}'` : kind === null ? 'empty' : String(kind);
    const message = `'kind' must be one of ${quoteList(KINDS)}, but it is ${shown}.${guess ? ` Did you mean '${guess}'?` : ''}`;
    diagnostics.push(at({ code: MESSAGES.kind.code, path: ['kind'], part: 'value', message, suggestion: guess }));
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
    code: MESSAGES.otherSchemaRule.code,
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

function quoteList(items: readonly string[]): string {
  const quoted = items.map((item) => `'${item}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
