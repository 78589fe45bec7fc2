// Types of the generated schemas.js (see generate.mjs).
import type { ErrorObject } from 'ajv';

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** A JSON Schema object as plain JSON (dereferenced: no $ref left). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export declare const schemas: {
  readonly Project: JsonSchema;
  readonly Tokens: JsonSchema;
  readonly Layers: JsonSchema;
  readonly Heads: JsonSchema;
  readonly Dataset: JsonSchema;
  readonly Sweep: JsonSchema;
};

export declare const sampleSchemas: {
  readonly binary_classification: JsonSchema;
  readonly multi_classification: JsonSchema;
  readonly qa: JsonSchema;
  readonly article_approximation: JsonSchema;
  readonly regression: JsonSchema;
  readonly text_generation: JsonSchema;
};

export declare const validateProject: GeneratedValidator;
export declare const validateTokens: GeneratedValidator;
export declare const validateLayers: GeneratedValidator;
export declare const validateHeads: GeneratedValidator;
export declare const validateDataset: GeneratedValidator;
export declare const validateSweep: GeneratedValidator;
export declare const validateSample_binary_classification: GeneratedValidator;
export declare const validateSample_multi_classification: GeneratedValidator;
export declare const validateSample_qa: GeneratedValidator;
export declare const validateSample_article_approximation: GeneratedValidator;
export declare const validateSample_regression: GeneratedValidator;
export declare const validateSample_text_generation: GeneratedValidator;
