// The viewer wire protocol (vite's HotPayload): one union keyed on `type`,
// imported by the server and, type-only, by the viewer. JSON over WebSocket
// at /ws; the HTTP API (GET only) returns the types at the bottom.

export interface DiagnosticView {
  readonly code: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** project-relative path */
  readonly file: string;
  readonly line: number;
  readonly column: number;
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

export interface RunView {
  readonly id: string;
  readonly project: string;
  readonly planHash: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean;
  readonly backend: string;
  readonly status: 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'superseded';
  readonly parentId: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly best: Readonly<Record<string, number>>;
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
}

export interface TensorStatsView {
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly histogram: readonly number[];
  readonly gradNorm: number | null;
}

export interface LogView {
  readonly id: number;
  readonly runId: string | null;
  readonly time: number;
  readonly level: 'debug' | 'info' | 'warning' | 'error';
  readonly category: string;
  readonly message: string;
  readonly spam: boolean;
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
  | { type: 'run_started'; project: string; run: RunView }
  | { type: 'training_log'; project: string; log: LogView }
  | { type: 'training_stats'; project: string; stats: TrainingStatsView }
  | { type: 'weights_update'; project: string; runId: string; step: number; tensors: TensorStatsView[] }
  | { type: 'run_ended'; project: string; run: RunView };

export type ServerMessageType = ServerMessage['type'];
