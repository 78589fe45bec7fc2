// The watcher with real files, chokidar, the real server and a real WebSocket
// client; training is a stand-in driver here (it records what it was asked
// and streams stats), so these tests are about watching, compiling and
// restarting. test/watch-e2e.test.ts trains for real in a worker thread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { createViewerServer, type ViewerServer } from '../src/runtime/server/server.js';
import { createProjectCompiler } from '../src/runtime/watch/cached-compile.js';
import type { DriverEvent, DriverFactory, RunRequest } from '../src/runtime/watch/driver.js';
import { createLiveProject } from '../src/runtime/watch/project.js';
import type { ServerMessage } from '../src/shared/protocol.js';
import { createWatcher, type Watcher } from '../src/runtime/watch/watcher.js';
import { ignoredPath } from '../src/runtime/watch/files.js';
import { createRunStore } from '../src/runtime/store/store.js';
import { atomicWrite, connect, DEMO, remove, removeTempProjects, sleep, tempProject, until, write, type TestClient } from './watch-helpers.js';

interface FakeRun {
  readonly id: string;
  readonly request: RunRequest;
  ended: string | null;
}

/** Creates real store runs and streams a stats message every 10 ms until stopped. */
function fakeDriver(runs: FakeRun[]): DriverFactory {
  return ({ projectDir, onEvent }) => {
    const store = createRunStore(projectDir);
    let timer: NodeJS.Timeout | null = null;
    let current: FakeRun | null = null;
    const end = (status: 'superseded' | 'stopped') => {
      if (!current) return;
      if (timer) clearInterval(timer);
      timer = null;
      store.endRun(current.id, status);
      current.ended = status;
      onEvent({ type: 'run_ended', run: store.getRun(current.id)! });
      current = null;
      onEvent({ type: 'idle' });
    };
    return {
      start(request) {
        const record = store.createRun({ planHash: request.plan.hash, modelHash: request.plan.modelHash, gitCommit: null, gitDirty: false, backend: 'fake', parentId: request.parentId, plan: request.plan });
        current = { id: record.id, request, ended: null };
        runs.push(current);
        const run = current;
        // like a worker: the run starts a little later
        setTimeout(() => {
          if (run.ended) return;
          onEvent({ type: 'run_started', run: record, warmStart: request.parentId ? { parentId: request.parentId, reused: ['embed'], fresh: [], remapped: [] } : null });
          let step = 0;
          timer = setInterval(() => {
            step++;
            onEvent({ type: 'stats', runId: run.id, stats: { step, epoch: 1, epochs: 1, stepsPerEpoch: 1000, losses: { sentiment: 1 / step }, metrics: {}, lr: 0.01, gradNorm: 1, clipped: 0, samplesPerSecond: 100, elapsedMs: step * 10, memory: { numTensors: 10, numBytes: 100 } } });
          }, 10);
        }, 5);
      },
      async stop(status) {
        end(status);
      },
      async close() {
        end('stopped');
        store.close();
      },
    };
  };
}

let watcher: Watcher | null = null;
let server: ViewerServer | null = null;
let client: TestClient | null = null;

async function start(dir: string, runs: FakeRun[]): Promise<{ watcher: Watcher; client: TestClient }> {
  let target: ViewerServer | null = null;
  watcher = await createWatcher({ projects: [dir], driver: fakeDriver(runs), emit: (m) => target?.broadcast(m) });
  server = target = await createViewerServer({ projects: watcher.projects, bundleDir: join(dir, 'no-bundle'), port: 0 });
  client = await connect(server.url);
  await until('the first run', () => runs.length === 1 && watcher!.projects[0]!.running());
  return { watcher, client };
}

afterEach(async () => {
  client?.close();
  await server?.close();
  await watcher?.close();
  client = null;
  server = null;
  watcher = null;
  removeTempProjects();
});

const layers = (units: number | string) => DEMO['layers.yaml']!.replace('units: 8, activation', `units: ${units}, activation`);

describe('nnc watch (stand-in training)', () => {
  it('sends diagnostics with file and line for a broken layer and leaves the run going; the fix starts a warm run', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { client } = await start(dir, runs);
    const first = runs[0]!;
    const before = client.messages.length;

    write(dir, 'layers.yaml', layers('"sixteen"'));
    const broken = await client.next('diagnostics', (m) => m.diagnostics.some((d) => d.severity === 'error'), before);
    const error = broken.diagnostics.find((d) => d.severity === 'error')!;
    expect(error.file).toBe('layers.yaml');
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/units/);
    // the run keeps streaming
    const count = client.of('training_stats').length;
    await until('more stats from the first run', () => client.of('training_stats').filter((m) => m.stats.runId === first.id).length > count + 2);
    expect(first.ended).toBeNull();
    expect(runs).toHaveLength(1);

    const mark = client.messages.length;
    write(dir, 'layers.yaml', layers(16));
    const started = await client.next('run_started', (m) => m.run.id !== first.id, mark);
    const ended = await client.next('run_ended', (m) => m.run.id === first.id, mark);
    expect(ended.run.status).toBe('superseded');
    expect(started.run.parentId).toBe(first.id);
    expect(started.warmStart).toMatchObject({ parentId: first.id, reused: ['embed'] });
    expect(runs[1]!.request.parentId).toBe(first.id);
    expect(runs[1]!.request.plan.layers[2]!.config.units).toBe(16);
    // run_ended of the old run reaches the client before run_started of the new one
    const order = client.messages.slice(mark).map((r) => r.message.type).filter((t) => t === 'run_ended' || t === 'run_started');
    expect(order).toEqual(['run_ended', 'run_started']);
    const diag = await client.next('diagnostics', (m) => m.diagnostics.length === 0, mark);
    expect(diag.project).toBe('project');

    // a client that connects now first gets the state: compiled plan, diagnostics, the running run, its latest stats
    const late = await connect(server!.url);
    try {
      await late.next('training_stats', (m) => m.stats.runId === runs[1]!.id);
      const types = late.messages.map((r) => r.message.type);
      expect(types.slice(0, 5)).toEqual(['connected', 'project_compiled', 'diagnostics', 'run_started', 'training_stats']);
      expect(late.of('run_started')[0]!.run.id).toBe(runs[1]!.id);
      expect(late.of('run_started')[0]!.warmStart?.parentId).toBe(first.id);
      expect(late.of('project_compiled')[0]!.summary.layers[2]!.outputShape).toEqual([16]);
    } finally {
      late.close();
    }
  });

  it('does not restart when the plan hash is unchanged (a comment), and announces new layers', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { client } = await start(dir, runs);
    let mark = client.messages.length;
    write(dir, 'layers.yaml', `# a comment\n${DEMO['layers.yaml']}`);
    await client.next('diagnostics', () => true, mark);
    await sleep(150);
    expect(runs).toHaveLength(1);
    expect(client.messages.slice(mark).map((r) => r.message.type)).not.toContain('run_started');

    mark = client.messages.length;
    write(dir, 'layers.yaml', `${DEMO['layers.yaml']}  - {name: extra, type: dense, units: 4}\n`);
    const created = await client.next('layer_created', () => true, mark);
    expect(created.layers).toEqual(['extra']);
    await client.next('model_created', () => true, mark);
    const compiled = await client.next('project_compiled', () => true, mark);
    expect(compiled.summary.layers.map((l) => l.name)).toEqual(['embed', 'pool', 'hidden', 'extra']);
    await until('a second run', () => runs.length === 2);
  });

  it('survives 100 saves in one second and ends on the last save', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { watcher, client } = await start(dir, runs);
    for (let i = 0; i < 100; i++) {
      // every third save is broken
      write(dir, 'layers.yaml', i % 3 === 1 ? layers('[') : layers(9 + i));
      await sleep(10);
    }
    const expected = compile(dir).plan!;
    expect(expected.layers[2]!.config.units).toBe(9 + 99);
    const project = watcher.projects[0]!;
    await until('the last plan to train', () => project.running()?.planHash === expected.hash, 5000);
    await project.settled();
    expect(project.plan()!.hash).toBe(expected.hash);
    expect(project.diagnostics()).toEqual([]);
    // every run but the last ended as superseded; one is running
    expect(runs.filter((r) => r.ended === null)).toHaveLength(1);
    expect(runs.slice(0, -1).every((r) => r.ended === 'superseded')).toBe(true);
    // a changed plan starts only once it stayed the newest for a moment: far fewer runs than valid saves (66)
    expect(runs.length).toBeLessThan(40);
    const last = client.of('diagnostics').at(-1)!;
    expect(last.diagnostics).toEqual([]);
  });

  it('follows atomic saves (write a temporary file, rename it over the original)', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { watcher } = await start(dir, runs);
    for (let i = 0; i < 10; i++) {
      atomicWrite(dir, 'layers.yaml', layers(20 + i), i);
      await sleep(30);
    }
    const expected = compile(dir).plan!;
    expect(expected.layers[2]!.config.units).toBe(29);
    await until('the last atomic save to train', () => watcher.projects[0]!.running()?.planHash === expected.hash, 5000);
  });

  it('keeps the run through a deleted file, and picks up the restored one', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { watcher, client } = await start(dir, runs);
    const project = watcher.projects[0]!;
    const mark = client.messages.length;
    remove(dir, 'layers.yaml');
    const missing = await client.next('diagnostics', (m) => m.diagnostics.some((d) => d.severity === 'error'), mark);
    expect(missing.diagnostics[0]!.message).toMatch(/Layers/);
    await sleep(100);
    expect(runs).toHaveLength(1);
    expect(project.running()?.id).toBe(runs[0]!.id);

    write(dir, 'layers.yaml', DEMO['layers.yaml']!);
    await client.next('diagnostics', (m) => m.diagnostics.length === 0, mark);
    await sleep(100);
    expect(runs).toHaveLength(1); // the same plan as the run's: nothing restarts
    // deleted and recreated in one go (some editors): same result
    remove(dir, 'layers.yaml');
    write(dir, 'layers.yaml', layers(12));
    await until('the recreated file to train', () => project.running()?.planHash === compile(dir).plan!.hash, 5000);
  });

  it('stores the diagnostics of the last compile', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { client } = await start(dir, runs);
    const mark = client.messages.length;
    write(dir, 'heads.yaml', readFileSync(join(dir, 'heads.yaml'), 'utf8').replace('attach: hidden', 'attach: hiden'));
    await client.next('diagnostics', (m) => m.diagnostics.length > 0, mark);
    const store = createRunStore(dir, { readonly: true });
    try {
      expect(store.diagnostics().map((d) => d.message).join(' ')).toMatch(/hiden/);
    } finally {
      store.close();
    }
  });
});

describe('what is watched', () => {
  it('ignores the store, git, node_modules, dot-files and files the compiler never reads', () => {
    const dir = '/p';
    expect(ignoredPath(dir, '/p/.nnc/nnc.db-wal', true)).toBe(true);
    expect(ignoredPath(dir, '/p/.nnc', false)).toBe(true);
    expect(ignoredPath(dir, '/p/.git/index', true)).toBe(true);
    expect(ignoredPath(dir, '/p/node_modules/x/a.yaml', true)).toBe(true);
    expect(ignoredPath(dir, '/p/.layers.yaml.swp', true)).toBe(true);
    expect(ignoredPath(dir, '/p/notes.txt', true)).toBe(true);
    expect(ignoredPath(dir, '/p/layers.yaml', true)).toBe(false);
    expect(ignoredPath(dir, '/p/datasets/reviews.jsonl', true)).toBe(false);
    expect(ignoredPath(dir, '/p/datasets/topics.csv', true)).toBe(false);
    expect(ignoredPath(dir, '/p/datasets', false)).toBe(false);
    expect(ignoredPath(dir, '/p', false)).toBe(false);
  });

  it('does not recompile when training writes into .nnc/ or git into .git/', async () => {
    const dir = tempProject();
    const runs: FakeRun[] = [];
    const { client } = await start(dir, runs);
    const before = client.of('diagnostics').length;
    for (let i = 0; i < 5; i++) {
      // what a training run writes: the store, checkpoints (and a YAML file there would not be read either)
      write(dir, '.nnc/runs/r1/model.json', `{"step": ${i}}`);
      write(dir, '.nnc/stray.yaml', `a: ${i}\n`);
      write(dir, '.git/index', String(i));
      await sleep(40);
    }
    await sleep(250);
    expect(client.of('diagnostics').length).toBe(before);
    expect(runs).toHaveLength(1);
  });

  it('recompiles when a dataset source changes', async () => {
    const dir = tempProject({ ...DEMO, 'datasets/reviews.yaml': DEMO['datasets/reviews.yaml']!.replace(/samples:[\s\S]*$/, 'source: reviews.jsonl\n'), 'datasets/reviews.jsonl': '{"input": "good", "label": 1}\n{"input": "bad", "label": 0}\n' });
    const runs: FakeRun[] = [];
    const { client } = await start(dir, runs);
    const mark = client.messages.length;
    write(dir, 'datasets/reviews.jsonl', '{"input": "good", "label": 1}\n{"input": "bad", "label": 0}\n{"input": "fine", "label": 1}\n');
    const compiled = await client.next('project_compiled', () => true, mark);
    expect(compiled.summary.datasets[0]!.count).toBe(3);
    await until('a run on the new data', () => runs.length === 2);
  });
});

describe('a training driver that dies', () => {
  it('marks its run failed and tells the viewer when the driver goes idle without ending the run', async () => {
    const dir = tempProject();
    const messages: ServerMessage[] = [];
    const store = createRunStore(dir);
    let onEvent: ((e: DriverEvent) => void) | null = null;
    const dying: DriverFactory = (options) => {
      onEvent = options.onEvent;
      return {
        start(request) {
          const run = store.createRun({ planHash: request.plan.hash, modelHash: request.plan.modelHash, gitCommit: null, gitDirty: false, backend: 'fake', plan: null });
          setTimeout(() => {
            options.onEvent({ type: 'run_started', run, warmStart: null });
            // the worker crashes: an error, then idle, and no run_ended
            setTimeout(() => {
              options.onEvent({ type: 'error', message: 'The training worker failed: out of memory' });
              options.onEvent({ type: 'idle' });
            }, 20);
          }, 5);
        },
        stop: async () => {},
        close: async () => {},
      };
    };
    const project = createLiveProject({ dir, name: 'p', store, driver: dying, emit: (m) => messages.push(m) });
    try {
      project.recompile();
      await until('the run to be marked failed', () => messages.find((m) => m.type === 'run_ended'));
      const ended = messages.find((m): m is Extract<ServerMessage, { type: 'run_ended' }> => m.type === 'run_ended')!;
      expect(ended.run.status).toBe('failed');
      expect(store.getRun(ended.run.id)!.info.error).toMatch(/worker ended during the run/);
      expect(project.running()).toBeNull();
      expect(onEvent).not.toBeNull();
      expect(messages.some((m) => m.type === 'training_log' && m.log.level === 'error' && /out of memory/.test(m.log.message))).toBe(true);
    } finally {
      await project.close();
      store.close();
    }
  });
});

describe('the cached compiler', () => {
  it('gives the same plan and diagnostics as compile() across edits, parsing only the files that changed', () => {
    const dir = tempProject();
    const compiler = createProjectCompiler(dir);
    const same = () => {
      const a = compiler.compile();
      const b = compile(dir);
      expect(a.plan?.hash ?? null).toBe(b.plan?.hash ?? null);
      expect(a.diagnostics).toEqual(b.diagnostics);
      expect(JSON.stringify(a.plan)).toBe(JSON.stringify(b.plan));
    };
    same();
    same();
    expect(compiler.reused).toBe(4);
    write(dir, 'layers.yaml', layers(5));
    same();
    expect(compiler.reused).toBe(3);
    write(dir, 'layers.yaml', layers('nope'));
    same();
    write(dir, 'layers.yaml', layers(5));
    same();
    remove(dir, 'datasets/reviews.yaml');
    same();
    write(dir, 'datasets/reviews.yaml', DEMO['datasets/reviews.yaml']!.replace('i hated it', 'i hated it a lot'));
    same();
    same();
  });
});
