// Live nnc view: what another process writes to the store becomes the watch
// protocol's messages; and nnc runs' resource figures from the sys.* series.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/shared/protocol.js';
import { createStoreFollower } from '../src/runtime/server/store-follower.js';
import { runResources } from '../src/runtime/store/resource-summary.js';
import { createRunStore } from '../src/runtime/store/store.js';
import type { NewRun } from '../src/runtime/store/types.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-follow-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const newRun: NewRun = { planHash: 'h', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: null, info: { epochs: 2 } };
const tensor = { name: 'hidden/kernel', layer: 'hidden', shape: [2, 2], mean: 0, std: 1, min: -1, max: 1, histogram: new Array(20).fill(0), gradNorm: 0.5 };

describe('the store follower', () => {
  it('sends what a writer adds after it started, as nnc watch would, and nothing stored before', () => {
    const dir = temp();
    const writer = createRunStore(dir);
    const old = writer.createRun(newRun);
    writer.addMetrics(old.id, [{ step: 1, epoch: 1, name: 'h.loss', value: 9 }]);
    writer.addLog(old.id, { time: 1, level: 'info', category: 'train', message: 'old line', spam: false });
    writer.flush();
    const sent: ServerMessage[] = [];
    const follower = createStoreFollower({ dir, project: 'demo', emit: (m) => sent.push(m), intervalMs: 0 });
    expect(follower.poll()).toEqual([]);

    const run = writer.createRun(newRun);
    writer.addMetrics(run.id, [
      { step: 10, epoch: 1, name: 'h.loss', value: 0.7 },
      { step: 10, epoch: 1, name: 'h.accuracy', value: 0.5 },
      { step: 10, epoch: 1, name: 'lr', value: 0.01 },
      { step: 10, epoch: 1, name: 'grad_norm', value: 1.5 },
      { step: 10, epoch: 1, name: 'sys.rss', value: 2e8 },
      { step: 10, epoch: 1, name: 'sys.tensors', value: 40 },
      { step: 10, epoch: 1, name: 'sys.samples_per_second', value: 900 },
    ]);
    writer.addLog(run.id, { time: 2, level: 'info', category: 'train', message: 'Epoch 1/2: loss 0.7.', spam: false });
    writer.addSnapshot(run.id, { step: 10, epoch: 1, time: 3, tensors: [tensor] });
    writer.flush();
    const first = follower.poll();
    expect(first.map((m) => m.type)).toEqual(['run_started', 'training_stats', 'training_log', 'weights_update']);
    expect(first.every((m) => 'project' in m && m.project === 'demo')).toBe(true);
    const stats = first[1] as Extract<ServerMessage, { type: 'training_stats' }>;
    expect(stats.stats).toMatchObject({ runId: run.id, step: 10, epoch: 1, losses: { h: 0.7 }, metrics: { 'h.accuracy': 0.5 }, learningRate: 0.01, gradNorm: 1.5, rssBytes: 2e8, numTensors: 40, samplesPerSecond: 900, progress: 0 });
    expect((first[2] as Extract<ServerMessage, { type: 'training_log' }>).log).toMatchObject({ runId: run.id, message: 'Epoch 1/2: loss 0.7.', count: 1 });
    expect((first[3] as Extract<ServerMessage, { type: 'weights_update' }>).tensors[0]).toMatchObject({ name: 'hidden/kernel', gradNorm: 0.5 });

    // an epoch's validation written in a later flush: the same run's lr carried over; a repeated line re-sent with its count
    writer.addMetrics(run.id, [{ step: 10, epoch: 1, name: 'val_loss', value: 0.8 }, { step: 10, epoch: 1, name: 'h.val_loss', value: 0.8 }]);
    writer.addLog(run.id, { time: 4, level: 'info', category: 'train', message: 'Epoch 1/2: loss 0.7.', spam: false });
    writer.flush();
    const second = follower.poll();
    expect(second.map((m) => m.type)).toEqual(['training_stats', 'training_log']);
    expect((second[0] as Extract<ServerMessage, { type: 'training_stats' }>).stats).toMatchObject({ metrics: { val_loss: 0.8, 'h.val_loss': 0.8 }, losses: {}, learningRate: 0.01, progress: 0.5, kind: 'epoch' });
    expect(stats.stats.kind).toBe('batch');

    // a batch window and the epoch's end in one flush: two messages, the epoch's its own (the channel coalesces batch windows only)
    writer.addMetrics(run.id, [
      { step: 20, epoch: 2, name: 'h.loss', value: 0.4 },
      { step: 20, epoch: 2, name: 'val_loss', value: 0.5 },
      { step: 20, epoch: 2, name: 'loss', value: 0.4 },
    ]);
    writer.flush();
    const both = follower.poll() as Extract<ServerMessage, { type: 'training_stats' }>[];
    expect(both.map((m) => [m.type, m.stats.kind, m.stats.step, Object.keys(m.stats.losses), Object.keys(m.stats.metrics).sort()])).toEqual([
      ['training_stats', 'batch', 20, ['h'], []],
      ['training_stats', 'epoch', 20, [], ['loss', 'val_loss']],
    ]);
    expect((second[1] as Extract<ServerMessage, { type: 'training_log' }>).log).toMatchObject({ id: (first[2] as Extract<ServerMessage, { type: 'training_log' }>).log.id, count: 2 });

    writer.endRun(run.id, 'completed');
    const ended = follower.poll();
    expect(ended.map((m) => m.type)).toEqual(['run_ended']);
    expect((ended[0] as Extract<ServerMessage, { type: 'run_ended' }>).run).toMatchObject({ id: run.id, status: 'completed' });
    expect(follower.poll()).toEqual([]);
    expect(sent.length).toBe(first.length + second.length + both.length + ended.length);
    follower.close();
    writer.close();
  });

  it('follows a store created after it started from its first row', () => {
    const dir = temp();
    const sent: ServerMessage[] = [];
    const follower = createStoreFollower({ dir, project: 'later', emit: (m) => sent.push(m), intervalMs: 0 });
    expect(follower.poll()).toEqual([]);
    const writer = createRunStore(dir);
    const run = writer.createRun(newRun);
    writer.addMetrics(run.id, [{ step: 5, epoch: 1, name: 'h.loss', value: 0.3 }]);
    writer.flush();
    expect(follower.poll().map((m) => m.type)).toEqual(['run_started', 'training_stats']);
    follower.close();
    writer.close();
  });
});

describe('nnc runs: resource figures', () => {
  it('peak RSS and the mean of samples/s from the sys.* series; the info figure for runs without them', () => {
    const dir = temp();
    const store = createRunStore(dir);
    const run = store.createRun(newRun);
    store.addMetrics(run.id, [
      { step: 10, epoch: 1, name: 'sys.rss', value: 100 },
      { step: 20, epoch: 1, name: 'sys.rss', value: 300 },
      { step: 30, epoch: 2, name: 'sys.rss', value: 200 },
      { step: 10, epoch: 1, name: 'sys.samples_per_second', value: 10 },
      { step: 20, epoch: 1, name: 'sys.samples_per_second', value: 30 },
    ]);
    store.endRun(run.id, 'completed', { samplesPerSecond: 99 });
    expect(runResources(store, store.getRun(run.id)!)).toEqual({ peakRssBytes: 300, meanSamplesPerSecond: 20 });
    const older = store.createRun(newRun);
    store.endRun(older.id, 'completed', { samplesPerSecond: 42 });
    expect(runResources(store, store.getRun(older.id)!)).toEqual({ peakRssBytes: null, meanSamplesPerSecond: 42 });
    store.close();
  });
});
