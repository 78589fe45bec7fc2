// The built CLI: `nnc watch` and `nnc view` as processes, stopped with Ctrl-C.
// The worker entry is bundled here (NNC_TRAIN_WORKER) until the build makes dist/train-worker.js.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../src/runtime/store/store.js';
import { trainWorkerPath } from './helpers/train-worker.js';
import { connect, learnableProject, removeTempProjects, tempProject, until } from './watch-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const OUT = join(ROOT, 'node_modules', '.cache', `nnc-watch-cli-${process.pid}`);
let worker: string;

beforeAll(async () => {
  worker = await trainWorkerPath(ROOT, OUT);
});

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  removeTempProjects();
});

interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NNC_TRAIN_WORKER: worker, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => (r.stdout += String(d)));
  child.stderr!.on('data', (d) => (r.stderr += String(d)));
  return r;
}

describe('nnc watch (built CLI)', () => {
  it('prints the URL, the backend, each compile and one line per epoch; Ctrl-C stops the run and exits 0', async () => {
    const dir = tempProject(learnableProject({ epochs: 40 }));
    const watch = run(['watch', dir, '--port', '0', '--backend', 'cpu']);
    try {
      const url = (await until('the URL', () => watch.stdout.match(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1], 30_000)) as string;
      await until('two epoch lines', () => (watch.stdout.match(/^epoch \d+\/40 .*val_loss/gm) ?? []).length >= 2, 30_000);
      expect(watch.stdout).toMatch(/✓ compiled [0-9a-f]{8}: 3 layers, 1 head, [\d,]+ parameters/);
      expect(watch.stdout).toMatch(/training on the TensorFlow.js 'cpu' backend/);
      expect(watch.stdout).toMatch(/run r\w+ started \(cold start\)/);
      const client = await connect(url);
      const started = await client.next('run_started');
      expect(started.run.status).toBe('running');
      client.close();
    } finally {
      watch.child.kill('SIGINT');
    }
    expect(await watch.exited, watch.stdout + watch.stderr).toBe(0);
    expect(watch.stdout).toMatch(/run r\w+ stopped/);
    const store = createRunStore(dir, { readonly: true });
    try {
      expect(store.listRuns().map((r) => r.status)).toEqual(['stopped']);
    } finally {
      store.close();
    }
  }, 60_000);

  it('warns when the host is not loopback, and fails clearly when the port is taken', async () => {
    const dir = tempProject();
    const first = run(['view', dir, '--port', '0']);
    try {
      const port = (await until('the URL', () => first.stdout.match(/viewer at http:\/\/127\.0\.0\.1:(\d+)\//)?.[1], 20_000)) as string;
      const second = run(['watch', dir, '--port', port, '--no-view-not-an-option']);
      expect(await second.exited, second.stdout + second.stderr).toBe(2);
      const taken = run(['view', dir, '--port', port]);
      expect(await taken.exited, taken.stdout + taken.stderr).toBe(1);
      expect(taken.stderr).toMatch(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited, first.stdout + first.stderr).toBe(0);
    const open = run(['view', dir, '--port', '0', '--host', '0.0.0.0']);
    try {
      await until('the URL', () => /viewer at http:\/\/127\.0\.0\.1:\d+\//.test(open.stdout), 20_000);
      expect(open.stderr).toMatch(/serving on '0\.0\.0\.0': anyone who can reach this machine/);
    } finally {
      open.child.kill('SIGINT');
    }
    expect(await open.exited, open.stdout + open.stderr).toBe(0);
  }, 60_000);
});

describe('nnc view (built CLI)', () => {
  it('serves stored runs without training, read-only', async () => {
    const dir = tempProject();
    const store = createRunStore(dir);
    const stored = store.createRun({ planHash: 'p', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: null });
    store.endRun(stored.id, 'completed');
    store.close();
    const view = run(['view', dir, '--port', '0']);
    try {
      const url = (await until('the URL', () => view.stdout.match(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1], 20_000)) as string;
      expect(view.stdout).toMatch(/1 stored run\b/);
      const runs = (await (await fetch(new URL('/api/runs', url))).json()) as Array<{ id: string; status: string }>;
      expect(runs).toEqual([expect.objectContaining({ id: stored.id, status: 'completed' })]);
      const post = await fetch(new URL('/api/layers', url), { method: 'POST' });
      expect(post.status).toBe(405);
      expect(((await post.json()) as { error: string }).error).toMatch(/edit layers\.yaml/);
      await new Promise((r) => setTimeout(r, 300));
      const after = createRunStore(dir, { readonly: true });
      expect(after.listRuns()).toHaveLength(1); // nothing trained
      after.close();
    } finally {
      view.child.kill('SIGINT');
    }
    expect(await view.exited, view.stdout + view.stderr).toBe(0);
  }, 60_000);
});
