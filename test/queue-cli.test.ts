// The queue commands' edges with the built CLI against a real PostgreSQL
// server: `nnc train --store` without --queue trains here into the shared
// store (checkpoint uploaded); what the queue cannot do is refused with a
// sentence and an exit code (no store, a non-PostgreSQL store, a halving
// sweep, a wrong password, --detach without --queue); `nnc sweep --queue
// --detach` returns at once with the jobs listed and the sweep stored.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { CLI, runCli, startCli, until } from './helpers/cli-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { copyFixture, scratchDir } from './helpers/scratch-project.js';

const started = await startPostgres();
if (started.skip) console.warn(`queue-cli tests skipped: ${started.skip}`);


describe.skipIf(!started.server)('queue commands on the command line', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  let project: string;
  let sweepId = '';

  const nnc = (...args: string[]) => runCli(args, work, server.password);

  beforeAll(() => {
    server = started.server!;
    url = server.createDatabase('queue_cli');
    work = scratchDir('queue-cli-');
    project = join(work, 'tiny');
    copyFixture('tiny', project);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('nnc train --store trains here into PostgreSQL, with its checkpoint in the store', () => {
    const r = nnc('train', project, '--store', url, '--epochs', '2', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const { run } = JSON.parse(r.stdout) as { run: { id: string; status: string; info: { source: string } } };
    expect(run).toMatchObject({ status: 'completed', info: { source: 'train' } });
    const store = openSharedStore(project, url, { readonly: true });
    try {
      expect(store.getRun(run.id)?.status).toBe('completed');
      const files = store.client.query<{ n: number }>('SELECT count(*)::int AS n FROM nnc.checkpoint_files WHERE run_id = $1', [run.id]).rows[0]!.n;
      expect(files).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    // nothing in the folder's own SQLite store
    expect(nnc('runs', project, '--format', 'json').stdout).not.toContain(run.id);
  });

  it('refuses what the queue cannot do, with what to do instead', () => {
    const noStore = nnc('worker');
    expect(noStore.status).toBe(2);
    expect(noStore.stderr).toContain("needs a shared store: give '--store postgres://user@host/db' or set NNC_STORE");

    const sqlite = nnc('train', project, '--queue', '--store', join(project, '.nnc', 'nnc.db'));
    expect(sqlite.status).toBe(2);
    expect(sqlite.stderr).toContain('needs a PostgreSQL store (postgres://…)');

    const detach = nnc('sweep', project, '--detach');
    expect(detach.status).toBe(2);
    expect(detach.stderr).toContain("'--detach' and '--retries' apply to queued sweeps: add '--queue'");

    const backend = nnc('train', project, '--queue', '--store', url, '--backend', 'cpu');
    expect(backend.status).toBe(2);
    expect(backend.stderr).toContain("'--backend' picks the backend where the run trains: give it to 'nnc worker'");
    const metricsOut = nnc('train', project, '--queue', '--store', url, '--metrics-out', 'm.json');
    expect(metricsOut.status).toBe(2);
    expect(metricsOut.stderr).toContain("with '--queue' it ends on a worker");

    const folder = nnc('worker', project, '--store', url);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('takes no project folder');

    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const refused = nnc('train', project, '--queue', '--store', wrong.toString());
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/PostgreSQL refused the login to the run store 'postgres:\/\/nnc:\*\*\*@127\.0\.0\.1:\d+\/queue_cli'/);
    expect(refused.stderr).not.toContain('not-the-password');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: halves
parameters:
  layers.hidden.units: [4, 8]
  training.epochs: [4]
metric: verdict.val_loss
halving: {epochs: [2], keep: 0.5}
`);
    const parallel = nnc('sweep', project, '--queue', '--store', url, '--parallel', '2');
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain("with '--queue' that is how many 'nnc worker' processes take them");
    const halving = nnc('sweep', project, '--queue', '--store', url);
    expect(halving.status, halving.stderr).toBe(1);
    expect(halving.stderr).toContain("Sweep 'halves' halves its trials");
    rmSync(join(project, 'sweep.yaml'));
  });

  it('nnc sweep --queue --detach enqueues every trial once, stores the sweep and returns', () => {
    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 8, 16]
metric: verdict.val_accuracy
`);
    const r = nnc('sweep', project, '--queue', '--detach', '--store', url, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sweep: string; jobs: Array<{ trial: number; job: string; added: boolean }> };
    expect(out.jobs.map((j) => [j.trial, j.added])).toEqual([[1, true], [2, true], [3, true]]);
    expect(new Set(out.jobs.map((j) => j.job)).size).toBe(3);
    expect(r.stderr).toContain(`Detached: 'nnc worker --store …' trains the trials; 'nnc sweep --show ${out.sweep} --store …' shows them.`);
    const shown = nnc('sweep', project, '--show', out.sweep, '--store', url, '--format', 'json');
    expect(shown.status, shown.stderr).toBe(0);
    const detail = JSON.parse(shown.stdout) as { sweep: { status: string; parallel: number }; trials: Array<{ status: string }> };
    expect(detail.sweep).toMatchObject({ status: 'running', parallel: 0 });
    expect(detail.trials.map((t) => t.status)).toEqual(['pending', 'pending', 'pending']);
    const listed = nnc('sweep', project, '--list', '--store', url);
    expect(listed.stdout).toContain(out.sweep);
    sweepId = out.sweep;
  });

  it('nnc view --store serves the queued sweep of the stored project over /api/sweeps, and a run stored meanwhile live', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.NNC_STORE;
    const view = startCli(['view', '--store', url, '--port', '0'], work, { NNC_STORE: undefined });
    try {
      await until('nnc view to print its address', () => /viewer at http:\/\/[^\s;]+;/.test(view.out), 30_000);
      const base = view.out.match(/viewer at (http:\/\/[^\s;]+)/)![1]!.replace(/\/$/, '');
      expect(view.out).not.toContain(server.password);
      const sweeps = (await (await fetch(`${base}/api/sweeps?project=tiny`)).json()) as Array<{ id: string; status: string; trials: number }>;
      expect(sweeps.find((w) => w.id === sweepId)).toMatchObject({ status: 'running', trials: 3 });
      const detail = (await (await fetch(`${base}/api/sweeps/${sweepId}?project=tiny`)).json()) as { trials: Array<{ status: string }> };
      expect(detail.trials.map((t) => t.status)).toEqual(['pending', 'pending', 'pending']);
      expect((await fetch(`${base}/api/sweeps/snope?project=tiny`)).status).toBe(404);

      // a run another machine stores meanwhile reaches the open pages
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
      const messages: Array<{ type: string; project?: string; run?: { id: string; status: string } }> = [];
      ws.on('message', (data) => messages.push(JSON.parse(String(data))));
      await new Promise((r) => ws.once('open', r));
      const trained = await new Promise<string>((resolveRun) => {
        const child = spawn(process.execPath, [CLI, 'train', project, '--store', url, '--epochs', '1', '--format', 'json'], { cwd: work, env, stdio: ['ignore', 'pipe', 'ignore'] });
        let stdout = '';
        child.stdout!.on('data', (b) => (stdout += b));
        child.on('exit', () => resolveRun((JSON.parse(stdout) as { run: { id: string } }).run.id));
      });
      const end = Date.now() + 10_000;
      while (!messages.some((m) => m.type === 'run_ended' && m.run?.id === trained) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      ws.close();
      // seen while it trained, or only once it had ended (polled each second)
      const seen = messages.filter((m) => m.run?.id === trained).map((m) => [m.type, m.project, m.run!.status]);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toEqual(['run_started', 'tiny', expect.stringMatching(/^(running|completed)$/)]);
      expect(seen[1]).toEqual(['run_ended', 'tiny', 'completed']);
    } finally {
      view.child.kill('SIGINT');
      await view.exited;
    }
  });

  it('nnc worker --concurrency 2 runs two worker processes, each taking its jobs', () => {
    const r = nnc('worker', '--store', url, '--concurrency', '2', '--max-jobs', '1', '--name', 'pair');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("nnc worker 'pair/1'");
    expect(r.stdout).toContain("nnc worker 'pair/2'");
    expect(r.stdout.match(/Took job/g)).toHaveLength(2);
    expect(r.stdout.match(/run \S+ completed\./g)).toHaveLength(2);
  });
});
