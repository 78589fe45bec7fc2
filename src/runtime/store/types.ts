// The run store's interface (createRunStore in store.ts implements it).
// One SQLite database per project: <project>/.nnc/nnc.db.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { LogEntry, LogLevel, MetricPoint, RunRecord, RunStatus, Snapshot, StoredLog } from './records.js';

export type { LogEntry, LogLevel, MetricPoint, RunRecord, RunStatus, Snapshot, StoredLog, TensorStats } from './records.js';
export type { EvaluationRecord, NewEvaluation } from './evaluations.js';
import type { EvaluationRecord, NewEvaluation } from './evaluations.js';

export interface NewRun {
  readonly planHash: string;
  readonly modelHash: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean;
  readonly backend: string;
  readonly parentId?: string | null;
  readonly info?: Record<string, unknown>;
  /** the plan as JSON, kept with the run so predict/export/diff can use it later */
  readonly plan: unknown;
}

export interface LogFilter {
  readonly runId?: string;
  readonly level?: LogLevel; // this level and above
  readonly q?: string; // substring, case-insensitive
  readonly category?: string; // this category only ('samples': the logged validation samples)
  readonly spam?: boolean; // true includes spam lines; false or absent hides them
  readonly limit?: number; // newest N (default 1000), returned oldest first
  readonly afterId?: number;
}

export interface RunStore {
  readonly path: string;
  createRun(run: NewRun): RunRecord;
  getRun(id: string): RunRecord | null;
  listRuns(options?: { limit?: number }): RunRecord[];
  /** newest completed/stopped run with this plan (or model) hash */
  latestRun(filter?: { planHash?: string; modelHash?: string; status?: RunStatus[] }): RunRecord | null;
  endRun(id: string, status: Exclude<RunStatus, 'running'>, info?: Record<string, unknown>): void;
  updateBest(id: string, best: Record<string, number>): void;
  /**
   * At each epoch's end: takes the epoch's metrics into the run's best values
   * (accuracies up, the rest down), so a run that never ends still shows them.
   */
  recordEpochBest(id: string, metrics: Readonly<Record<string, number>>): void;
  getPlan(id: string): unknown;
  /** the run predict and export use when none is named (nnc runs --pin), or null */
  pinnedRun(): string | null;
  /** pins a run, or unpins with null */
  pinRun(id: string | null): void;
  /** buffered; written in one transaction per flush (on a timer, at 500 rows, and on endRun/close) */
  addMetrics(runId: string, points: readonly MetricPoint[]): void;
  metrics(runId: string, names?: readonly string[]): MetricPoint[];
  /**
   * buffered like metrics; a line identical to the previous one of its run increments its count
   * (spam and non-spam lines are separate sequences: per-batch lines in between do not break a repeat)
   */
  addLog(runId: string | null, entry: LogEntry): void;
  logs(filter?: LogFilter): StoredLog[];
  addSnapshot(runId: string, snapshot: Snapshot): void;
  latestSnapshot(runId: string): Snapshot | null;
  snapshots(runId: string): Snapshot[];
  /** stores an `nnc evaluate` result with its run */
  addEvaluation(evaluation: NewEvaluation): EvaluationRecord;
  /** a run's evaluations, oldest first (every run's without an id) */
  evaluations(runId?: string): EvaluationRecord[];
  saveDiagnostics(diagnostics: readonly Diagnostic[]): void;
  diagnostics(): Diagnostic[];
  /** directory for a run's checkpoint files: <project>/.nnc/runs/<id>/ */
  runDir(id: string): string;
  flush(): void;
  /** online backup (better-sqlite3 backup API) */
  backup(file: string): Promise<void>;
  close(): void;
}
