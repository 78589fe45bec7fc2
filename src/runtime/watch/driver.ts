// A training driver runs one project's runs, one at a time, and reports what
// happens. The watcher uses the worker driver (worker-driver.ts: a worker
// thread per project); tests and `--no-worker` use the in-process one
// (inline-driver.ts). Both speak these messages, which are also the messages
// between the main thread and a training worker (structured clone).
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { WarmStartView } from '../../shared/protocol.js';
import type { LogEntry, RunRecord, Snapshot } from '../store/types.js';
import type { EpochSummary, TrainStats } from '../train/types.js';

export type EndStatus = 'superseded' | 'stopped';

export interface RunRequest {
  readonly plan: Plan;
  /** the plan's samples from compile() (a plan holds none; typed arrays, so they cross to a worker as they are) */
  readonly data?: PlanData | null;
  /** the run whose weights this one starts from, or null for a cold start */
  readonly parentId: string | null;
  /** overrides the plan's epochs */
  readonly epochs?: number;
  /** which command started the run (stored in the run's info); default 'watch' */
  readonly source?: 'watch' | 'train' | 'sweep';
}

/** main thread -> worker */
export type DriverCommand =
  | { readonly type: 'start'; readonly request: RunRequest }
  | { readonly type: 'stop'; readonly status: EndStatus }
  | { readonly type: 'close' };

/** worker -> main thread, and the inline driver's events */
export type DriverEvent =
  | { readonly type: 'ready'; readonly backend: string; readonly notes: readonly string[] }
  | { readonly type: 'run_started'; readonly run: RunRecord; readonly warmStart: WarmStartView | null }
  | { readonly type: 'stats'; readonly runId: string; readonly stats: TrainStats }
  | { readonly type: 'log'; readonly runId: string | null; readonly log: LogEntry }
  | { readonly type: 'snapshot'; readonly runId: string; readonly snapshot: Snapshot }
  | { readonly type: 'epoch'; readonly runId: string; readonly summary: EpochSummary }
  | { readonly type: 'run_ended'; readonly run: RunRecord }
  /** a run could not start or failed before it had a record */
  | { readonly type: 'error'; readonly message: string }
  /** the driver is idle: the last run ended (or never started) */
  | { readonly type: 'idle' };

export interface TrainingDriver {
  /** starts a run; the driver must be idle (the watcher stops the previous run first) */
  start(request: RunRequest): void;
  /** ends the current run with this status; resolves once the driver is idle */
  stop(status: EndStatus): Promise<void>;
  /** stops (as 'stopped') and releases the worker or TensorFlow.js memory */
  close(): Promise<void>;
}

export interface DriverOptions {
  readonly projectDir: string;
  /** TensorFlow.js backend name; default: the first that starts */
  readonly backend?: string;
  readonly onEvent: (event: DriverEvent) => void;
}

export type DriverFactory = (options: DriverOptions) => TrainingDriver;
