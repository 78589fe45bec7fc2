// The YAML as written (after schema validation): every optional key optional.
// The plan (plan.ts) is the resolved, readonly counterpart.
import type { LoadedDocument } from './load.js';

export type Kind = 'Project' | 'Tokens' | 'Layers' | 'Heads' | 'Dataset';

export interface RawProject {
  apiVersion: 'nnc/v1';
  kind: 'Project';
  name: string;
  description?: string;
  input: {
    type: 'text' | 'features';
    tokenizer?: 'word' | 'char';
    lowercase?: boolean;
    maxLength?: number;
    features?: number;
  };
  training?: {
    seed?: number;
    epochs?: number;
    batchSize?: number;
    optimizer?: 'adam' | 'sgd' | 'rmsprop' | 'adagrad';
    learningRate?: number;
    schedule?: 'none' | { type: 'none' } | { type: 'step'; every?: number; factor?: number } | { type: 'exponential'; rate?: number } | { type: 'cosine'; minLearningRate?: number };
    clipNorm?: number | null;
    validationSplit?: number;
    earlyStopping?: { monitor?: string; patience?: number } | null;
  };
  monitor?: { weightsEvery?: number };
}

export interface RawTokens {
  apiVersion: 'nnc/v1';
  kind: 'Tokens';
  categories?: Record<string, Array<string | number | boolean>>;
  fromDatasets?: { minCount?: number; maxSize?: number };
}

export interface RawLayer {
  name: string;
  type: string;
  in?: number | number[];
  out?: number | number[];
  [key: string]: unknown;
}

export interface RawLayers {
  apiVersion: 'nnc/v1';
  kind: 'Layers';
  layers: RawLayer[];
}

export interface RawHead {
  name: string;
  attach: string;
  task: 'classification' | 'regression' | 'generation';
  loss?: 'crossentropy' | 'bce' | 'mse' | 'huber' | 'mae';
  labelSmoothing?: number;
  classes?: Array<string | number>;
  pool?: 'mean' | 'max' | 'last';
  weight?: number;
}

export interface RawHeads {
  apiVersion: 'nnc/v1';
  kind: 'Heads';
  heads: RawHead[];
}

export type RawSample = Record<string, unknown>;

export interface RawDataset {
  apiVersion: 'nnc/v1';
  kind: 'Dataset';
  name: string;
  type: 'binary_classification' | 'multi_classification' | 'qa' | 'article_approximation' | 'regression' | 'text_generation';
  head: string;
  description?: string;
  source?: string;
  samples?: RawSample[];
}

/** A document that passed validation, with its kind. */
export interface ValidDocument extends LoadedDocument {
  readonly kind: Kind;
}

export function valueOf<T>(document: LoadedDocument): T {
  return document.value as T;
}
