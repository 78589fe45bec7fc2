// Training jobs on pg-boss (a maintained job queue on PostgreSQL: retries,
// expiry, SKIP LOCKED fetches). Two queues: `nnc-trial` for the trials of a
// sweep (a job's id is derived from its sweep and trial, so enqueuing a trial
// twice adds nothing) and `nnc-train` for `nnc train --queue` (policy
// 'stately': while a job of the same plan and epochs waits, another is not
// added). A job carries the compiled plan and its datasets' content hashes
// (dataset-blobs.ts); a worker needs nothing else. A job whose worker died
// expires after its expireInSeconds and pg-boss retries it, up to its retry
// limit, on whichever worker fetches it next.
import { createHash } from 'node:crypto';
import type { Plan } from '../../compiler/plan.js';
import type { DatasetRef } from './dataset-blobs.js';

export const TRIAL_QUEUE = 'nnc-trial';
export const TRAIN_QUEUE = 'nnc-train';
export const QUEUES = [TRIAL_QUEUE, TRAIN_QUEUE] as const;
export type QueueName = (typeof QUEUES)[number];

export interface TrialJob {
  readonly version: 1;
  /** sweep: `<sweep id>:<trial>`; train: `train:<plan hash>:<epochs>` */
  readonly trialKey: string;
  readonly source: 'train' | 'sweep';
  /** the store's project key (the Project document's name and the git remote, '' outside git) and the folder it was enqueued from */
  readonly project: { readonly name: string; readonly remote: string; readonly dir: string };
  readonly plan: Plan;
  readonly datasets: readonly DatasetRef[];
  /** overrides the plan's training.epochs */
  readonly epochs?: number;
  /** the enqueuing checkout's git state, recorded with the run */
  readonly git: { readonly commit: string | null; readonly dirty: boolean };
  readonly sweep?: { readonly id: string; readonly name: string; readonly trial: number; readonly values: Readonly<Record<string, unknown>>; readonly metric: string; readonly mode: 'min' | 'max' };
  readonly enqueuedAt: number;
}

/** What a finished job's output says (pg-boss stores it with the job). */
export interface JobOutput {
  readonly status: 'completed' | 'failed' | 'stopped' | 'superseded';
  readonly runId: string | null;
  readonly worker: string;
  readonly error?: string;
}

export interface QueuedJob {
  readonly id: string;
  readonly queue: QueueName;
  readonly data: TrialJob;
  /** 0 the first time; 1 after one retry */
  readonly retryCount: number;
  readonly retryLimit: number;
  readonly expireInSeconds: number;
}

export interface JobState {
  readonly id: string;
  readonly state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  readonly retryCount: number;
  readonly output: unknown;
}

/** A uuid named by the trial (sha256, shaped as a version-8 uuid): the same trial is the same job. */
export function jobIdFor(trialKey: string): string {
  const h = createHash('sha256').update(`nnc job ${trialKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const MAX_EXPIRY_SECONDS = 23 * 3600;

/**
 * How long a job may stay active before pg-boss takes it for dead: a budget
 * per epoch (a minute, or one second per 20 training samples when that is
 * more), at least 10 minutes, at most 23 hours (pg-boss's limit is 24).
 * NNC_QUEUE_EXPIRE_SECONDS sets it outright (tests use a few seconds). A
 * worker that outlives it is not trained over: the retry waits while the
 * first worker's lease is renewed (worker-loop.ts).
 */
export function expirySeconds(plan: Plan, epochs: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.NNC_QUEUE_EXPIRE_SECONDS);
  if (env.NNC_QUEUE_EXPIRE_SECONDS !== undefined && Number.isInteger(forced) && forced >= 1) return Math.min(forced, MAX_EXPIRY_SECONDS);
  const train = plan.datasets.reduce((n, d) => n + (d.split?.train ?? d.count), 0);
  const perEpoch = Math.max(60, Math.ceil(train / 20));
  return Math.min(MAX_EXPIRY_SECONDS, Math.max(600, (epochs ?? plan.project.training.epochs) * perEpoch));
}

/** How often pg-boss's maintenance expires jobs (NNC_QUEUE_MAINTENANCE_SECONDS, default 30). */
export function maintenanceSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.NNC_QUEUE_MAINTENANCE_SECONDS);
  return env.NNC_QUEUE_MAINTENANCE_SECONDS !== undefined && Number.isInteger(n) && n >= 1 ? n : 30;
}

export interface EnqueueOptions {
  readonly retryLimit: number;
  readonly expireInSeconds: number;
}

export interface JobQueue {
  /** the job's id, and whether it was added (false: the same trial was queued already) */
  enqueue(job: TrialJob, options: EnqueueOptions): Promise<{ id: string; added: boolean }>;
  /** the next job of either queue, or null */
  fetch(): Promise<QueuedJob | null>;
  complete(job: QueuedJob, output: JobOutput): Promise<void>;
  /** a failed job is retried while its retry limit allows */
  fail(job: QueuedJob, output: JobOutput): Promise<void>;
  states(queue: QueueName, ids: readonly string[]): Promise<JobState[]>;
  stop(): Promise<void>;
}

export interface QueueOptions {
  /** run pg-boss's maintenance (expiry) in this process; default true */
  readonly supervise?: boolean;
  readonly onError?: (error: Error) => void;
}

export async function openJobQueue(url: string, options: QueueOptions = {}): Promise<JobQueue> {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    connectionString: url,
    application_name: 'nnc queue',
    max: 3,
    supervise: options.supervise ?? true,
    maintenanceIntervalSeconds: maintenanceSeconds(),
    // nnc waits on sweeps itself; pg-boss's queue-size events are not used
    schedule: false,
  });
  boss.on('error', (error) => options.onError?.(error));
  await boss.start();
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  if (!existing.has(TRIAL_QUEUE)) await boss.createQueue(TRIAL_QUEUE, { name: TRIAL_QUEUE, policy: 'standard' }).catch(ignoreExists);
  if (!existing.has(TRAIN_QUEUE)) await boss.createQueue(TRAIN_QUEUE, { name: TRAIN_QUEUE, policy: 'stately' }).catch(ignoreExists);
  const db = boss.getDb();
  let next = 0;

  return {
    async enqueue(job, { retryLimit, expireInSeconds }) {
      const queue: QueueName = job.source === 'sweep' ? TRIAL_QUEUE : TRAIN_QUEUE;
      const id = queue === TRIAL_QUEUE ? jobIdFor(job.trialKey) : undefined;
      const sent = await boss.send(queue, job as unknown as object, {
        ...(id ? { id } : {}),
        singletonKey: job.trialKey,
        retryLimit,
        retryDelay: 0,
        expireInSeconds,
      });
      if (sent) return { id: sent, added: true };
      if (id) return { id, added: false };
      // stately: the job already waiting for this key
      const found = await db.executeSql(`SELECT id FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' ORDER BY created_on DESC LIMIT 1`, [queue, job.trialKey]);
      return { id: String(found.rows[0]?.id ?? ''), added: false };
    },
    async fetch() {
      // the two queues in turn, so neither starves the other
      for (let i = 0; i < QUEUES.length; i++) {
        const queue = QUEUES[(next + i) % QUEUES.length]!;
        const [job] = await boss.fetch<TrialJob>(queue, { includeMetadata: true, batchSize: 1 });
        if (job) {
          next = (next + i + 1) % QUEUES.length;
          return { id: job.id, queue, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit, expireInSeconds: Number(job.expireInSeconds ?? 0) };
        }
      }
      return null;
    },
    async complete(job, output) {
      await boss.complete(job.queue, job.id, output as unknown as object);
    },
    async fail(job, output) {
      await boss.fail(job.queue, job.id, output as unknown as object);
    },
    async states(queue, ids) {
      if (ids.length === 0) return [];
      const result = await db.executeSql(
        `SELECT id::text AS id, state::text AS state, retry_count AS "retryCount", output FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[])
         UNION ALL SELECT id::text, state::text, retry_count, output FROM pgboss.archive WHERE name = $1 AND id = ANY($2::uuid[])`,
        [queue, ids],
      );
      return result.rows as JobState[];
    },
    async stop() {
      await boss.stop({ graceful: false, close: true, wait: true, timeout: 5000 });
    },
  };
}

function ignoreExists(error: Error): void {
  if (!/already exists|duplicate key/i.test(error.message)) throw error;
}
