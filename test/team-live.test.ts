// Live curves under `nnc view --store postgres://…`, against a real PostgreSQL
// server: the shared-store follower pushes a running run's new metric rows
// (training_stats: batch windows, and epoch ends with kind 'epoch'), log lines
// and weight snapshots as `nnc view <folder>` does, each once and in order;
// and end to end, a WebSocket client of `nnc view --store` receives the epochs
// of a run `nnc train --store` trains in another process while it trains.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage, TrainingStatsView } from '../src/shared/protocol.js';
import { createSharedStoreFollower } from '../src/runtime/server/shared-store-follower.js';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const started = await startPostgres();
if (started.skip) console.warn(`team-live tests skipped: ${started.skip}`);

const CLI = resolve('dist/cli.js');
const NEW_RUN = { planHash: 'p', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: { project: { name: 'tiny' } }, info: { epochs: 2 } };

/** (name, step) of every metric a training_stats message carries, as the store names them */
function pointsOf(s: TrainingStatsView): string[] {
  return [...Object.keys(s.losses).map((h) => `${h}.loss`), ...Object.keys(s.metrics)].map((name) => `${name}@${s.step}`);
}

describe.skipIf(!started.server)('live runs of a shared store', () => {
  let server: TestPostgres;
  let work: string;
  let project: string;

  beforeAll(() => {
    server = started.server!;
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'team-live-'));
    project = join(work, 'tiny');
    cpSync('test/fixtures/tiny', project, { recursive: true, filter: (src) => !src.includes('/.nnc') });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('pushes a running run\'s rows once each: a step written in two flushes, a bumped log line, the newest snapshot, then run_ended', () => {
    const url = server.createDatabase('team_live_poll');
    const writer = openSharedStore(project, url);
    const before = writer.createRun(NEW_RUN);
    writer.addMetrics(before.id, [{ step: 1, epoch: 1, name: 'verdict.loss', value: 0.9 }]);
    writer.addLog(before.id, { time: 1, level: 'info', category: 'train', message: 'old line', spam: false });
    writer.flush();
    const reader = openSharedStore(project, url, { readonly: true });
    const emitted: ServerMessage[] = [];
    const follower = createSharedStoreFollower({ store: reader, project: 'tiny', emit: (m) => emitted.push(m), intervalMs: 0 });
    try {
      // a run running when following starts: only what it writes from now on
      expect(follower.poll()).toEqual([]);
      writer.addMetrics(before.id, [{ step: 1, epoch: 1, name: 'verdict.val_loss', value: 0.8 }]);
      writer.flush();
      const late = follower.poll();
      expect(late.map((m) => m.type)).toEqual(['training_stats']);
      expect((late[0] as Extract<ServerMessage, { type: 'training_stats' }>).stats).toMatchObject({ runId: before.id, step: 1, kind: 'epoch', metrics: { 'verdict.val_loss': 0.8 }, losses: {} });

      const run = writer.createRun(NEW_RUN);
      writer.addMetrics(run.id, [
        { step: 4, epoch: 1, name: 'verdict.loss', value: 0.7 },
        { step: 4, epoch: 1, name: 'lr', value: 0.02 },
        { step: 4, epoch: 1, name: 'grad_norm', value: 1.5 },
      ]);
      writer.addLog(run.id, { time: 2, level: 'warning', category: 'train', message: 'slow batch', spam: false });
      writer.flush();
      // the epoch's validation at the same step, in a later transaction
      writer.addMetrics(run.id, [{ step: 4, epoch: 1, name: 'verdict.val_loss', value: 0.6 }, { step: 4, epoch: 1, name: 'loss', value: 0.65 }]);
      writer.addLog(run.id, { time: 3, level: 'warning', category: 'train', message: 'slow batch', spam: false });
      writer.addSnapshot(run.id, { step: 4, epoch: 1, time: 4, tensors: [] });
      writer.addSnapshot(run.id, { step: 8, epoch: 2, time: 5, tensors: [] });
      writer.flush();
      const first = follower.poll();
      expect(first.map((m) => m.type)).toEqual(['run_started', 'training_stats', 'training_stats', 'training_log', 'weights_update']);
      const [batch, epoch] = first.filter((m) => m.type === 'training_stats').map((m) => (m as Extract<ServerMessage, { type: 'training_stats' }>).stats);
      expect(batch).toMatchObject({ runId: run.id, step: 4, epoch: 1, kind: 'batch', losses: { verdict: 0.7 }, metrics: {}, learningRate: 0.02, gradNorm: 1.5 });
      expect(epoch).toMatchObject({ runId: run.id, step: 4, epoch: 1, kind: 'epoch', losses: {}, metrics: { 'verdict.val_loss': 0.6, loss: 0.65 }, learningRate: 0.02, progress: 0.5 });
      expect(first[3]).toMatchObject({ log: { runId: run.id, message: 'slow batch', count: 2 } });
      expect(first[4]).toMatchObject({ runId: run.id, step: 8 });
      // nothing new: nothing sent again
      expect(follower.poll()).toEqual([]);

      // a later flush with the next step, and rows of the same step from another transaction
      writer.addMetrics(run.id, [{ step: 8, epoch: 2, name: 'verdict.loss', value: 0.5 }]);
      writer.flush();
      writer.addMetrics(run.id, [{ step: 8, epoch: 2, name: 'verdict.val_loss', value: 0.4 }]);
      writer.addLog(run.id, { time: 6, level: 'warning', category: 'train', message: 'slow batch', spam: false });
      writer.endRun(run.id, 'completed');
      const last = follower.poll();
      expect(last.map((m) => m.type)).toEqual(['training_stats', 'training_stats', 'training_log', 'run_ended']);
      expect(last.slice(0, 2).map((m) => pointsOf((m as Extract<ServerMessage, { type: 'training_stats' }>).stats))).toEqual([['verdict.loss@8'], ['verdict.val_loss@8']]);
      expect(last[2]).toMatchObject({ log: { message: 'slow batch', count: 3 } });
      expect(last[3]).toMatchObject({ run: { id: run.id, status: 'completed' } });
      expect(follower.poll()).toEqual([]);
    } finally {
      follower.close();
      reader.close();
      writer.close();
    }
  });

  it('a WebSocket client of nnc view --store gets the epochs of a run nnc train --store trains, while it trains, in order, each once', { timeout: 180_000 }, async () => {
    const url = server.createDatabase('team_live_cli');
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    delete env.NNC_STORE;
    // the project's first run puts it in the store, so the viewer serves it
    const first = spawnSync(process.execPath, [CLI, 'train', project, '--store', url, '--epochs', '1'], { encoding: 'utf8', cwd: work, env });
    expect(first.status, first.stderr).toBe(0);

    let view: ChildProcess | null = spawn(process.execPath, [CLI, 'view', '--store', url, '--port', '0'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const base = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`nnc view did not start: ${out}`)), 30_000);
        const read = (b: Buffer) => {
          out += b;
          const m = out.match(/viewer at (http:\/\/[^\s;]+)/);
          if (m) {
            clearTimeout(timer);
            resolveUrl(m[1]!.replace(/\/$/, ''));
          }
        };
        view!.stdout!.on('data', read);
        view!.stderr!.on('data', read);
      });
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?batch=1`);
      const received: Array<{ at: number; message: ServerMessage }> = [];
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ServerMessage | { type: 'batch'; messages: ServerMessage[] };
        for (const message of frame.type === 'batch' ? frame.messages : [frame]) received.push({ at: Date.now(), message });
      });
      await new Promise((r) => ws.once('open', r));

      const epochs = 16;
      const trained = await new Promise<{ runId: string; exitedAt: number }>((resolveRun) => {
        const child = spawn(process.execPath, [CLI, 'train', project, '--store', url, '--epochs', String(epochs), '--format', 'json'], { cwd: work, env, stdio: ['ignore', 'pipe', 'ignore'] });
        let stdout = '';
        child.stdout!.on('data', (b) => (stdout += b));
        child.on('exit', () => resolveRun({ runId: (JSON.parse(stdout) as { run: { id: string } }).run.id, exitedAt: Date.now() }));
      });
      const end = Date.now() + 15_000;
      const ended = () => received.some(({ message: m }) => m.type === 'run_ended' && m.run.id === trained.runId);
      while (!ended() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      ws.close();

      const ofRun = received.filter(({ message: m }) =>
        ((m.type === 'run_started' || m.type === 'run_ended') && m.run.id === trained.runId) || (m.type === 'training_stats' && m.stats.runId === trained.runId));
      expect(ofRun[0]!.message.type).toBe('run_started');
      expect(ofRun[ofRun.length - 1]!.message).toMatchObject({ type: 'run_ended', run: { status: 'completed' } });
      const epochStats = ofRun.filter(({ message: m }) => m.type === 'training_stats' && m.stats.kind === 'epoch').map(({ at, message }) => ({ at, stats: (message as Extract<ServerMessage, { type: 'training_stats' }>).stats }));
      // every epoch's end once, in order, with the values the store holds
      expect(epochStats.map((e) => e.stats.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
      const store = openSharedStore(project, url, { readonly: true });
      try {
        const stored = store.metrics(trained.runId, ['verdict.val_loss']).sort((a, b) => a.step - b.step);
        expect(epochStats.map((e) => [e.stats.step, e.stats.metrics['verdict.val_loss']])).toEqual(stored.map((p) => [p.step, p.value]));
      } finally {
        store.close();
      }
      // live: the first epochs reached the page before the training process was done
      expect(epochStats[0]!.at).toBeLessThan(trained.exitedAt);
      // no metric point of the run pushed twice
      const points = ofRun.flatMap(({ message: m }) => (m.type === 'training_stats' ? pointsOf(m.stats) : []));
      expect(points.length).toBeGreaterThan(epochs);
      expect(new Set(points).size).toBe(points.length);
    } finally {
      view.kill('SIGINT');
      await new Promise((r) => view!.on('exit', r));
      view = null;
    }
  });
});
