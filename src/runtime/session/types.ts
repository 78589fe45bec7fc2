// What a training session takes and what it reports. A session is one run
// (run-session.ts); its host (host.ts) runs sessions one at a time for a
// training worker or the in-process driver. `nnc train` runs a session
// directly; `nnc watch` and `nnc sweep` through a driver (watch/driver.ts),
// whose messages these are (structured clone: plain data and typed arrays).
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { WarmStartView } from '../../shared/protocol.js';
import type { LogEntry, RunRecord, Snapshot } from '../store/types.js';
import type { EpochSummary, TrainingState, TrainStats } from '../train/types.js';

/** How a stop request ends a run: 'superseded' when a newer plan replaces it, 'stopped' otherwise. */
export type EndStatus = 'superseded' | 'stopped';

/** What `nnc train --resume` (and a sweep's next segment) hands the session: the stopped run and its saved state (see loadResume). */
export interface ResumeFrom {
  readonly runId: string;
  readonly state: TrainingState;
}

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
  /** continue this stopped run from its last checkpoint (its parentId names it too) */
  readonly resume?: ResumeFrom;
}

/** What one run reports, in order: run_started, then stats, logs, snapshots and epochs, then run_ended. */
export type SessionEvent =
  | { readonly type: 'run_started'; readonly run: RunRecord; readonly warmStart: WarmStartView | null }
  | { readonly type: 'stats'; readonly runId: string; readonly stats: TrainStats }
  | { readonly type: 'log'; readonly runId: string | null; readonly log: LogEntry }
  | { readonly type: 'snapshot'; readonly runId: string; readonly snapshot: Snapshot }
  | { readonly type: 'epoch'; readonly runId: string; readonly summary: EpochSummary }
  | { readonly type: 'run_ended'; readonly run: RunRecord };

/** What a session host reports: its sessions' events, and its own state. */
export type HostEvent =
  | SessionEvent
  | { readonly type: 'ready'; readonly backend: string; readonly notes: readonly string[] }
  /** a run could not start or failed before it had a record */
  | { readonly type: 'error'; readonly message: string }
  /** the host is idle: the last run ended (or never started) */
  | { readonly type: 'idle' };
