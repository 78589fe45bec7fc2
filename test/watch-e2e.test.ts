// nnc watch end to end: real files, chokidar, training in a real worker thread
// (the worker entry bundled with esbuild, as the build does), the real server
// and a real WebSocket client.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerServer, type ViewerServer } from '../src/runtime/server/server.js';
import { createWorkerDriver } from '../src/runtime/watch/worker-driver.js';
import { createWatcher, type Watcher } from '../src/runtime/watch/watcher.js';
import type { TrainingStatsView } from '../src/shared/protocol.js';
import { bundleTrainWorker } from './helpers/train-worker.js';
import { connect, removeTempProjects, sleep, tempProject, TINY, until, write, type TestClient } from './watch-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'node_modules', '.cache', `nnc-watch-e2e-${process.pid}`);
let workerUrl: URL;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, 'train-worker.js');
  await bundleTrainWorker(ROOT, outfile);
  workerUrl = pathToFileURL(outfile);
});

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  removeTempProjects();
});

const epochStats = (client: TestClient, runId: string): TrainingStatsView[] =>
  client.of('training_stats').map((m) => m.stats).filter((s) => s.runId === runId && s.kind === 'epoch');

describe('nnc watch, training in a worker thread', () => {
  let watcher: Watcher;
  let server: ViewerServer;
  let client: TestClient;

  afterAll(async () => {
    client?.close();
    await server?.close();
    await watcher?.close();
  });

  it('streams a run, keeps it through a broken layer, restarts warm on the fix and on a head-only edit', async () => {
    const dir = tempProject(TINY);
    let target: ViewerServer | null = null;
    watcher = await createWatcher({
      projects: [dir],
      driver: (options) => createWorkerDriver({ ...options, workerUrl }),
      backend: 'cpu',
      // long runs, so each edit meets a run under way (the fixture alone trains in about a second here)
      epochs: 500,
      emit: (m) => target?.broadcast(m),
    });
    server = target = await createViewerServer({ projects: watcher.projects, bundleDir: join(dir, 'none'), port: 0 });
    client = await connect(server.url);

    // 1. the cold run streams
    const cold = (await client.next('run_started')).run;
    expect(cold.parentId).toBeNull();
    await until('the cold run\'s first epoch', () => epochStats(client, cold.id).length >= 1, 30_000);
    const coldFirstValLoss = epochStats(client, cold.id)[0]!.metrics.val_loss!;
    expect(coldFirstValLoss).toBeGreaterThan(0.3);

    // 2. a broken layer: diagnostics with file and line, and the run keeps going
    let mark = client.messages.length;
    const layers = readFileSync(join(dir, 'layers.yaml'), 'utf8');
    write(dir, 'layers.yaml', layers.replace('units: 16, activation', 'units: sixteen, activation'));
    const broken = await client.next('diagnostics', (m) => m.diagnostics.length > 0, mark);
    expect(broken.diagnostics[0]).toMatchObject({ file: 'layers.yaml', line: 7, severity: 'error' });
    expect(broken.diagnostics[0]!.message).toMatch(/units/);
    const statsBefore = client.of('training_stats').filter((m) => m.stats.runId === cold.id).length;
    await until('more stats from the cold run', () => client.of('training_stats').filter((m) => m.stats.runId === cold.id).length > statsBefore + 1, 20_000);
    expect(client.of('run_ended').filter((m) => m.run.id === cold.id)).toHaveLength(0);
    expect(client.of('run_started')).toHaveLength(1);

    // 3. the fix (a different width) supersedes the cold run with a warm-started one
    mark = client.messages.length;
    write(dir, 'layers.yaml', layers.replace('units: 16, activation', 'units: 24, activation'));
    const fixed = await client.next('run_started', (m) => m.run.id !== cold.id, mark, 20_000);
    const superseded = client.of('run_ended').find((m) => m.run.id === cold.id)!;
    expect(superseded.run.status).toBe('superseded');
    expect(fixed.run.parentId).toBe(cold.id);
    expect(fixed.warmStart).toMatchObject({ parentId: cold.id, reused: ['embed'] });
    expect(fixed.warmStart!.fresh).toEqual(expect.arrayContaining(['hidden']));
    await until('three epochs of the fixed run', () => epochStats(client, fixed.run.id).length >= 3, 30_000);

    // 4. a head-only edit: every layer keeps its weights, and the run starts far better than a cold start
    mark = client.messages.length;
    const heads = readFileSync(join(dir, 'heads.yaml'), 'utf8');
    write(dir, 'heads.yaml', heads.replace('loss: crossentropy', 'loss: crossentropy\n    labelSmoothing: 0.01'));
    const warm = await client.next('run_started', (m) => m.run.id !== fixed.run.id, mark, 20_000);
    expect(warm.run.parentId).toBe(fixed.run.id);
    expect(warm.warmStart!.reused).toEqual(expect.arrayContaining(['embed', 'hidden']));
    const warmLog = await client.next('training_log', (m) => m.log.category === 'warmstart' && m.log.runId === warm.run.id, mark);
    expect(warmLog.log.message).toMatch(/reused 'embed', 'hidden'/);
    await until('the warm run\'s first epoch', () => epochStats(client, warm.run.id).length >= 1, 30_000);
    const warmFirstValLoss = epochStats(client, warm.run.id)[0]!.metrics.val_loss!;
    console.log(`first val_loss: cold ${coldFirstValLoss.toFixed(4)}, warm after a head-only edit ${warmFirstValLoss.toFixed(4)}`);
    expect(warmFirstValLoss).toBeLessThan(coldFirstValLoss / 3);

    // the store agrees: parent links and statuses
    const runs = await (await fetch(new URL('/api/runs', server.url))).json() as Array<{ id: string; status: string; parentId: string | null; info: Record<string, unknown> }>;
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(cold.id)).toMatchObject({ status: 'superseded', parentId: null });
    expect(byId.get(fixed.run.id)).toMatchObject({ status: 'superseded', parentId: cold.id });
    expect(byId.get(warm.run.id)!.parentId).toBe(fixed.run.id);
    expect(byId.get(fixed.run.id)!.info.warmStart).toMatchObject({ parentId: cold.id, reused: ['embed'] });
  }, 90_000);

  it('copies embedding rows by token text when the vocabulary changes', async () => {
    const dir = tempProject(TINY);
    const vocabularyRun = await createWatcher({
      projects: [dir],
      driver: (options) => createWorkerDriver({ ...options, workerUrl }),
      backend: 'cpu',
      epochs: 500,
    });
    try {
      const project = vocabularyRun.projects[0]!;
      const first = await until('the first run', () => project.running(), 30_000);
      await sleep(300);
      const tokens = readFileSync(join(dir, 'tokens.yaml'), 'utf8');
      write(dir, 'tokens.yaml', tokens.replace('general: [the, was, very, really]', 'general: [the, was, very, really, quite, rather]'));
      const second = await until('the warm run', () => (project.running()?.id !== first.id ? project.running() : null), 30_000);
      expect(second.parentId).toBe(first.id);
      expect(project.plan()!.vocabulary.tokens).toContain('rather');
      const log = await until('the warm start log line', () => project.store()!.logs({ runId: second.id }).find((l) => l.category === 'warmstart'), 10_000, 50);
      expect(log.message).toMatch(/reused 'embed', 'hidden', 'verdict'/);
      expect(log.message).toMatch(/embedding rows copied by token text in 'embed' \(\d+ rows\)/);
    } finally {
      await vocabularyRun.close();
    }
  }, 60_000);
});
