// The shared PostgreSQL store as a worker and the enqueuing commands use it:
// a run store per project a job names (opened once, kept for the next job of
// that project), the sweep tables, and how a run whose lease expired is
// marked interrupted. A worker opens no project folder: its stores cache
// checkpoints under the folder it is given.
import type { Lease } from './leases.js';
import type { Queryable } from './sql.js';
import type { TrialJob } from './jobs.js';
import type { WorkerStores, WorkerSweeps } from './worker-loop.js';
import { openSharedStore, type SharedRunStore } from '../store/open-store.js';

export interface SharedStoreOptions {
  readonly url: string;
  /** the folder the stores treat as their project (an empty one for a worker) */
  readonly workDir: string;
  /** where run folders are cached (checkpoints fetched and written before upload) */
  readonly cacheDir: string;
  /** the queue's own connection (leases, runs marked interrupted) */
  readonly db: Queryable;
  /** checkpoint files in this folder instead of the blobs table (`--artifacts`; default NNC_ARTIFACTS) */
  readonly artifacts?: string;
}

export function sharedStores(options: SharedStoreOptions): WorkerStores & { any(): SharedRunStore | null } {
  const stores = new Map<string, SharedRunStore>();
  const open = (project: TrialJob['project']): SharedRunStore => {
    const key = JSON.stringify([project.name, project.remote]);
    let store = stores.get(key);
    if (!store) {
      // the enqueuing folder's path as the project's folder (the store records it; nothing is read there):
      // the worker's temporary folder is no place to name; its run folders go to cacheDir
      store = openSharedStore(project.dir || options.workDir, options.url, {
        project: { name: project.name, remote: project.remote },
        cacheDir: options.cacheDir,
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
      });
      stores.set(key, store);
    }
    return store;
  };
  return {
    runStore: (job: TrialJob) => open(job.project),
    sweeps: (job: TrialJob) => sweepsOf(open(job.project)),
    interrupt: (lease: Lease) => interruptRun(options.db, lease),
    any: () => [...stores.values()][0] ?? null,
    close() {
      for (const store of stores.values()) store.close();
      stores.clear();
    },
  };
}

export function sweepsOf(store: SharedRunStore): WorkerSweeps {
  const writer = store.sweeps.writer();
  return {
    writer,
    trials: (sweepId) => store.sweeps.reader().trials(sweepId),
    sweepStatus: (sweepId) => {
      const found = store.sweeps.reader().findSweep(sweepId);
      return typeof found === 'string' ? null : found.status;
    },
  };
}

/**
 * Marks a running run of any project interrupted, with a log line naming the
 * worker that went silent, and puts its sweep trial back to pending; false
 * when the run is not running (or the store holds no runs at all).
 */
export async function interruptRun(db: Queryable, lease: Lease): Promise<boolean> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('nnc.runs')::text AS t");
  if (!exists.rows[0]?.t) return false;
  const message = `Run '${lease.runId}' was trained by worker '${lease.worker}' for job ${lease.jobId}, which stopped renewing its lease; it is now marked interrupted, and the job is retried when it expires.`;
  const result = await db.query(
    `WITH marked AS (
       UPDATE nnc.runs SET status = 'interrupted', ended_at = GREATEST(started_at, COALESCE((SELECT max(time) FROM nnc.logs WHERE run_id = $1), 0), $2)
       WHERE id = $1 AND status = 'running' RETURNING id, project_id
     ), logged AS (
       INSERT INTO nnc.logs (project_id, run_id, time, level, category, message, spam, count)
       SELECT project_id, id, $3, 'warning', 'system', $4, 0, 1 FROM marked RETURNING run_id
     ), pending AS (
       UPDATE nnc.sweep_trials SET status = 'pending' WHERE run_id IN (SELECT id FROM marked) AND status = 'running' RETURNING run_id
     )
     SELECT (SELECT count(*) FROM marked)::int AS n, (SELECT count(*) FROM logged)::int AS l, (SELECT count(*) FROM pending)::int AS p`,
    [lease.runId, lease.heartbeatAt, Date.now(), message],
  );
  return (result.rows[0] as { n: number }).n > 0;
}
