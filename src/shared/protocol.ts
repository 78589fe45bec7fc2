// The viewer wire protocol (vite's HotPayload): one union keyed on `type`,
// imported by the server and, type-only, by the viewer. JSON over WebSocket
// at /ws; the HTTP API (GET only) returns the types at the bottom. It imports
// nothing: the wire's types are its own, so a change to the run store's
// records (src/runtime/store/records.ts) is not a change to the wire unless
// the server passes it on (test/architecture.test.ts holds this).

export interface DiagnosticView {
  readonly code: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** project-relative path */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** other places the diagnostic concerns (the first of two duplicates, a data file's source: key), paths project-relative */
  readonly related?: ReadonlyArray<{ readonly file: string; readonly line: number; readonly column: number; readonly message: string }>;
}

export interface PlanSummary {
  readonly project: string;
  readonly planHash: string;
  readonly modelHash: string;
  readonly params: number;
  readonly weightBytes: number;
  readonly layers: ReadonlyArray<{ name: string; type: string; outputShape: readonly number[]; params: number; file: string; line: number }>;
  readonly heads: ReadonlyArray<{ name: string; attach: string; task: string; loss: string; outputShape: readonly number[]; params: number; file: string; line: number }>;
  readonly datasets: ReadonlyArray<{ name: string; type: string; head: string; count: number }>;
  readonly vocabularySize: number;
}

export type RunStatusView = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'superseded';
export type LogLevelView = 'debug' | 'info' | 'warning' | 'error';

/** A stored run, as the wire carries it. */
export interface RunView {
  readonly id: string;
  /** the plan's project name */
  readonly project: string;
  readonly planHash: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean;
  readonly backend: string;
  readonly status: RunStatusView;
  /** the run whose weights a warm start began from */
  readonly parentId: string | null;
  /** ms since epoch */
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** best value per metric name, e.g. {"sentiment.val_loss": 0.31} */
  readonly best: Readonly<Record<string, number>>;
  /** free-form: epochs, seed, reused layers of a warm start, error message */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface TrainingStatsView {
  readonly runId: string;
  readonly step: number;
  readonly epoch: number;
  /** per head, e.g. {sentiment: 0.41} */
  readonly losses: Readonly<Record<string, number>>;
  /** e.g. {"sentiment.accuracy": 0.8, "sentiment.val_loss": 0.5, "qa.perplexity": 3.1} */
  readonly metrics: Readonly<Record<string, number>>;
  readonly learningRate: number;
  readonly gradNorm: number;
  readonly samplesPerSecond: number;
  /** 0..1 */
  readonly progress: number;
  readonly numTensors: number;
  readonly memoryBytes: number;
  /** the training process's CPU time over wall time since the previous stats, in % of one core (absent on epoch stats) */
  readonly cpuPercent?: number;
  /** the training process's resident set size */
  readonly rssBytes?: number;
  /** the V8 heap in use (the training worker's) */
  readonly heapUsedBytes?: number;
  /**
   * 'batch' (default when absent): a window of training batches, coalesced
   * (a client may miss some). 'epoch': an epoch's end with its validation
   * metrics ("val_loss", "<head>.val_loss", ...); queued rather than coalesced,
   * but a client that falls behind by more than 20 queued epoch stats and log
   * lines loses the oldest (client-channel.ts; /api/runs/{id}/metrics has them all).
   */
  readonly kind?: 'batch' | 'epoch';
}

/** One weight tensor's statistics in a snapshot. */
export interface TensorStatsView {
  /** tfjs weight name, e.g. "hidden/kernel" */
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** 20 bins between min and max */
  readonly histogram: readonly number[];
  /** L2 norm of this tensor's gradient at the snapshot step, null if none */
  readonly gradNorm: number | null;
}

/** How a run started from its parent's weights (absent on a cold start). */
export interface WarmStartView {
  readonly parentId: string;
  /** layers and heads whose trained weights were kept */
  readonly reused: readonly string[];
  /** layers and heads that start from fresh weights */
  readonly fresh: readonly string[];
  /** embedding layers whose rows were copied by token text because the vocabulary changed */
  readonly remapped: readonly string[];
}

/** A stored log line; `id` is the store's row id, negative on a line sent live before it is stored. */
export interface LogView {
  readonly id: number;
  readonly runId: string | null;
  /** ms since epoch */
  readonly time: number;
  readonly level: LogLevelView;
  /** e.g. compile, train, data, warmstart, system */
  readonly category: string;
  readonly message: string;
  /** per-batch lines that the viewer hides by default */
  readonly spam: boolean;
  /** identical consecutive lines are collapsed into one with a count */
  readonly count: number;
}

export type ServerMessage =
  | { type: 'connected'; projects: string[]; version: string }
  | { type: 'project_compiled'; project: string; summary: PlanSummary }
  | { type: 'diagnostics'; project: string; diagnostics: DiagnosticView[] }
  | { type: 'token_created'; project: string; tokens: string[] }
  | { type: 'layer_created'; project: string; layers: string[] }
  | { type: 'head_created'; project: string; heads: string[] }
  | { type: 'model_created'; project: string; modelHash: string }
  | { type: 'run_started'; project: string; run: RunView; warmStart?: WarmStartView }
  | { type: 'training_log'; project: string; log: LogView }
  | { type: 'training_stats'; project: string; stats: TrainingStatsView }
  | { type: 'weights_update'; project: string; runId: string; step: number; tensors: TensorStatsView[] }
  | { type: 'run_ended'; project: string; run: RunView }
  /** a sweep (nnc sweep, in this or another process) changed: a trial started, reported an epoch, ended or was pruned, or the sweep ended */
  | { type: 'sweep_updated'; project: string; sweep: SweepSummaryView; trials: readonly SweepTrialView[] };

export type ServerMessageType = ServerMessage['type'];

/**
 * Sent only to a client that connects to /ws?batch=1: the messages due at one
 * tick in one frame, oldest first (at most ~20 frames a second). Without
 * ?batch=1 every frame is one ServerMessage.
 */
export interface BatchFrame {
  readonly type: 'batch';
  readonly messages: ServerMessage[];
}

// ---------------------------------------------------------------------------
// HTTP API responses (GET only). Every endpoint but /api/projects takes
// ?project=<name> when several projects are served (default: the first).
// Errors are {error: sentence} with status 400, 404 or 405.

export interface ApiError {
  readonly error: string;
}

/** GET /api/projects */
export interface ProjectView {
  /** the id used in ?project= and in every message's `project` (the folder name) */
  readonly name: string;
  /** the plan's project name, null when the project never compiled */
  readonly title: string | null;
  readonly planHash: string | null;
  readonly errors: number;
  readonly warnings: number;
  /** the run training now (nnc watch), else null */
  readonly running: RunView | null;
  /** true under nnc watch, false under nnc view */
  readonly live: boolean;
  /** where its runs are stored: '.nnc/nnc.db' in the folder, or a shared store's URL without its password */
  readonly storedIn: string;
}

/** GET /api/tokens */
export interface TokensView {
  readonly project: string;
  /** token text by id */
  readonly tokens: readonly string[];
  readonly categories: Readonly<Record<string, readonly string[]>>;
  readonly special: Readonly<Record<string, number | null>>;
  readonly vocabularySize: number;
  /** the tokens taken from the data (fromDatasets): ids first..first+count-1; absent when none were */
  readonly dataTokens?: { readonly first: number; readonly count: number };
  /** occurrences per token in the training data; absent when the server has no compiled data (a plan read back from the store) */
  readonly counts?: TokenCountsView;
}

/** How often each token occurs in the training split of the compiled data (src/runtime/server/token-counts.ts). */
export interface TokenCountsView {
  /** the split counted: the training split of every dataset */
  readonly split: 'train';
  /** samples counted */
  readonly samples: number;
  /** token occurrences counted, all ids together */
  readonly tokens: number;
  /** occurrences by token id (vocabularySize entries) */
  readonly byId: readonly number[];
}

/** GET /api/layers: the layer graph in model order */
export interface LayerView {
  readonly name: string;
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly hash: string;
  readonly file: string;
  readonly line: number;
  /** the plugin that defines the layer's type (nnc.yaml 'plugins:'); absent for built-in types */
  readonly plugin?: string;
}

/** GET /api/heads */
export interface HeadView {
  readonly name: string;
  readonly attach: string;
  readonly task: string;
  readonly loss: string;
  readonly classes: readonly string[];
  readonly weight: number;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly hash: string;
  readonly file: string;
  readonly line: number;
}

/** GET /api/datasets */
export interface DatasetView {
  readonly name: string;
  readonly type: string;
  readonly head: string;
  /** project-relative path of the external source, or null */
  readonly source: string | null;
  readonly count: number;
  /** the Project's training.validationSplit, and how many samples it holds out of this dataset */
  readonly validationSplit: number;
  readonly validationCount: number;
  /** the first few samples, as the plan normalized them */
  readonly preview: readonly unknown[];
  /** classification: samples per class name; {} otherwise */
  readonly labelCounts: Readonly<Record<string, number>>;
  readonly file: string;
  readonly line: number;
}

/** GET /api/runs/{id}/metrics: points per metric name, by step */
export interface RunMetricsView {
  readonly runId: string;
  readonly metrics: Readonly<Record<string, ReadonlyArray<{ step: number; epoch: number; value: number }>>>;
}

/** GET /api/models/{name}/weights: the latest snapshot of the newest run that has one */
export interface WeightsView {
  readonly model: string;
  readonly runId: string | null;
  readonly step: number | null;
  readonly epoch: number | null;
  readonly tensors: readonly TensorStatsView[];
}

/**
 * GET /api/tokens -> TokensView, /api/layers -> LayerView[], /api/heads -> HeadView[],
 * /api/datasets -> DatasetView[], /api/diagnostics -> DiagnosticView[], /api/runs -> RunView[],
 * /api/runs/{id}/metrics -> RunMetricsView, /api/models/{name}/weights -> WeightsView,
 * /api/logs?level=&q=&spam=&run=&limit= -> LogView[], /api/projects -> ProjectView[].
 */
export type ApiPath = '/api/projects' | '/api/tokens' | '/api/layers' | '/api/heads' | '/api/datasets' | '/api/diagnostics' | '/api/runs' | '/api/logs';

// GET /api/sweeps -> SweepSummaryView[] (newest first), /api/sweeps/{id} -> SweepDetailView; the same in a sweep_updated message.

export interface SweepSummaryView {
  readonly id: string;
  readonly name: string;
  /** running | completed | stopped | failed */
  readonly status: string;
  readonly createdAt: number;
  readonly endedAt: number | null;
  /** grid | random */
  readonly method: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly parallel: number;
  /** the varied paths, in the Sweep's order */
  readonly parameters: readonly string[];
  readonly trials: number;
  readonly halving: { readonly epochs: readonly number[]; readonly keep: number } | null;
  readonly best: { readonly trial: number; readonly value: number; readonly runId: string | null } | null;
}

export interface SweepTrialView {
  /** 1-based, best first */
  readonly rank: number;
  readonly trial: number;
  /** pending | running | waiting | completed | pruned | stopped | failed */
  readonly status: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly value: number | null;
  readonly epochs: number;
  readonly runId: string | null;
  /** the halving epoch a pruned trial stopped at */
  readonly stoppedAt: number | null;
}

export interface SweepDetailView {
  readonly sweep: SweepSummaryView;
  readonly trials: readonly SweepTrialView[];
}
