// The YAML as written: the types come from the schemas (validators/raw.ts);
// the plan (plan.ts) is the resolved, readonly counterpart.
export type { RawProject, RawTokens, RawLayer, RawLayers, RawHead, RawHeads, RawDataset, DocumentKind as Kind } from './validators/raw.js';
export type { ValidDocument } from './validate.js';

/** One record of a dataset as found (inline or in a source file), before its fields are checked (samples.ts checks it; RawSample is the schema's typed sample). */
export type RawRecord = Record<string, unknown>;
