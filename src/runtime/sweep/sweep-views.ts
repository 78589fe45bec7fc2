// GET /api/sweeps and /api/sweeps/{id}: the stored sweeps of a project as the
// viewer shows them, read with a short-lived read-only connection.
import type { SweepDetailView, SweepSummaryView, SweepTrialView } from '../../shared/protocol.js';
import { rankSweep } from './run-sweep.js';
import { readSweeps, type SweepRecord, type TrialRecord } from './sweep-store.js';

export function sweepSummary(sweep: SweepRecord): SweepSummaryView {
  const info = sweep.info as { parameters?: string[]; trials?: number; halving?: SweepSummaryView['halving']; best?: SweepSummaryView['best'] };
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    createdAt: sweep.createdAt,
    endedAt: sweep.endedAt,
    method: sweep.method,
    metric: sweep.metric,
    mode: sweep.mode,
    parallel: sweep.parallel,
    parameters: info.parameters ?? [],
    trials: info.trials ?? 0,
    halving: info.halving ?? null,
    best: info.best ?? null,
  };
}

export function trialViews(sweep: SweepRecord, trials: readonly TrialRecord[]): SweepTrialView[] {
  const ranked = rankSweep(trials.map((t) => ({ ...t, trial: { index: t.trial } })), sweep.mode);
  return ranked.map((t, i) => ({ rank: i + 1, trial: t.trial.index, status: t.status, params: t.params, value: t.value, epochs: t.epochs, runId: t.runId, stoppedAt: t.stoppedAt }));
}

export function listSweepViews(projectDir: string): SweepSummaryView[] {
  return readSweeps(projectDir, (reader) => reader.listSweeps().map(sweepSummary));
}

/** A sweep by id (or a unique start of one): its summary and ranked trials, or null. */
export function sweepDetail(projectDir: string, id: string): SweepDetailView | null {
  return readSweeps(projectDir, (reader) => {
    const sweep = reader.findSweep(id);
    if (typeof sweep === 'string' || !sweep.id.startsWith(id)) return null;
    return { sweep: sweepSummary(sweep), trials: trialViews(sweep, reader.trials(sweep.id)) };
  });
}
