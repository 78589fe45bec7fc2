// The plan: what the compiler produces and the runtime consumes. Plain JSON,
// every default filled in, readonly. Shapes exclude the batch dimension:
// [n] is a vector, [t, d] a sequence of t steps of width d.

export type Shape = readonly number[];

export type InputKind = 'text' | 'features';
export type Tokenizer = 'word' | 'char';
/** which end of a long text is cut */
export type Truncate = 'start' | 'end';
export type Optimizer = 'adam' | 'sgd' | 'rmsprop' | 'adagrad';
export type Activation = string; // tfjs-layers identifiers: relu, tanh, sigmoid, softmax, linear, gelu, elu, selu, ...

export type Schedule =
  | { readonly type: 'none' }
  | { readonly type: 'step'; readonly every: number; readonly factor: number }
  | { readonly type: 'exponential'; readonly rate: number }
  | { readonly type: 'cosine'; readonly minLearningRate: number };

export interface PlanInput {
  readonly type: InputKind;
  /** text only */
  readonly tokenizer: Tokenizer;
  readonly lowercase: boolean;
  /** text: sequence length after pad/truncate; features: vector length */
  readonly maxLength: number;
  /**
   * text only: which end of a text longer than maxLength is cut. 'start' (the
   * default) keeps the last tokens, next to the last step that left padding
   * lines up; 'end' keeps the first. Plans written before this key existed
   * cut the end (see encode.ts).
   */
  readonly truncate: Truncate;
  /** features only: vector length (0 for text) */
  readonly features: number;
  /** shape of one model input, without batch: [maxLength] (token ids) or [features] */
  readonly shape: Shape;
}

export interface PlanTraining {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly learningRate: number;
  readonly schedule: Schedule;
  /** null: no clipping */
  readonly clipNorm: number | null;
  /** share of each dataset held out for validation (training.split.validation, or validationSplit) */
  readonly validationSplit: number;
  /** share of each dataset held out for testing, which training never sees (training.split.test) */
  readonly testSplit: number;
  /** classification datasets: split each class on its own, so class shares match across splits */
  readonly stratify: boolean;
  readonly earlyStopping: { readonly monitor: string; readonly mode: MetricMode; readonly patience: number } | null;
  /** the metric that picks a run's best checkpoint (check-monitor.ts checks the name) */
  readonly checkpoint: { readonly monitor: string; readonly mode: MetricMode };
  /** a checkpoint folder (project-relative, forward slashes) whose weights new runs start from; absent: none */
  readonly init?: string;
}

/** min: lower is better; max: higher is better */
export type MetricMode = 'min' | 'max';

export interface PlanProject {
  readonly name: string;
  readonly description: string;
  readonly input: PlanInput;
  readonly training: PlanTraining;
  /** samples: validation samples logged at each snapshot (monitor.samples; absent: the runtime's default, 3) */
  readonly monitor: { readonly weightsEvery: number; readonly samples?: number };
  /** nnc watch's periodic backups of the run store (store.backups); absent: none */
  readonly store?: { readonly backups: { readonly every: string; readonly everyMs: number; readonly keep: number } };
}

export interface PlanVocabulary {
  /** token text by id; id 0 is <pad>, id 1 is <unk> */
  readonly tokens: readonly string[];
  /**
   * category name -> token texts, in file order; a token added from the data
   * (fromDatasets) is appended to its automatic category (token-categories.ts:
   * numeric, alphabetic, punctuation, symbols or mixed), created after the file's own when the file has none by that name
   */
  readonly categories: Readonly<Record<string, readonly string[]>>;
  /** the tokens added from the data are ids first..first+count-1 (the last ones); absent when none were (and in plans stored before categories) */
  readonly dataTokens?: { readonly first: number; readonly count: number };
  readonly special: { readonly pad: 0; readonly unk: 1; readonly bos: number | null; readonly sep: number | null; readonly eos: number | null };
  readonly hash: string;
}

// Layer types and their resolved arguments come from the layer definitions (src/compiler/layers/).
export type { LayerType, LayerConfig } from './layers/index.js';
import type { LayerConfig, LayerType } from './layers/index.js';

export interface PlanLayer {
  readonly name: string;
  readonly type: LayerType;
  readonly config: LayerConfig;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly params: number;
  /** over this layer's own type, config and input shape */
  readonly hash: string;
  /** over this layer and every layer before it */
  readonly chainHash: string;
  /** where it is written, for tools that point back at YAML */
  readonly source: SourceRef;
  /** the plugin that defines this layer's type (plan.plugins); absent for built-in types */
  readonly plugin?: string;
}

export type Task = 'classification' | 'regression' | 'generation';
export type Loss = 'crossentropy' | 'bce' | 'mse' | 'huber' | 'mae';

export interface PlanHead {
  readonly name: string;
  readonly attach: string;
  readonly task: Task;
  readonly loss: Loss;
  readonly labelSmoothing: number;
  /** classification only; [] otherwise */
  readonly classes: readonly string[];
  /** pooling applied when attached to a sequence output and task is not generation; null otherwise */
  readonly pool: 'mean' | 'max' | 'last' | null;
  readonly weight: number;
  /** what validation and `nnc evaluate` report besides the loss (metric-catalog.ts); absent in plans written before heads declared metrics (their task's defaults apply) */
  readonly metrics?: readonly string[];
  /** classification: each class's loss weight, in class order ('balanced' resolved from the training split); null or absent: unweighted */
  readonly classWeights?: readonly number[] | null;
  /** output width: classes (1 for bce), target length (regression), vocabulary size (generation) */
  readonly units: number;
  readonly activation: 'softmax' | 'sigmoid' | 'linear';
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly params: number;
  readonly hash: string;
  readonly chainHash: string;
  readonly source: SourceRef;
}

export type DatasetType =
  | 'binary_classification' | 'multi_classification' | 'qa'
  | 'article_approximation' | 'regression' | 'text_generation';

/** One sample, normalized to the dataset's head task. */
export type Sample =
  | { readonly input: string | readonly number[]; readonly label: number } // classification: class index
  | { readonly input: string | readonly number[]; readonly target: readonly number[] } // regression
  | { readonly prompt: string; readonly target: string }; // generation

/**
 * A dataset as the plan holds it: what it is and how much, never its samples
 * (a run's plan.json ships with the model). The samples travel beside the
 * plan as PlanData (plan-data.ts).
 */
export interface PlanDataset {
  readonly name: string;
  readonly type: DatasetType;
  readonly head: string;
  /** project-relative path of the external source, or null */
  readonly source: string | null;
  readonly count: number;
  /** samples per split (split.ts); absent in plans written before splits were stored */
  readonly split?: { readonly train: number; readonly validation: number; readonly test: number };
  /** classification: samples per class, in the head's class order; [] otherwise */
  readonly classCounts?: readonly number[];
  /** over type, head and the samples' content (not the name) */
  readonly hash: string;
  readonly sourceRef: SourceRef;
  /** a plugin dataset type: its name as written and its plugin; `type` is the built-in layout its samples were encoded to */
  readonly plugin?: { readonly name: string; readonly type: string };
  /**
   * Plans written before runs stopped storing data held every sample here;
   * compile() never sets it. prepareData() still trains such a plan (and
   * hand-built plans in tests) when no PlanData is given.
   */
  readonly samples?: readonly Sample[];
}

export interface SourceRef {
  /** project-relative path with forward slashes */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Plan {
  readonly apiVersion: 'nnc/v1';
  /** over the whole plan, dataset contents included */
  readonly hash: string;
  /** over the architecture only (input, vocabulary, layers, heads) */
  readonly modelHash: string;
  readonly project: PlanProject;
  readonly vocabulary: PlanVocabulary;
  readonly layers: readonly PlanLayer[];
  readonly heads: readonly PlanHead[];
  readonly datasets: readonly PlanDataset[];
  readonly totals: {
    readonly params: number;
    readonly trainable: number;
    /** float32 weights, bytes */
    readonly weightBytes: number;
  };
  /** the plugins nnc.yaml lists, with their files' content hashes (part of the plan's hash); absent when none */
  readonly plugins?: readonly PlanPlugin[];
  /** overrides compiled in (`nnc train --set`, a sweep trial's values), as 'path=value'; absent when none. Not hashed: the values they wrote are */
  readonly overrides?: readonly string[];
}

/** A plugin the plan was compiled with (src/compiler/plugins/). */
export interface PlanPlugin {
  readonly name: string;
  /** the `plugins:` entry as written: a project path or a package name */
  readonly specifier: string;
  /** project-relative path of the module it loaded */
  readonly file: string;
  /** over the module file's content */
  readonly hash: string;
  readonly layerTypes: readonly string[];
  readonly datasetTypes: readonly string[];
}
