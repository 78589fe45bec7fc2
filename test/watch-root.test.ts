// A project folder renamed or removed while `nnc watch` trains it: the watcher
// notices, stops the run (it ends 'stopped' with the checkpoint of its last
// epoch, in the moved folder), closes the store and writes nothing more under
// the old path; the other projects go on. Real training (in process here, in
// the worker through the built CLI below), real files, real chokidar.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../src/runtime/store/store.js';
import type { RunRecord } from '../src/runtime/store/types.js';
import { createInlineDriver } from '../src/runtime/watch/inline-driver.js';
import { guardCheckpoints, projectRootGuard } from '../src/runtime/watch/project-root.js';
import { createWatcher, type Watcher } from '../src/runtime/watch/watcher.js';
import { trainWorkerPath } from './helpers/train-worker.js';
import { learnableProject, removeTempProjects, sleep, tempProject, until } from './watch-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const OUT = join(ROOT, 'node_modules', '.cache', `nnc-watch-root-${process.pid}`);
let worker: string;

beforeAll(async () => {
  worker = await trainWorkerPath(ROOT, OUT);
});

let watcher: Watcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
});
afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  removeTempProjects();
});

/** Every file below `dir`, relative. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

function storedRun(dir: string, id: string): RunRecord | null {
  const store = createRunStore(dir, { readonly: true });
  try {
    return store.getRun(id);
  } finally {
    store.close();
  }
}

interface Seen {
  lines: string[];
  epochs: Map<string, number>;
  ended: RunRecord[];
  gone: Array<[string, number]>;
}

async function watch(dirs: string[]): Promise<{ watcher: Watcher; seen: Seen }> {
  const seen: Seen = { lines: [], epochs: new Map(), ended: [], gone: [] };
  watcher = await createWatcher({
    projects: dirs,
    driver: createInlineDriver,
    backend: 'cpu',
    rootCheckMs: 50,
    reporter: {
      error: (project, message) => seen.lines.push(`${project}: ${message}`),
      epoch: (project) => seen.epochs.set(project, (seen.epochs.get(project) ?? 0) + 1),
      runEnded: (_project, run) => seen.ended.push(run),
    },
    onProjectGone: (project, remaining) => seen.gone.push([project.name, remaining]),
  });
  return { watcher, seen };
}

describe('a watched project folder that is moved or removed', () => {
  it('the check follows the folder, not its path: a new folder at the old path is not the old one', () => {
    const dir = tempProject();
    const present = projectRootGuard(dir);
    expect(present()).toBe(true);
    renameSync(dir, `${dir}-moved`);
    expect(present()).toBe(false);
    mkdirSync(dir);
    expect(present()).toBe(false);
  });

  it('a checkpoint the move catches half-way neither fails the run nor leaves the old path re-created', async () => {
    const dir = tempProject();
    const moved = `${dir}-moved`;
    const runDir = join(dir, '.nnc', 'runs', 'r1');
    const checkpoint = { epoch: 1, step: 1, batchesDone: 0, best: false, monitor: { name: 'val_loss', mode: 'min', value: null }, state: async () => ({}) } as never;
    let writes = 0;
    // a write by path that the rename lands in the middle of: the rest of it re-creates the old path, then fails
    const events = guardCheckpoints(dir, {
      async onCheckpoint() {
        writes++;
        mkdirSync(runDir, { recursive: true });
        renameSync(dir, moved);
        mkdirSync(runDir, { recursive: true });
        writeFileSync(join(runDir, 'model.json'), '{}');
        throw new Error('ENOENT: no such file or directory');
      },
    });
    await events.onCheckpoint!(checkpoint);
    expect(writes).toBe(1);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(moved, '.nnc', 'runs', 'r1'))).toBe(true);
    // once the folder is gone, nothing is written at all
    await events.onCheckpoint!(checkpoint);
    expect(writes).toBe(1);
    expect(existsSync(dir)).toBe(false);

    // a failure with the folder in place is the run's failure, as before
    const failing = guardCheckpoints(moved, { onCheckpoint: async () => Promise.reject(new Error('disk full')) });
    await expect(failing.onCheckpoint!(checkpoint)).rejects.toThrow('disk full');
  });

  it('renamed: its run stops with its checkpoint in the moved folder, nothing is written under the old path, the other project trains on', async () => {
    const a = tempProject(learnableProject({ epochs: 400 }));
    const b = tempProject(learnableProject({ epochs: 400 }));
    const { watcher, seen } = await watch([a, b]);
    const [first, second] = watcher.projects;
    expect([first!.name, second!.name]).toEqual(['project', 'project-2']);
    // the checkpoint of epoch 1 is written before epoch 2 ends
    await until('two epochs of the first project', () => (seen.epochs.get('project') ?? 0) >= 2, 30_000);
    const runId = first!.running()!.id;

    const moved = `${a}-moved`;
    renameSync(a, moved);
    await until('the folder to be noticed', () => seen.gone.length === 1, 10_000);
    expect(seen.gone).toEqual([['project', 1]]);
    expect(seen.lines).toContain(`project: The project folder '${a}' was moved or removed; stopped watching it.`);
    expect(watcher.projects.map((p) => p.name)).toEqual(['project-2']);
    // the run ended 'stopped' in the store that moved with the folder, with the checkpoint of an epoch
    expect(seen.ended.find((r) => r.id === runId)?.status).toBe('stopped');
    expect(storedRun(moved, runId)?.status).toBe('stopped');
    expect(files(join(moved, '.nnc', 'runs', runId)).filter((f) => f.endsWith('model.json')).length).toBeGreaterThan(0);
    expect(existsSync(a)).toBe(false);

    // the other project goes on training
    const before = seen.epochs.get('project-2') ?? 0;
    await until('another epoch of the second project', () => (seen.epochs.get('project-2') ?? 0) > before, 30_000);
    expect(second!.running()).not.toBeNull();
    // a save in the moved folder starts nothing
    expect(first!.recompile()).toBe('unchanged');
    await sleep(200);
    await watcher.close();
    expect(existsSync(a)).toBe(false);
  });

  it('removed: the run stops, the store is not re-created under the old path, and no project is left', async () => {
    const a = tempProject(learnableProject({ epochs: 400 }));
    const { watcher, seen } = await watch([a]);
    await until('a run', () => watcher.projects[0]?.running(), 30_000);
    rmSync(a, { recursive: true, force: true });
    await until('the folder to be noticed', () => seen.gone.length === 1, 10_000);
    expect(seen.gone).toEqual([['project', 0]]);
    expect(seen.lines[0]).toMatch(/The project folder '.*' was moved or removed; stopped watching it \(no project is left to watch\)\./);
    expect(watcher.projects).toEqual([]);
    await sleep(300);
    await watcher.close();
    expect(existsSync(a)).toBe(false);
    expect(readdirSync(dirname(a))).toEqual([]);
  });
});

describe('nnc watch (built CLI) when its only project folder is moved', () => {
  it('says so, stops the run in the moved folder and exits 1 without writing under the old path', async () => {
    const dir = tempProject(learnableProject({ epochs: 400 }));
    const child = spawn(process.execPath, [CLI, 'watch', dir, '--port', '0', '--backend', 'cpu'], { env: { ...process.env, NNC_TRAIN_WORKER: worker, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until('an epoch line', () => /^epoch 1\/400 /m.test(out), 60_000);
      const runId = /run (r\w+) started/.exec(out)![1]!;
      const moved = `${dir}-moved`;
      renameSync(dir, moved);
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout')]);
      expect(code, out).toBe(1);
      expect(out).toContain(`The project folder '${dir}' was moved or removed; stopped watching it (no project is left to watch).`);
      expect(out).toContain('nnc watch: no project folder is left to watch; stopping.');
      expect(out).toMatch(new RegExp(`run ${runId} stopped`));
      expect(out).not.toMatch(/TypeError|This is a bug|at .*\.js:\d+/);
      expect(existsSync(dir)).toBe(false);
      expect(storedRun(moved, runId)?.status).toBe('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
