// The rows the run store keeps, as plain data. No imports: the viewer's wire
// protocol (src/shared/protocol.ts) sends some of them as they are.

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'superseded';
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface RunRecord {
  readonly id: string;
  readonly project: string;
  readonly planHash: string;
  readonly modelHash: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean;
  readonly backend: string;
  readonly status: RunStatus;
  readonly parentId: string | null;
  readonly startedAt: number; // ms since epoch
  readonly endedAt: number | null;
  /** best value per metric name, e.g. {"sentiment.val_loss": 0.31, "sentiment.val_accuracy": 0.9} */
  readonly best: Readonly<Record<string, number>>;
  /** free-form: epochs, seed, reused layers of a warm start, error message */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface MetricPoint {
  readonly step: number;
  readonly epoch: number;
  /** e.g. "loss", "sentiment.loss", "sentiment.val_accuracy", "lr", "grad_norm" */
  readonly name: string;
  readonly value: number;
}

export interface LogEntry {
  readonly time: number; // ms since epoch
  readonly level: LogLevel;
  /** e.g. compile, train, data, warmstart, system */
  readonly category: string;
  readonly message: string;
  /** per-batch lines that the viewer hides by default */
  readonly spam: boolean;
}

export interface StoredLog extends LogEntry {
  readonly id: number;
  readonly runId: string | null;
  /** identical consecutive lines are collapsed into one with a count */
  readonly count: number;
}

export interface TensorStats {
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

export interface Snapshot {
  readonly step: number;
  readonly epoch: number;
  readonly time: number;
  readonly tensors: readonly TensorStats[];
}
