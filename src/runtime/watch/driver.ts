// A training driver runs one project's runs, one at a time, and reports what
// happens. The watcher and nnc sweep use the worker driver (worker-driver.ts:
// a worker thread per project or trial); tests and `--no-worker` use the
// in-process one (inline-driver.ts). Both wrap a session host
// (session/host.ts) and speak its events, which are also the messages
// between the main thread and a training worker (structured clone).
import type { EndStatus, HostEvent, RunRequest } from '../session/types.js';

export type { EndStatus, RunRequest } from '../session/types.js';

/** main thread -> worker */
export type DriverCommand =
  | { readonly type: 'start'; readonly request: RunRequest }
  | { readonly type: 'stop'; readonly status: EndStatus }
  | { readonly type: 'close' };

/** worker -> main thread, and the inline driver's events: the session host's (session/types.ts) */
export type DriverEvent = HostEvent;

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
