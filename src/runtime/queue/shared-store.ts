// The shared PostgreSQL store as a worker and the enqueuing commands use it:
// a run store per project a job names (opened once, kept for the next job of
// that project), the sweep tables, and how a run whose lease expired is
// marked interrupted. A worker opens no project folder: its stores cache
// checkpoints under the folder it is given.
import type { Lease } from './leases.js';
import type { TrialJob } from './jobs.js';
import type { WorkerStores, WorkerSweeps } from './worker-loop.js';
import { openSharedStore, type SharedRunStore } from '../store/open-store.js';

export interface SharedStoreOptions {
  readonly url: string;
  /** the folder the stores treat as their project (an empty one for a worker) */
  readonly workDir: string;
  /** where run folders are cached (checkpoints fetched and written before upload) */
  readonly cacheDir: string;
  /** checkpoint files in this folder instead of the blobs table (`--artifacts`; default NNC_ARTIFACTS) */
  readonly artifacts?: string;
}

export function sharedStores(options: SharedStoreOptions): WorkerStores & { any(): SharedRunStore | null } {
  const stores = new Map<string, SharedRunStore>();
  let catalog: SharedRunStore | null = null;
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
    interrupt: (lease: Lease) => {
      // any open connection will do; before the first job, one that belongs to no project (and creates none)
      const store = [...stores.values()][0] ?? (catalog ??= openSharedStore(options.workDir, options.url, { readonly: true, project: { name: '', remote: '' }, cacheDir: options.cacheDir }));
      return interruptRun(store, lease);
    },
    any: () => [...stores.values()][0] ?? null,
    close() {
      for (const store of stores.values()) store.close();
      stores.clear();
      catalog?.close();
      catalog = null;
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

/** Marks a running run of any project interrupted, with a log line naming the worker that went silent. */
export function interruptRun(store: SharedRunStore, lease: Lease): boolean {
  const { client } = store;
  return client.transaction(() => {
    const marked = client.query(
      `UPDATE nnc.runs SET status = 'interrupted', ended_at = GREATEST(started_at, COALESCE((SELECT max(time) FROM nnc.logs WHERE run_id = $1), 0), $2) WHERE id = $1 AND status = 'running'`,
      [lease.runId, lease.heartbeatAt],
    );
    if (marked.rowCount === 0) return false;
    // its sweep trial waits for the retry
    client.query(`UPDATE nnc.sweep_trials SET status = 'pending' WHERE run_id = $1 AND status = 'running'`, [lease.runId]);
    client.query(
      `INSERT INTO nnc.logs (project_id, run_id, time, level, category, message, spam, count)
       SELECT project_id, id, $2, 'warning', 'system', $3, 0, 1 FROM nnc.runs WHERE id = $1`,
      [lease.runId, Date.now(), `Run '${lease.runId}' was trained by worker '${lease.worker}' for job ${lease.jobId}, which stopped renewing its lease; it is now marked interrupted, and the job is retried when it expires.`],
    );
    return true;
  });
}
