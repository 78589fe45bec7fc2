// The worker loop in this process against a real PostgreSQL server, on the
// paths a job takes when pg-boss hands it out while its trial is, or was,
// trained elsewhere: a job whose trial another worker still holds a lease on
// waits until that lease is renewed no more, then trains; a job whose trial
// already has a completed run is completed without training it again.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { enqueueRun } from '../src/runtime/queue/enqueue.js';
import { openJobQueue, type JobQueue } from '../src/runtime/queue/jobs.js';
import { takeLease } from '../src/runtime/queue/leases.js';
import { sharedStores } from '../src/runtime/queue/shared-store.js';
import { openQueueDb, type QueueDb } from '../src/runtime/queue/sql.js';
import { runWorker, trialRuns } from '../src/runtime/queue/worker-loop.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const started = await startPostgres();
if (started.skip) console.warn(`worker-lease tests skipped: ${started.skip}`);

describe.skipIf(!started.server)('the worker loop and leases', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  let db: QueueDb;
  let queue: JobQueue;

  beforeAll(async () => {
    server = started.server!;
    url = server.createDatabase('worker_lease');
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'worker-lease-'));
    cpSync('test/fixtures/tiny', join(work, 'tiny'), { recursive: true, filter: (src) => !src.includes('/.nnc') });
    mkdirSync(join(work, 'worker'));
    db = await openQueueDb(url);
    queue = await openJobQueue(url, { supervise: false });
  }, 60_000);

  afterAll(async () => {
    await queue?.stop();
    await db?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('waits out another worker lease on the trial, then trains; a trial already completed is not trained again', async () => {
    const project = join(work, 'tiny');
    const { plan, data } = compile(project);
    const ctx = { db, queue, project: { name: 'tiny', remote: '', dir: project }, git: { commit: null, dirty: false }, retryLimit: 1 };
    const first = await enqueueRun(ctx, plan!, data!, 1);
    const trialKey = `train:${plan!.hash}:1`;
    // a worker elsewhere trains this trial and goes silent: its lease runs out in 1.5 s
    await takeLease(db, { runId: 'r-elsewhere', trialKey, jobId: first.id, worker: 'elsewhere', project: 'tiny' }, 1500);
    const leasedUntil = Date.now() + 1500;

    const { tf, backend } = await loadTf('cpu');
    const stores = sharedStores({ url, db, workDir: join(work, 'worker'), cacheDir: join(work, 'worker', 'runs') });
    const lines: string[] = [];
    const controller = new AbortController();
    const options = { name: 'here', tf, backend, queue, db, stores, signal: controller.signal, workDir: join(work, 'worker'), log: (l: string) => void lines.push(l), pollMs: 100, leaseMs: 2000, maxJobs: 1 };
    try {
      const summary = await runWorker(options);
      if (summary.failed) console.log(lines.join("\n"));
      expect(summary).toEqual({ jobs: 1, completed: 1, failed: 0, stopped: 0 });
      expect(lines.some((l) => l === `Trial ${trialKey} is still trained by worker 'elsewhere' (run r-elsewhere); waiting for it.`)).toBe(true);
      const runs = trialRuns(stores.runStore({ project: ctx.project } as never), trialKey);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('completed');
      // it started training only once the other lease had run out
      expect(runs[0]!.startedAt).toBeGreaterThanOrEqual(leasedUntil - 50);
      expect(runs[0]!.info.queue).toMatchObject({ job: first.id, worker: 'here', attempt: 1 });

      // the same trial handed out again (a job that outlived its expiry): completed from the stored run
      lines.length = 0;
      const again = await enqueueRun(ctx, plan!, data!, 1);
      expect(again.added).toBe(true);
      expect(again.datasetsAdded).toBe(0);
      const second = await runWorker(options);
      expect(second).toEqual({ jobs: 1, completed: 1, failed: 0, stopped: 0 });
      expect(lines).toContain(`Trial ${trialKey} already finished as run ${runs[0]!.id}; job ${again.id} is complete.`);
      expect(trialRuns(stores.runStore({ project: ctx.project } as never), trialKey)).toHaveLength(1);
    } finally {
      stores.close();
    }
  }, 60_000);
});
