// The YAML as written, after it passed its schema: optional keys stay
// optional, nothing is defaulted (the check stage fills the defaults the
// schemas document as it resolves each part: resolve-project.ts for the
// Project, the layer definitions for layers, check-heads.ts for heads; lower.ts
// only hashes). Mirrors schemas/*.schema.json; test/validate.test.ts keeps
// the two honest by validating documents typed with these.
import type { DatasetType, InputKind, Loss, Optimizer, Task, Tokenizer } from '../plan.js';

export type DocumentKind = 'Project' | 'Tokens' | 'Layers' | 'Heads' | 'Dataset' | 'Sweep';

interface RawDocumentHead<K extends DocumentKind> {
  readonly apiVersion: 'nnc/v1';
  readonly kind: K;
}

// ---- Project

export interface RawInput {
  readonly type: InputKind;
  /** text only (default 'word') */
  readonly tokenizer?: Tokenizer;
  /** text only (default true) */
  readonly lowercase?: boolean;
  /** text only (default 32) */
  readonly maxLength?: number;
  /** text only: which end of a long text is cut (default 'start') */
  readonly truncate?: 'start' | 'end';
  /** features only, required there */
  readonly features?: number;
}

export type RawSchedule =
  | 'none'
  | { readonly type: 'step'; readonly every: number; readonly factor: number }
  | { readonly type: 'exponential'; readonly rate: number }
  | { readonly type: 'cosine'; readonly minLearningRate?: number };

export interface RawTraining {
  readonly seed?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly optimizer?: Optimizer;
  readonly learningRate?: number;
  readonly schedule?: RawSchedule;
  readonly clipNorm?: number;
  /** a checkpoint folder inside the project whose weights new runs start from */
  readonly init?: string;
  readonly validationSplit?: number;
  /** or validationSplit, not both */
  readonly split?: { readonly validation?: number; readonly test?: number; readonly stratify?: boolean };
  readonly earlyStopping?: { readonly monitor?: string; readonly mode?: 'min' | 'max'; readonly patience?: number };
  readonly checkpoint?: { readonly monitor?: string; readonly mode?: 'min' | 'max' };
}

export interface RawProject extends RawDocumentHead<'Project'> {
  readonly name: string;
  readonly description?: string;
  readonly input: RawInput;
  readonly training?: RawTraining;
  readonly monitor?: { readonly weightsEvery?: number; readonly samples?: number };
  readonly store?: { readonly backups?: { readonly every: string; readonly keep?: number } };
}

// ---- Tokens

export interface RawTokens extends RawDocumentHead<'Tokens'> {
  /** category name -> tokens, in file order (object key order is file order) */
  readonly categories?: Readonly<Record<string, readonly string[]>>;
  readonly fromDatasets?: { readonly minCount?: number; readonly maxSize?: number };
}

// ---- Layers

/** tfjs-layers activation identifiers accepted by the schema */
export type RawActivation =
  | 'elu' | 'hardSigmoid' | 'linear' | 'relu' | 'relu6' | 'selu' | 'sigmoid'
  | 'softmax' | 'softplus' | 'softsign' | 'tanh' | 'swish' | 'mish' | 'gelu' | 'gelu_new';

/** a width (64) or a full shape without the batch dimension ([32, 64]) */
export type RawShape = number | readonly number[];

interface RawLayerCommon {
  readonly name: string;
  readonly in?: RawShape;
  readonly out?: RawShape;
}

export interface RawDenseLayer extends RawLayerCommon {
  /** 'linear' is an alias of 'dense' */
  readonly type: 'dense' | 'linear';
  readonly units: number;
  readonly activation?: RawActivation;
  readonly useBias?: boolean;
}

export interface RawEmbeddingLayer extends RawLayerCommon {
  readonly type: 'embedding';
  readonly units: number;
}

export interface RawConv1dLayer extends RawLayerCommon {
  readonly type: 'conv1d';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides?: number;
  readonly padding?: 'valid' | 'same' | 'causal';
  readonly activation?: RawActivation;
}

export interface RawRecurrentLayer extends RawLayerCommon {
  readonly type: 'lstm' | 'gru';
  readonly units: number;
  readonly returnSequences?: boolean;
  readonly activation?: RawActivation;
  readonly recurrentActivation?: RawActivation;
}

export interface RawAttentionLayer extends RawLayerCommon {
  readonly type: 'attention';
  readonly heads?: number;
  readonly causal?: boolean;
}

export interface RawLayerNormLayer extends RawLayerCommon {
  readonly type: 'layernorm';
  readonly epsilon?: number;
}

export interface RawDropoutLayer extends RawLayerCommon {
  readonly type: 'dropout';
  readonly rate: number;
}

export interface RawPoolLayer extends RawLayerCommon {
  readonly type: 'pool';
  readonly mode?: 'mean' | 'max' | 'last';
}

export interface RawActivationLayer extends RawLayerCommon {
  readonly type: 'activation';
  readonly activation: RawActivation;
}

export type RawLayer =
  | RawDenseLayer | RawEmbeddingLayer | RawConv1dLayer | RawRecurrentLayer | RawAttentionLayer
  | RawLayerNormLayer | RawDropoutLayer | RawPoolLayer | RawActivationLayer;

export interface RawLayers extends RawDocumentHead<'Layers'> {
  readonly layers: readonly RawLayer[];
}

// ---- Heads

export interface RawHead {
  readonly name: string;
  readonly attach: string;
  readonly task: Task;
  /** the schema allows only the losses of the task; default by task */
  readonly loss?: Loss;
  readonly labelSmoothing?: number;
  readonly classes?: readonly string[];
  readonly pool?: 'mean' | 'max' | 'last';
  readonly weight?: number;
  /** metric names (compiler/metric-catalog.ts); default by task */
  readonly metrics?: readonly string[];
  /** classification only */
  readonly classWeights?: 'balanced' | Readonly<Record<string, number>>;
}

export interface RawHeads extends RawDocumentHead<'Heads'> {
  readonly heads: readonly RawHead[];
}

// ---- Dataset

/** text, or a list of numbers (features projects) */
export type RawModelInput = string | readonly number[];

export interface RawBinaryClassificationSample { readonly input: RawModelInput; readonly label: 0 | 1 | string }
export interface RawMultiClassificationSample { readonly input: RawModelInput; readonly label: string }
export interface RawQaSample { readonly question: string; readonly answer: string }
export interface RawArticleApproximationSample { readonly text: string; readonly summary: string }
export interface RawRegressionSample { readonly input: RawModelInput; readonly target: number | readonly number[] }
export interface RawTextGenerationSample { readonly input: string; readonly target: string }

/** Sample fields by dataset type (the table in docs/format.md, "Dataset"). */
export interface RawSampleByType {
  readonly binary_classification: RawBinaryClassificationSample;
  readonly multi_classification: RawMultiClassificationSample;
  readonly qa: RawQaSample;
  readonly article_approximation: RawArticleApproximationSample;
  readonly regression: RawRegressionSample;
  readonly text_generation: RawTextGenerationSample;
}

export type RawSample = RawSampleByType[DatasetType];

interface RawDatasetOf<T extends DatasetType> extends RawDocumentHead<'Dataset'> {
  readonly name: string;
  readonly type: T;
  readonly head: string;
  readonly description?: string;
  /** relative to the document's file; .jsonl, .json or .csv */
  readonly source?: string;
  readonly samples?: readonly RawSampleByType[T][];
}

/** Discriminated on `type`, so `samples` has the fields of that type. */
export type RawDataset = { [T in DatasetType]: RawDatasetOf<T> }[DatasetType];

export interface RawDocumentByKind {
  readonly Project: RawProject;
  readonly Tokens: RawTokens;
  readonly Layers: RawLayers;
  readonly Heads: RawHeads;
  readonly Dataset: RawDataset;
  readonly Sweep: RawSweep;
}

// ---- Sweep (check-sweep.ts reads it; the plan never holds it)

export type RawSweepValues =
  | readonly unknown[]
  | { readonly choice: readonly unknown[] }
  | { readonly uniform: readonly [number, number] }
  | { readonly logUniform: readonly [number, number] }
  | { readonly int: readonly [number, number] };

export interface RawSweep extends RawDocumentHead<'Sweep'> {
  readonly name: string;
  readonly description?: string;
  readonly method?: 'grid' | 'random';
  readonly parameters: Readonly<Record<string, RawSweepValues>>;
  readonly metric: string;
  readonly mode?: 'min' | 'max';
  readonly trials?: number;
  readonly seed?: number;
  readonly halving?: { readonly epochs: readonly number[]; readonly keep?: number };
}
