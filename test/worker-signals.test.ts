// `nnc train --queue` and `nnc worker` without a checkout, against a real
// PostgreSQL server: the job is enqueued once (a second enqueue of the same
// plan adds nothing), then the project folder is deleted. A worker whose
// working folder is an empty one takes the job; SIGTERM stops its run after
// the current batch with its checkpoints stored, hands the job back and
// exits 0. A second worker, from another empty folder, continues that run
// from its last checkpoint to the end, with the samples fetched from the
// store and the enqueuing checkout's git commit recorded.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { CLI, startCli, until } from './helpers/cli-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { copyFixture, scratchDir } from './helpers/scratch-project.js';

const started = await startPostgres();
if (started.skip) console.warn(`worker-signals tests skipped: ${started.skip}`);

const ENV = { NNC_QUEUE_MAINTENANCE_SECONDS: '1', NNC_QUEUE_LEASE_SECONDS: '5', NO_COLOR: '1' };

const start = (args: string[], cwd: string) => startCli(args, cwd, ENV);
const WAIT_EVERY_MS = 50;

describe.skipIf(!started.server)('nnc worker: SIGTERM, and jobs trained without a checkout', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    server = started.server!;
    url = server.createDatabase('worker_signals');
    work = scratchDir('worker-signals-');
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('stops after the current batch with its checkpoints on SIGTERM, exits 0, and another worker continues the run from the store alone', async () => {
    const project = join(work, 'tiny');
    copyFixture('tiny', project);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

    const enqueue = () => spawnSync(process.execPath, [CLI, 'train', project, '--queue', '--store', url, '--epochs', '40', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...ENV } });
    const first = enqueue();
    expect(first.status, first.stderr).toBe(0);
    const job = JSON.parse(first.stdout) as { job: string; added: boolean; queue: string; project: string };
    expect(job).toMatchObject({ added: true, queue: 'nnc-train', project: 'tiny' });
    const again = enqueue();
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ job: job.job, added: false });
    expect(again.stderr).toContain('nothing was added');
    for (const r of [first, again]) expect(r.stdout + r.stderr).not.toContain(server.password);

    // no checkout from here on
    rmSync(project, { recursive: true, force: true });
    const emptyA = join(work, 'empty-a');
    const emptyB = join(work, 'empty-b');
    mkdirSync(emptyA);
    mkdirSync(emptyB);

    const a = start(['worker', '--store', url, '--name', 'a'], emptyA);
    children.push(a.child);
    await until('epoch 3 on worker a', () => /epoch 3:/.test(a.out), 40_000, WAIT_EVERY_MS);
    a.child.kill('SIGTERM');
    expect(await a.exited, a.out).toBe(0);
    const runA = a.out.match(/run (\S+) started/)![1]!;
    expect(a.out).toContain(`SIGTERM: taking no further job`);
    expect(a.out).toContain(`run ${runA} stopped with its checkpoints; the job goes back to the queue`);
    expect(a.out).toMatch(/1 job taken, 0 completed, 0 failed, 1 handed back/);
    expect(a.out).toContain(`Took job ${job.job}`);
    expect(a.out).not.toContain(server.password);

    const b = start(['worker', '--store', url, '--name', 'b', '--max-jobs', '1'], emptyB);
    children.push(b.child);
    expect(await b.exited, b.out).toBe(0);
    expect(b.out).toMatch(new RegExp(`Took job ${job.job} \\('nnc train' of plan \\w+, project 'tiny', attempt 2 of 3\\)`));
    expect(b.out).toMatch(new RegExp(`continuing run ${runA} after epoch \\d+`));
    expect(b.out).not.toContain(server.password);
    // the workers wrote nothing where the project was
    expect(existsSync(project)).toBe(false);

    // the project is keyed by its name and the enqueuing checkout's git remote (this repository's
    // origin in a clone, none in a repository without one): take it from the store's list
    const lister = openSharedStore(work, url, { readonly: true, project: { name: 'tiny', remote: '' } });
    const tiny = lister.listProjects().filter((p) => p.name === 'tiny');
    lister.close();
    expect(tiny).toHaveLength(1);
    const store = openSharedStore(work, url, { readonly: true, project: { name: 'tiny', remote: tiny[0]!.remote } });
    try {
      const stopped = store.getRun(runA)!;
      expect(stopped.status).toBe('stopped');
      expect(stopped.info.queue).toMatchObject({ job: job.job, worker: 'a', attempt: 1 });
      const files = store.client.query<{ path: string }>('SELECT path FROM nnc.checkpoint_files WHERE run_id = $1', [runA]).rows.map((r) => r.path);
      expect(files.some((p) => p.startsWith('last/'))).toBe(true);
      const stoppedEpochs = Math.max(...store.metrics(runA, ['loss']).map((m) => m.epoch));
      expect(stoppedEpochs).toBeGreaterThanOrEqual(3);
      expect(stoppedEpochs).toBeLessThan(40);

      const continued = store.listRuns().find((r) => r.parentId === runA)!;
      expect(continued.status).toBe('completed');
      expect(continued.info).toMatchObject({ resumedFrom: runA, source: 'train', queue: { job: job.job, worker: 'b', attempt: 2 } });
      expect(Math.max(...store.metrics(continued.id, ['loss']).map((m) => m.epoch))).toBe(40);
      // the git state is the enqueuing checkout's, not the worker's empty folder's
      expect(continued.gitCommit).toBe(head);
      expect(store.listRuns()).toHaveLength(2);
    } finally {
      store.close();
    }
  }, 90_000);
});
