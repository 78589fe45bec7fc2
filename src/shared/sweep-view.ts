// The viewer's view of sweeps (GET /api/sweeps, /api/sweeps/{id}). Imports
// nothing, like protocol.ts: the server builds these, the viewer reads them.

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
