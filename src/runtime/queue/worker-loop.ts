// `nnc worker`: takes queued jobs one at a time and trains each with the
// same run session as `nnc train` (in this process, TensorFlow.js loaded
// once), into the shared store: the run, its metrics, logs and checkpoints,
// its lease (leases.ts) renewed while it trains, and the sweep trial it
// belongs to. A retried job (its first worker died or was stopped) continues
// the trial's stopped or interrupted run from its last checkpoint when it
// saved one. An abort (SIGTERM) takes no further job, stops the current run
// after its batch with its checkpoints, and hands the job back to the queue.
import type { Tf } from '../backend/index.js';
import { createSessionContext, loadResume, releaseSession, runSession } from '../session/run-session.js';
import type { ResumeFrom, SessionEvent } from '../session/types.js';
import type { RunRecord, RunStore } from '../store/types.js';
import { rankSweep } from '../sweep/run-sweep.js';
import type { SweepWriter, TrialRecord, TrialStatus } from '../sweep/sweep-store.js';
import { fetchDatasets } from './dataset-blobs.js';
import type { JobOutput, JobQueue, QueuedJob, TrialJob } from './jobs.js';
import { liveLease, reapExpiredLeases, releaseLease, renewLease, takeLease, type Lease } from './leases.js';
import type { Queryable } from './sql.js';

/** The shared store as the worker uses it (cli/commands/worker.ts opens it). */
export interface WorkerStores {
  /** the run store of the job's project */
  runStore(job: TrialJob): RunStore;
  /** the sweep tables, for a sweep's trial */
  sweeps(job: TrialJob): WorkerSweeps;
  /** marks a run whose lease expired as interrupted, with a log line; false when it was no longer running */
  interrupt(lease: Lease): Promise<boolean>;
  close(): void;
}

export interface WorkerSweeps {
  readonly writer: SweepWriter;
  trials(sweepId: string): TrialRecord[];
  sweepStatus(sweepId: string): string | null;
}

export interface WorkerOptions {
  readonly name: string;
  readonly tf: Tf;
  readonly backend: string;
  readonly queue: JobQueue;
  readonly db: Queryable;
  readonly stores: WorkerStores;
  /** aborted on SIGTERM: no new job, the current run stops after its batch */
  readonly signal: AbortSignal;
  /** the folder the session treats as its project (a worker needs no checkout: an empty temporary folder) */
  readonly workDir: string;
  readonly log: (line: string) => void;
  /** idle wait between fetches (ms) */
  readonly pollMs?: number;
  /** lease length (ms); renewed every quarter of it */
  readonly leaseMs?: number;
  /** stop after this many jobs (tests) */
  readonly maxJobs?: number;
  /** an error as a sentence without credentials */
  readonly describeError?: (error: unknown) => string;
}

const RETRY_MS = 5000;

export interface WorkerSummary {
  readonly jobs: number;
  readonly completed: number;
  readonly failed: number;
  readonly stopped: number;
}

const TERMINAL: readonly TrialStatus[] = ['completed', 'failed', 'pruned', 'stopped'];

/** NNC_QUEUE_LEASE_SECONDS (default 60): how long a silent worker's run stays 'running'. */
export function leaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.NNC_QUEUE_LEASE_SECONDS);
  return env.NNC_QUEUE_LEASE_SECONDS !== undefined && Number.isFinite(n) && n >= 1 ? n * 1000 : 60_000;
}

export function describeJob(job: QueuedJob): string {
  const d = job.data;
  const what = d.sweep ? `trial ${d.sweep.trial} of sweep ${d.sweep.id} '${d.sweep.name}'` : `'nnc train' of plan ${d.plan.hash.slice(0, 8)}`;
  return `job ${job.id} (${what}, project '${d.project.name}', attempt ${job.retryCount + 1} of ${job.retryLimit + 1})`;
}

export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { queue, db, stores, signal, log } = options;
  const pollMs = options.pollMs ?? 1000;
  const ttl = options.leaseMs ?? leaseMs();
  const summary = { jobs: 0, completed: 0, failed: 0, stopped: 0 };

  const reap = async () => {
    const reaped = await reapExpiredLeases(db, async (lease) => {
      if (await stores.interrupt(lease)) log(`Run ${lease.runId} of project '${lease.project}' (job ${lease.jobId}) lost its worker '${lease.worker}': its lease expired, so it is marked interrupted.`);
    });
    return reaped.length;
  };

  while (!signal.aborted && (options.maxJobs === undefined || summary.jobs < options.maxJobs)) {
    let job: QueuedJob | null;
    try {
      await reap();
      job = await queue.fetch();
    } catch (error) {
      // the store went away (restart, network): keep asking, as pg-boss's own workers do
      log(`warning: the store did not answer (${options.describeError?.(error) ?? (error as Error).message}); asking again in ${RETRY_MS / 1000} s.`);
      await sleep(RETRY_MS, signal);
      continue;
    }
    if (!job) {
      await sleep(pollMs, signal);
      continue;
    }
    summary.jobs++;
    let output: JobOutput;
    try {
      output = await runJob(job);
    } catch (error) {
      // the store failed under the job: it goes back to the queue for another try
      const message = options.describeError?.(error) ?? (error as Error).message;
      log(`Job ${job.id} could not be finished here: ${message}. It goes back to the queue.`);
      output = await fail(job, { worker: options.name, status: 'failed', runId: null, error: message });
    }
    if (output.status === 'completed') summary.completed++;
    else if (output.status === 'failed') summary.failed++;
    else summary.stopped++;
  }
  return summary;

  async function runJob(job: QueuedJob): Promise<JobOutput> {
    const d = job.data;
    if (d?.version !== 1) {
      // written by another nnc version: no retry trains it any better
      const error = `job ${job.id} has format version ${String(d?.version)}, and this nnc reads version 1; run the nnc that enqueued it, or enqueue it again with this one`;
      log(`Job ${job.id} is not for this worker: ${error}.`);
      return complete(job, { worker: options.name, status: 'failed', runId: null, error });
    }
    log(`Took ${describeJob(job)}.`);
    const base = { worker: options.name };
    // the job expired while its first worker still trains it (a lease renewed): wait for that run, do not train twice
    for (let lease = await liveLease(db, d.trialKey); lease && !signal.aborted; lease = await liveLease(db, d.trialKey)) {
      if (lease.worker === options.name) break;
      log(`Trial ${d.trialKey} is still trained by worker '${lease.worker}' (run ${lease.runId}); waiting for it.`);
      await sleep(Math.max(500, Math.min(5000, lease.expiresAt - Date.now())), signal);
      await reap();
    }
    let store: RunStore;
    try {
      store = stores.runStore(d);
    } catch (error) {
      return fail(job, { ...base, status: 'failed', runId: null, error: (error as Error).message });
    }
    const previous = trialRuns(store, d.trialKey);
    const done = previous.find((r) => r.status === 'completed');
    if (done) {
      log(`Trial ${d.trialKey} already finished as run ${done.id}; job ${job.id} is complete.`);
      await settleTrial(d, 'completed', done);
      return complete(job, { ...base, status: 'completed', runId: done.id });
    }
    if (signal.aborted) return fail(job, { ...base, status: 'stopped', runId: null, error: 'the worker stopped before the job started' });

    let data;
    try {
      data = await fetchDatasets(db, d.datasets);
    } catch (error) {
      log(`Job ${job.id} failed: ${(error as Error).message}`);
      return fail(job, { ...base, status: 'failed', runId: null, error: (error as Error).message });
    }
    // a retried trial continues its stopped or interrupted run from its last checkpoint
    let resume: ResumeFrom | undefined;
    const last = previous[0];
    if (last && (last.status === 'stopped' || last.status === 'interrupted')) {
      const loaded = await loadResume(store, last.id).catch((error: Error) => error.message);
      if (typeof loaded === 'string') log(`Run ${last.id} of trial ${d.trialKey} cannot be continued (${loaded}); training the trial from the start.`);
      else resume = loaded;
    }

    const queueInfo = { job: job.id, queue: job.queue, trial: d.trialKey, attempt: job.retryCount + 1, worker: options.name };
    const tagged: RunStore = Object.assign(Object.create(store) as RunStore, {
      createRun: (run: Parameters<RunStore['createRun']>[0]) =>
        store.createRun({ ...run, gitCommit: d.git.commit, gitDirty: d.git.dirty, info: { ...run.info, source: d.source, queue: queueInfo, ...(d.sweep ? { sweep: { id: d.sweep.id, trial: d.sweep.trial, params: d.sweep.values } } : {}) } }),
    });
    const sweeps = d.sweep ? stores.sweeps(d) : null;
    const trial = new AbortController();
    const onAbort = () => trial.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let runId: string | null = null;
    let ended: RunRecord | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    let beating: Promise<unknown> = Promise.resolve();
    let best: number | null = null;
    const ctx = createSessionContext({ tf: options.tf, backend: options.backend, store: tagged, projectDir: options.workDir });
    try {
      await runSession(
        ctx,
        { plan: d.plan, data, parentId: resume?.runId ?? null, source: d.source, ...(d.epochs ? { epochs: d.epochs } : {}), ...(resume ? { resume } : {}) },
        {
          signal: trial.signal,
          stopStatus: () => 'stopped',
          post: (event: SessionEvent) => {
            if (event.type === 'run_started') {
              runId = event.run.id;
              const id = runId;
              log(`Job ${job.id}: run ${id} started${resume ? ` (continuing run ${resume.runId} after epoch ${resume.state.epoch})` : ''}.`);
              beating = takeLease(db, { runId: id, trialKey: d.trialKey, jobId: job.id, worker: options.name, project: d.project.name }, ttl).catch((error: Error) => log(`warning: could not take the lease of run ${id}: ${error.message}`));
              heartbeat = setInterval(() => {
                beating = beating.then(() => renewLease(db, id, ttl)).then(
                  (held) => void (held || log(`warning: the lease of run ${id} was taken as expired; another worker may retry job ${job.id}.`)),
                  (error: Error) => log(`warning: could not renew the lease of run ${id}: ${error.message}`),
                );
              }, Math.max(250, ttl / 4));
              if (d.sweep && sweeps) {
                sweeps.writer.tagRun(id, d.sweep.id, d.sweep.trial);
                sweeps.writer.updateTrial(d.sweep.id, d.sweep.trial, { status: 'running', runId: id });
              }
            } else if (event.type === 'epoch') {
              log(`Job ${job.id}: run ${event.runId} epoch ${event.summary.epoch}: loss ${fmt(event.summary.metrics.loss)}.`);
              if (d.sweep && sweeps) {
                const value = event.summary.metrics[d.sweep.metric];
                if (value !== undefined && Number.isFinite(value)) {
                  best = best === null ? value : d.sweep.mode === 'max' ? Math.max(best, value) : Math.min(best, value);
                }
                sweeps.writer.updateTrial(d.sweep.id, d.sweep.trial, { epochs: event.summary.epoch, value: best });
              }
            } else if (event.type === 'log' && event.log.level === 'error') {
              log(`Job ${job.id}: ${event.log.message}`);
            } else if (event.type === 'run_ended') {
              ended = event.run;
            }
          },
        },
      );
    } catch (error) {
      log(`Job ${job.id} failed: ${(error as Error).message}`);
      return fail(job, { ...base, status: 'failed', runId, error: (error as Error).message });
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (heartbeat) clearInterval(heartbeat);
      await beating;
      if (runId) await releaseLease(db, runId).catch(() => {});
      releaseSession(ctx);
      store.flush();
    }
    const run = ended as RunRecord | null;
    if (!run) return fail(job, { ...base, status: 'stopped', runId: null, error: 'the worker stopped before the run started' });
    if (run.status === 'completed') {
      log(`Job ${job.id}: run ${run.id} completed.`);
      await settleTrial(d, 'completed', run);
      return complete(job, { ...base, status: 'completed', runId: run.id });
    }
    if (run.status === 'failed') {
      // a failed run fails the same way on any machine: the trial fails, the job is not retried
      const error = String(run.info.error ?? 'unknown error');
      log(`Job ${job.id}: run ${run.id} failed: ${error}`);
      await settleTrial(d, 'failed', run);
      return complete(job, { ...base, status: 'failed', runId: run.id, error });
    }
    // stopped by SIGTERM: back to the queue; the next worker continues from this run's last checkpoint
    log(`Job ${job.id}: run ${run.id} stopped with its checkpoints; the job goes back to the queue.`);
    if (d.sweep && sweeps) sweeps.writer.updateTrial(d.sweep.id, d.sweep.trial, { status: 'pending' });
    return fail(job, { ...base, status: 'stopped', runId: run.id });
  }

  async function complete(job: QueuedJob, output: JobOutput): Promise<JobOutput> {
    await options.queue.complete(job, output).catch((error: Error) => log(`warning: could not mark job ${job.id} complete: ${error.message}`));
    return output;
  }

  async function fail(job: QueuedJob, output: JobOutput): Promise<JobOutput> {
    await options.queue.fail(job, output).catch((error: Error) => log(`warning: could not hand job ${job.id} back: ${error.message}`));
    return output;
  }

  /** Marks the job's sweep trial, and ends the sweep once every trial has. */
  async function settleTrial(d: TrialJob, status: 'completed' | 'failed', run: RunRecord): Promise<void> {
    if (!d.sweep) return;
    const { writer, trials, sweepStatus } = stores.sweeps(d);
    // the trial's best across its runs: a retry that continued an interrupted run starts after its epochs
    const values = [run, ...trialRuns(stores.runStore(d), d.trialKey)].map((r) => r.best[d.sweep!.metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const value = values.length === 0 ? undefined : d.sweep.mode === 'max' ? Math.max(...values) : Math.min(...values);
    const epochs = typeof run.info.epochs === 'number' ? (run.info.epochs as number) : undefined;
    writer.updateTrial(d.sweep.id, d.sweep.trial, { status, runId: run.id, ...(value !== undefined ? { value } : {}), ...(epochs !== undefined ? { epochs } : {}) });
    endSweepIfDone(writer, trials(d.sweep.id), sweepStatus(d.sweep.id), d.sweep.id, d.sweep.mode);
  }
}

/** Ends a sweep whose trials all ended (whoever ends the last trial does it; ending twice is harmless). */
export function endSweepIfDone(writer: SweepWriter, trials: readonly TrialRecord[], status: string | null, sweepId: string, mode: 'min' | 'max'): boolean {
  if (status !== 'running' || trials.length === 0 || !trials.every((t) => TERMINAL.includes(t.status))) return false;
  const ranked = rankSweep(trials.map((t) => ({ ...t, trial: { index: t.trial } })), mode);
  const top = ranked[0];
  writer.endSweep(sweepId, 'completed', { best: top && top.value !== null ? { trial: top.trial.index, value: top.value, runId: top.runId } : null });
  return true;
}

/** The runs of one queued trial in a store, newest first. */
export function trialRuns(store: RunStore, trialKey: string): RunRecord[] {
  return store.listRuns({ limit: 500 }).filter((r) => (r.info.queue as { trial?: string } | undefined)?.trial === trialKey);
}

function fmt(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(4);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
