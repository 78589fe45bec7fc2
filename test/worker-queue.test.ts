// A sweep through the queue on a real PostgreSQL server, with the built CLI:
// `nnc sweep --queue` enqueues four trials and waits; two `nnc worker`
// processes (their working folder an empty one) train them; one is killed
// with SIGKILL in the middle of a trial. Its run's lease runs out, so the run
// is marked interrupted; its job expires (seconds here: NNC_QUEUE_EXPIRE_SECONDS)
// and the other worker retries it, continuing from the killed run's last
// checkpoint. The sweep ends with every trial completed, one after a retry,
// and nothing lost: every trial's runs, metrics and checkpoints are stored.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRunStore } from '../src/runtime/store/postgres/pg-store.js';
import { openJobQueue, jobIdFor, TRIAL_QUEUE } from '../src/runtime/queue/jobs.js';
import { CLI, startCli as start, until, type CliProcess } from './helpers/cli-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { copyFixture, scratchDir } from './helpers/scratch-project.js';

const started = await startPostgres();
if (started.skip) console.warn(`worker-queue tests skipped: ${started.skip}`);

const QUEUE_ENV = { NNC_QUEUE_EXPIRE_SECONDS: '6', NNC_QUEUE_MAINTENANCE_SECONDS: '1', NNC_QUEUE_LEASE_SECONDS: '2', NO_COLOR: '1' };

describe.skipIf(!started.server)('nnc sweep --queue with two nnc worker processes', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  let project: string;
  const procs: CliProcess[] = [];

  beforeAll(() => {
    server = started.server!;
    url = server.createDatabase('worker_queue');
    work = scratchDir('worker-queue-');
    project = join(work, 'tiny');
    copyFixture('tiny', project);
    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 8, 12, 16]
  training.epochs: [20]
metric: verdict.val_accuracy
`);
    mkdirSync(join(work, 'empty-a'));
    mkdirSync(join(work, 'empty-b'));
  });

  afterAll(() => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('finishes every trial after a worker is killed mid-trial: the killed run is interrupted and its trial retried', async () => {
    const sweep = start(['sweep', project, '--queue', '--store', url], work, QUEUE_ENV);
    procs.push(sweep);
    await until('the jobs to be enqueued', () => /Waiting for workers/.test(sweep.out), 30_000);
    const sweepId = sweep.out.match(/Sweep (s[0-9a-z]+) 'widths': enqueued 4 trials/)?.[1];
    expect(sweepId, sweep.out).toBeDefined();
    expect(sweep.out).not.toContain(server.password);

    // the survivor first: its store is open before the victim dies, so the victim's run is found by its lease
    // (a store opened later on this machine would also find it by its dead pid, as SQLite stores do)
    const survivor = start(['worker', '--store', url, '--name', 'survivor'], join(work, 'empty-b'), QUEUE_ENV);
    procs.push(survivor);
    await until('the survivor to start a run', () => /run \S+ started/.test(survivor.out), 40_000);
    const victim = start(['worker', '--store', url, '--name', 'victim'], join(work, 'empty-a'), QUEUE_ENV);
    procs.push(victim);
    // mid-trial: after its first epoch, before its last
    await until('an epoch of the victim', () => /epoch 2:/.test(victim.out), 40_000);
    const killedRun = victim.out.match(/run (\S+) started/)![1];
    victim.child.kill('SIGKILL');
    await victim.exited;

    expect(await Promise.race([sweep.exited, new Promise((r) => setTimeout(() => r('timeout'), 50_000))]), `${sweep.out}\n--- survivor\n${survivor.out}`).toBe(0);
    if (process.env.SHOW_WORKER_OUTPUT) console.log(`--- sweep\n${sweep.out}\n--- victim\n${victim.out}\n--- survivor\n${survivor.out}`);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    for (const p of [sweep, survivor, victim]) expect(p.out).not.toContain(server.password);

    // the waiting command saw the killed run go and printed the ranking
    expect(`${sweep.out}\n${survivor.out}`).toMatch(new RegExp(`[Rr]un ${killedRun} (of project 'tiny' \\(job \\S+\\) )?lost its worker 'victim'`));
    expect(sweep.out).toMatch(new RegExp(`Sweep ${sweepId} 'widths' completed`));

    const shown = spawnSync(process.execPath, [CLI, 'sweep', '--show', sweepId!, '--store', url, '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(shown.status, shown.stderr).toBe(0);
    const detail = JSON.parse(shown.stdout) as { sweep: { status: string }; trials: Array<{ trial: number; status: string; runId: string; epochs: number }> };
    expect(detail.sweep.status).toBe('completed');
    expect(detail.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(detail.trials.every((t) => t.epochs === 20)).toBe(true);

    const store = createPostgresRunStore(project, { url, readonly: true });
    let killedTrial = 0;
    try {
      const runs = store.listRuns();
      const killed = store.getRun(killedRun)!;
      expect(killed.status).toBe('interrupted');
      // the trial of the run it was training (not necessarily its first job: on a loaded machine a job can
      // outlive the short test expiry and be handed to it again while the other worker's lease holds it)
      killedTrial = Number(String((killed.info.queue as { trial?: string }).trial).split(':')[1]);
      expect(victim.out).toMatch(new RegExp(`Took job \\S+ \\(trial ${killedTrial} of sweep`));
      expect(killed.info.queue).toMatchObject({ worker: 'victim', attempt: 1, trial: `${sweepId}:${killedTrial}` });
      expect(store.logs({ runId: killedRun }).some((l) => /was trained by worker 'victim' for job \S+, which stopped renewing its lease; it is now marked interrupted/.test(l.message))).toBe(true);
      // the retry: a second run of that trial, by the survivor, continuing the killed one
      const retry = runs.find((r) => (r.info.queue as { trial?: string } | undefined)?.trial === `${sweepId}:${killedTrial}` && r.id !== killedRun)!;
      expect(retry).toBeDefined();
      expect(retry.status).toBe('completed');
      expect(retry.info.queue).toMatchObject({ worker: 'survivor', attempt: 2 });
      expect(retry.parentId).toBe(killedRun);
      expect(detail.trials.find((t) => t.trial === killedTrial)!.runId).toBe(retry.id);
      // nothing lost: every trial's completed run has its metrics to the last epoch and a stored checkpoint
      for (const t of detail.trials) {
        const run = store.getRun(t.runId)!;
        expect(run.status).toBe('completed');
        expect(Math.max(...store.metrics(run.id, ['loss']).map((m) => m.epoch))).toBe(20);
        const files = store.client.query<{ n: number }>('SELECT count(*)::int AS n FROM nnc.checkpoint_files WHERE run_id = $1', [run.id]).rows[0]!.n;
        expect(files).toBeGreaterThan(0);
      }
      expect(runs.filter((r) => r.status === 'completed')).toHaveLength(4);
      // no trial trained twice: the killed one has its interrupted run and the retry, the others one run each
      // (on a loaded machine a job may outlive its short test expiry and come back; its worker then finds it done)
      const perTrial = [1, 2, 3, 4].map((t) => runs.filter((r) => (r.info.queue as { trial?: string } | undefined)?.trial === `${sweepId}:${t}`).length);
      expect(perTrial).toEqual([1, 2, 3, 4].map((t) => (t === killedTrial ? 2 : 1)));
    } finally {
      store.close();
    }
    // pg-boss counted the retry
    const queue = await openJobQueue(url, { supervise: false });
    try {
      const states = await queue.states(TRIAL_QUEUE, [1, 2, 3, 4].map((t) => jobIdFor(`${sweepId}:${t}`)));
      expect(states.map((s) => s.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(states.find((s) => s.id === jobIdFor(`${sweepId}:${killedTrial}`))!.retryCount).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.stop();
    }
  }, 120_000);
});
