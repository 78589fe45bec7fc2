// The enqueuing side of `nnc train --queue` and `nnc sweep --queue`: each
// plan's datasets into the store once per content hash, then a job per run
// or trial; for a sweep, waiting while workers train it, with its trials'
// progress read from the store, and leases that ran out reaped on the way.
import type { CompiledSweep } from '../../compiler/check-sweep.js';
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { SweepWriter, TrialRecord, TrialStatus } from '../sweep/sweep-store.js';
import { putDatasets } from './dataset-blobs.js';
import { expirySeconds, jobIdFor, TRIAL_QUEUE, type JobQueue, type JobState, type TrialJob } from './jobs.js';
import { reapExpiredLeases, type Lease } from './leases.js';
import type { Queryable } from './sql.js';
import { endSweepIfDone } from './worker-loop.js';

export interface EnqueueContext {
  readonly db: Queryable;
  readonly queue: JobQueue;
  readonly project: TrialJob['project'];
  readonly git: { readonly commit: string | null; readonly dirty: boolean };
  readonly retryLimit: number;
}

export interface Enqueued {
  readonly id: string;
  readonly added: boolean;
  readonly expireInSeconds: number;
  readonly datasetsAdded: number;
}

/** Refuses what a worker without the project folder cannot train, with what to do instead. */
export function queueable(plan: Plan): string | null {
  if (plan.plugins?.length) return `The plan uses plugins (${plan.plugins.map((p) => `'${p.name}'`).join(', ')}), whose code a worker on another machine does not have. Train it here without '--queue'.`;
  if (plan.project.training.init !== undefined) return `The plan starts from a checkpoint file (training.init), which a worker on another machine does not have. Train it here without '--queue'.`;
  return null;
}

export async function enqueueRun(ctx: EnqueueContext, plan: Plan, data: PlanData, epochs: number | undefined): Promise<Enqueued> {
  const { refs, added } = await putDatasets(ctx.db, data);
  const job: TrialJob = {
    version: 1,
    trialKey: `train:${plan.hash}:${epochs ?? plan.project.training.epochs}`,
    source: 'train',
    project: ctx.project,
    plan,
    datasets: refs,
    ...(epochs !== undefined ? { epochs } : {}),
    git: ctx.git,
    enqueuedAt: Date.now(),
  };
  const expireInSeconds = expirySeconds(plan, epochs);
  const sent = await ctx.queue.enqueue(job, { retryLimit: ctx.retryLimit, expireInSeconds });
  return { ...sent, expireInSeconds, datasetsAdded: added };
}

/** Records the sweep in the store and enqueues a job per trial (halving sweeps are refused by the caller). */
export async function enqueueSweep(ctx: EnqueueContext, sweep: CompiledSweep, writer: SweepWriter): Promise<{ sweepId: string; jobs: Array<Enqueued & { trial: number }> }> {
  const record = writer.createSweep({
    name: sweep.name,
    method: sweep.method,
    metric: sweep.metric,
    mode: sweep.mode,
    // trained by however many workers take its jobs
    parallel: 0,
    spec: sweep.spec,
    info: { parameters: sweep.parameters, halving: sweep.halving, trials: sweep.trials.length, file: sweep.file, seed: sweep.seed, queue: TRIAL_QUEUE },
    trials: sweep.trials.map((t) => ({ trial: t.index, params: { ...t.values }, planHash: t.plan.hash })),
  });
  const jobs: Array<Enqueued & { trial: number }> = [];
  for (const trial of sweep.trials) {
    if (!trial.data) throw new Error(`Trial ${trial.index} compiled without its samples.`);
    const { refs, added } = await putDatasets(ctx.db, trial.data);
    const job: TrialJob = {
      version: 1,
      trialKey: `${record.id}:${trial.index}`,
      source: 'sweep',
      project: ctx.project,
      plan: trial.plan,
      datasets: refs,
      git: ctx.git,
      sweep: { id: record.id, name: sweep.name, trial: trial.index, values: { ...trial.values }, metric: sweep.metric, mode: sweep.mode },
      enqueuedAt: Date.now(),
    };
    const expireInSeconds = expirySeconds(trial.plan, undefined);
    const sent = await ctx.queue.enqueue(job, { retryLimit: ctx.retryLimit, expireInSeconds });
    jobs.push({ ...sent, expireInSeconds, datasetsAdded: added, trial: trial.index });
  }
  return { sweepId: record.id, jobs };
}

export interface SweepWatch {
  readonly db: Queryable;
  readonly queue: JobQueue;
  readonly writer: SweepWriter;
  readonly sweepId: string;
  readonly mode: 'min' | 'max';
  readonly trials: () => TrialRecord[];
  readonly sweepStatus: () => string | null;
  readonly interrupt: (lease: Lease) => Promise<boolean>;
  readonly signal: AbortSignal;
  readonly say: (line: string) => void;
  readonly pollMs?: number;
}

const DONE: readonly TrialStatus[] = ['completed', 'failed', 'pruned', 'stopped'];

/**
 * Waits until every trial has ended (or the signal aborts: the jobs stay
 * queued), printing each trial's changes. A trial whose job failed for good
 * (its retries used up) is marked failed, so the sweep still ends.
 */
export async function waitForSweep(watch: SweepWatch): Promise<'completed' | 'detached'> {
  const seen = new Map<number, string>();
  const pollMs = watch.pollMs ?? 1000;
  while (!watch.signal.aborted) {
    await reapExpiredLeases(watch.db, async (lease) => {
      if (await watch.interrupt(lease)) watch.say(`run ${lease.runId} lost its worker '${lease.worker}' (lease expired): marked interrupted; its job is retried when it expires.`);
    });
    const trials = watch.trials();
    const states = await watch.queue.states(TRIAL_QUEUE, trials.map((t) => jobIdFor(`${watch.sweepId}:${t.trial}`)));
    const byId = new Map<string, JobState>(states.map((s) => [s.id, s]));
    for (const t of trials) {
      const job = byId.get(jobIdFor(`${watch.sweepId}:${t.trial}`));
      const refused = job?.state === 'completed' && (job.output as { status?: string } | null)?.status === 'failed';
      if (!DONE.includes(t.status) && (job?.state === 'failed' || refused)) {
        const error = (job.output as { error?: string; value?: { message?: string } } | null)?.error ?? (job.output as { value?: { message?: string } } | null)?.value?.message ?? 'its job failed';
        watch.writer.updateTrial(watch.sweepId, t.trial, { status: 'failed' });
        watch.say(refused ? `trial ${t.trial}: its job ended untrained (${error}); the trial is marked failed.` : `trial ${t.trial}: its job failed ${job!.retryCount + 1} times (${error}); the trial is marked failed.`);
      }
      const line = `${t.status}${t.runId ? ` run ${t.runId}` : ''}${t.epochs ? ` epoch ${t.epochs}` : ''}${job && job.retryCount > 0 ? ` (retry ${job.retryCount})` : ''}`;
      if (seen.get(t.trial) !== line) {
        seen.set(t.trial, line);
        watch.say(`trial ${t.trial}/${trials.length} ${line}${t.value !== null ? `: value ${t.value.toPrecision(4)}` : ''}`);
      }
    }
    const fresh = watch.trials();
    endSweepIfDone(watch.writer, fresh, watch.sweepStatus(), watch.sweepId, watch.mode);
    if (fresh.length > 0 && fresh.every((t) => DONE.includes(t.status))) return 'completed';
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return 'detached';
}
