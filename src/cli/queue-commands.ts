// What `nnc train --queue` and `nnc sweep --queue` do once their project
// compiled: open the shared store (for the project's key in it, its
// diagnostics and the sweep record), store the datasets' samples, enqueue
// the jobs and say so; a sweep then waits for its trials unless --detach.
import type { CompiledSweep } from '../compiler/check-sweep.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import type { Plan } from '../compiler/plan.js';
import type { PlanData } from '../compiler/plan-data.js';
import type { RunStore } from '../runtime/store/types.js';
import { UserError } from './command.js';
import { printableError } from './queue-store.js';

/** The project's run store: PostgreSQL for a postgres:// URL (--store or NNC_STORE), else the project's SQLite file. */
export async function openProjectStore(dir: string, url: string | undefined, options: { readonly?: boolean } = {}): Promise<RunStore> {
  // the project's own store without the PostgreSQL store's modules (+50 ms of start-up, BENCHMARKS.md)
  if (!url && !process.env.NNC_STORE) return (await import('../runtime/store/store.js')).createRunStore(dir, options);
  const { openRunStore } = await import('../runtime/store/open-store.js');
  return openRunStore(dir, { ...options, ...(url ? { store: url } : {}) });
}

interface QueueSide {
  readonly db: import('../runtime/queue/sql.js').QueueDb;
  readonly queue: import('../runtime/queue/jobs.js').JobQueue;
  readonly store: import('../runtime/store/postgres/pg-store.js').SharedRunStore;
  close(): Promise<void>;
}

async function openQueueSide(dir: string, url: string, supervise: boolean): Promise<QueueSide> {
  const [{ openQueueDb }, { openJobQueue }, { openSharedStore, redactUrl }] = await Promise.all([
    import('../runtime/queue/sql.js'),
    import('../runtime/queue/jobs.js'),
    import('../runtime/store/open-store.js'),
  ]);
  // the store first: its errors (refused, wrong password) are StoreErrors with what to do
  const store = openSharedStore(dir, url);
  let db;
  try {
    db = await openQueueDb(url);
    const queue = await openJobQueue(url, { supervise, onError: (error) => process.stderr.write(`warning: the queue: ${printableError(error, url)}\n`) });
    const opened = db;
    return {
      db: opened,
      queue,
      store,
      async close() {
        await queue.stop().catch(() => {});
        await opened.close().catch(() => {});
        store.close();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    store.close();
    throw new UserError(`Cannot use the store '${redactUrl(url)}' for jobs: ${printableError(error, url)}`, 1);
  }
}

function retryLimit(value: unknown): number {
  if (value === undefined) return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new UserError(`'--retries' takes a whole number from 0 to 100, not '${String(value)}'.`);
  return n;
}

export interface TrainJobRequest {
  readonly dir: string;
  readonly url: string;
  readonly compiled: { readonly plan: Plan; readonly data: PlanData | null; readonly diagnostics: readonly Diagnostic[] };
  readonly epochs: number | undefined;
  readonly retries: unknown;
  readonly json: boolean;
  readonly say: (line: string) => void;
}

export async function enqueueTrainJob(request: TrainJobRequest): Promise<number> {
  const { plan, data } = request.compiled;
  const limit = retryLimit(request.retries);
  const { queueable, enqueueRun } = await import('../runtime/queue/enqueue.js');
  const refused = queueable(plan);
  if (refused) throw new UserError(refused, 1);
  if (!data) throw new UserError(`The plan compiled without its samples, so there is nothing to enqueue. Run 'nnc check' for what is wrong.`, 1);
  const side = await openQueueSide(request.dir, request.url, false);
  try {
    side.store.saveDiagnostics(request.compiled.diagnostics);
    const { gitState } = await import('../runtime/store/git.js');
    const sent = await enqueueRun({ db: side.db, queue: side.queue, project: { ...side.store.project, dir: request.dir }, git: gitState(request.dir), retryLimit: limit }, plan, data, request.epochs);
    const project = side.store.project.name;
    if (request.json) process.stdout.write(`${JSON.stringify({ job: sent.id, added: sent.added, queue: 'nnc-train', project, planHash: plan.hash, expireInSeconds: sent.expireInSeconds, store: side.store.url })}\n`);
    request.say(
      sent.added
        ? `Enqueued job ${sent.id} on 'nnc-train': project '${project}', plan ${plan.hash.slice(0, 8)}, ${request.epochs ?? plan.project.training.epochs} epochs (expires after ${sent.expireInSeconds} s without finishing; ${limit} retr${limit === 1 ? 'y' : 'ies'}). 'nnc worker --store …' trains it; 'nnc runs --store …' lists the run.`
        : `Job ${sent.id} already waits to train plan ${plan.hash.slice(0, 8)} of '${project}' for ${request.epochs ?? plan.project.training.epochs} epochs; nothing was added.`,
    );
    return 0;
  } finally {
    await side.close();
  }
}

export interface SweepJobRequest {
  readonly dir: string;
  readonly url: string;
  readonly sweep: CompiledSweep;
  readonly diagnostics: readonly Diagnostic[];
  readonly retries: unknown;
  readonly detach: boolean;
  readonly json: boolean;
  readonly say: (line: string) => void;
  /** ranks and prints the stored sweep when it ended (nnc sweep --show) */
  readonly show: (sweepId: string) => Promise<number>;
}

export async function enqueueSweepJobs(request: SweepJobRequest): Promise<number> {
  const { sweep, say } = request;
  const limit = retryLimit(request.retries);
  if (sweep.halving) throw new UserError(`Sweep '${sweep.name}' halves its trials, which needs one process to rank them between rungs; '--queue' runs sweeps without 'halving'. Run it here without '--queue', or remove 'halving'.`, 1);
  const [{ queueable, enqueueSweep, waitForSweep }, { sweepsOf, interruptRun }, { gitState }] = await Promise.all([
    import('../runtime/queue/enqueue.js'),
    import('../runtime/queue/shared-store.js'),
    import('../runtime/store/git.js'),
  ]);
  for (const trial of sweep.trials) {
    const refused = queueable(trial.plan);
    if (refused) throw new UserError(`Trial ${trial.index}: ${refused}`, 1);
  }
  const side = await openQueueSide(request.dir, request.url, !request.detach);
  let sweepId: string;
  try {
    side.store.saveDiagnostics(request.diagnostics);
    const sweeps = sweepsOf(side.store);
    const sent = await enqueueSweep({ db: side.db, queue: side.queue, project: { ...side.store.project, dir: request.dir }, git: gitState(request.dir), retryLimit: limit }, sweep, sweeps.writer);
    sweepId = sent.sweepId;
    say(`Sweep ${sweepId} '${sweep.name}': enqueued ${sent.jobs.length} trials on 'nnc-trial' in '${side.store.url}' (each expires after ${Math.max(...sent.jobs.map((j) => j.expireInSeconds))} s at most without finishing; ${limit} retr${limit === 1 ? 'y' : 'ies'}), ranked by ${sweep.metric} (${sweep.mode}).`);
    for (const job of sent.jobs) say(`  trial ${job.trial}: job ${job.id}${job.added ? '' : ' (already queued)'}`);
    if (request.detach) {
      if (request.json) process.stdout.write(`${JSON.stringify({ sweep: sweepId, jobs: sent.jobs.map((j) => ({ trial: j.trial, job: j.id, added: j.added })) }, null, 2)}\n`);
      say(`Detached: 'nnc worker --store …' trains the trials; 'nnc sweep --show ${sweepId} --store …' shows them.`);
      return 0;
    }
    say(`Waiting for workers ('nnc worker --store …'); Ctrl-C stops waiting and leaves the jobs queued.`);
    const controller = new AbortController();
    const onSignal = () => {
      controller.abort();
      say(`\nStopped waiting; the trials stay queued. 'nnc sweep --show ${sweepId} --store …' shows them.`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await waitForSweep({
        db: side.db,
        queue: side.queue,
        writer: sweeps.writer,
        sweepId,
        mode: sweep.mode,
        trials: () => sweeps.trials(sweepId),
        sweepStatus: () => sweeps.sweepStatus(sweepId),
        interrupt: (lease) => interruptRun(side.db, lease),
        signal: controller.signal,
        say,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (outcome === 'detached') return 0;
  } finally {
    await side.close();
  }
  return request.show(sweepId);
}
