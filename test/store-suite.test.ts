// One suite, two run stores: the project's SQLite file and the shared
// PostgreSQL store (a throwaway cluster, a database per test). Whatever the
// RunStore interface promises, both keep.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointHandler, hasCheckpoint } from '../src/runtime/store/checkpoint.js';
import { openRunStore } from '../src/runtime/store/open-store.js';
import type { NewRun, RunStore, Snapshot } from '../src/runtime/store/types.js';
import { FLUSH_INTERVAL_MS } from '../src/runtime/store/write-buffer.js';
import { readStoreSweeps, sweepWriterFor } from '../src/runtime/sweep/sweep-store.js';
import { postgresForFile, storeScratch } from './helpers/store-test-setup.js';

const started = await postgresForFile('store-suite: PostgreSQL cases skipped');
const pg = started.server;
const skip = started.skip;

const { stores, folder: projectFolder } = storeScratch('nnc-suite-');
/** A project folder whose Project document is named 'demo', like the runs' plans. */
const folder = (): string => projectFolder('demo');

let databases = 0;
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** a fresh store location: a project folder (SQLite) or a new database (PostgreSQL) */
  fresh(): { dir: string; store?: string };
}
const backends: Backend[] = [
  { name: 'sqlite', fresh: () => ({ dir: folder() }) },
  { name: 'postgres', fresh: () => ({ dir: folder(), store: pg!.createDatabase(`suite_${process.pid}_${++databases}`) }) },
];

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  planHash: 'plan0000aaaa',
  modelHash: 'model000bbbb',
  gitCommit: 'c0ffee',
  gitDirty: false,
  backend: 'cpu',
  plan: { project: { name: 'demo' }, layers: [1, 2] },
  ...over,
});

const tensor = (name: string, mean: number, gradNorm: number | null) => ({
  name,
  layer: name.split('/')[0]!,
  shape: [4, 2],
  mean,
  std: 0.1,
  min: -1,
  max: 1,
  histogram: Array.from({ length: 20 }, (_, i) => i),
  gradNorm,
});

/** What tfjs hands a save: a topology, weight specs and the weights' bytes. */
function artifacts(values: number[]) {
  const weights = new Float32Array(values);
  return {
    modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [] } },
    weightSpecs: [{ name: 'dense/kernel', shape: [values.length], dtype: 'float32' as const }],
    weightData: weights.buffer.slice(0),
    format: 'layers-model',
  };
}

describe.each(backends)('run store on $name', (backend) => {
  let where: { dir: string; store?: string };
  const open = (options: Parameters<typeof openRunStore>[1] = {}, dir = where.dir) => {
    const store = openRunStore(dir, { ...(where.store ? { store: where.store } : {}), ...options });
    stores.push(store);
    return store;
  };
  const skipped = () => {
    if (backend.name === 'postgres' && !pg) {
      console.warn(`skipped: ${skip}`);
      return true;
    }
    where = backend.fresh();
    return false;
  };

  it('creates, ends, merges best and info, keeps the plan, lists newest first', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const run = store.createRun(newRun({ info: { epochs: 3 }, parentId: null }));
    expect(run).toMatchObject({ status: 'running', project: 'demo', gitCommit: 'c0ffee', gitDirty: false, endedAt: null, best: {} });
    store.updateBest(run.id, { 'sentiment.val_loss': 0.5 });
    store.updateBest(run.id, { 'sentiment.val_accuracy': 0.9 });
    store.recordEpochBest(run.id, { 'sentiment.val_loss': 0.4, 'sentiment.val_accuracy': 0.8, lr: 0.1 });
    store.endRun(run.id, 'completed', { stoppedAt: 'epoch 3' });
    const ended = store.getRun(run.id)!;
    expect(ended.status).toBe('completed');
    expect(ended.endedAt).toBeGreaterThanOrEqual(ended.startedAt);
    expect(ended.best).toEqual({ 'sentiment.val_loss': 0.4, 'sentiment.val_accuracy': 0.9 });
    expect(ended.info).toEqual({ epochs: 3, stoppedAt: 'epoch 3' });
    expect(store.getPlan(run.id)).toEqual({ project: { name: 'demo' }, layers: [1, 2] });
    expect(store.getPlan('nope')).toBeNull();
    expect(store.getRun('nope')).toBeNull();
    const b = store.createRun(newRun());
    const c = store.createRun(newRun());
    expect(store.listRuns().map((r) => r.id)).toEqual([c.id, b.id, run.id]);
    expect(store.listRuns({ limit: 2 }).map((r) => r.id)).toEqual([c.id, b.id]);
  });

  it('latestRun: newest completed or stopped run, by plan or model hash, or by status; pin and unpin', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const old = store.createRun(newRun({ planHash: 'P1', modelHash: 'M1' }));
    store.endRun(old.id, 'completed');
    const stopped = store.createRun(newRun({ planHash: 'P2', modelHash: 'M1' }));
    store.endRun(stopped.id, 'stopped');
    const failed = store.createRun(newRun({ planHash: 'P1', modelHash: 'M1' }));
    store.endRun(failed.id, 'failed');
    const running = store.createRun(newRun({ planHash: 'P1', modelHash: 'M1' }));
    expect(store.latestRun()?.id).toBe(stopped.id);
    expect(store.latestRun({ planHash: 'P1' })?.id).toBe(old.id);
    expect(store.latestRun({ modelHash: 'M1' })?.id).toBe(stopped.id);
    expect(store.latestRun({ planHash: 'P2', modelHash: 'M9' })).toBeNull();
    expect(store.latestRun({ planHash: 'P1', status: ['failed'] })?.id).toBe(failed.id);
    expect(store.latestRun({ status: ['running'] })?.id).toBe(running.id);
    expect(store.pinnedRun()).toBeNull();
    store.pinRun(old.id);
    expect(store.pinnedRun()).toBe(old.id);
    store.close();
    expect(open().pinnedRun()).toBe(old.id);
    stores.at(-1)!.pinRun(null);
    expect(stores.at(-1)!.pinnedRun()).toBeNull();
  });

  it('buffers metrics: written on flush, on the timer and at close; NaN and name filters kept', async ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const reader = open({ readonly: true });
    const run = store.createRun(newRun());
    store.addMetrics(run.id, [
      { step: 2, epoch: 0, name: 'loss', value: 0.4 },
      { step: 1, epoch: 0, name: 'loss', value: 0.9 },
      { step: 1, epoch: 0, name: 'acc', value: 0.3 },
      { step: 1, epoch: 0, name: 'grad_norm', value: Number.NaN },
    ]);
    expect(reader.metrics(run.id)).toEqual([]); // not written yet
    expect(store.metrics(run.id, ['loss'])).toEqual([
      { step: 1, epoch: 0, name: 'loss', value: 0.9 },
      { step: 2, epoch: 0, name: 'loss', value: 0.4 },
    ]);
    expect(reader.metrics(run.id).map((m) => m.name)).toEqual(['acc', 'grad_norm', 'loss', 'loss']);
    expect(reader.metrics(run.id, ['grad_norm'])[0]!.value).toBeNaN();
    expect(reader.metrics(run.id, [])).toEqual([]);
    store.addMetrics(run.id, [{ step: 3, epoch: 1, name: 'loss', value: 0.2 }]);
    await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS * 2 + 50));
    expect(reader.metrics(run.id)).toHaveLength(5);
    store.addMetrics(run.id, Array.from({ length: 600 }, (_, i) => ({ step: 10 + i, epoch: 2, name: 'loss', value: i })));
    expect(reader.metrics(run.id)).toHaveLength(605); // 500 waiting: written at once
    store.addLog(run.id, { time: 5, level: 'info', category: 'train', message: 'done', spam: false });
    store.endRun(run.id, 'completed');
    expect(reader.logs().map((l) => l.message)).toEqual(['done']);
  });

  it('collapses identical consecutive lines of a run, across flushes and reopenings', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    let store = open();
    const a = store.createRun(newRun());
    const b = store.createRun(newRun());
    const line = (message: string, time = 1) => ({ time, level: 'warning' as const, category: 'data', message, spam: false });
    store.addLog(a.id, line('empty label', 1));
    store.addLog(b.id, line('other run'));
    store.addLog(a.id, line('empty label', 2));
    store.flush();
    store.addLog(a.id, line('empty label', 3));
    store.addLog(a.id, { ...line('empty label'), level: 'error' });
    store.addLog(a.id, line('empty label'));
    store.addLog(null, line('project line'));
    store.addLog(null, line('project line'));
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.addLog(b.id, { ...line('batch 1'), spam: true });
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.addLog(b.id, { ...line('batch 2'), spam: true });
    store.addLog(b.id, { ...line('batch 2'), spam: true });
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.close();
    store = open();
    store.addLog(a.id, line('empty label'));
    expect(store.logs({ runId: a.id }).map((l) => [l.level, l.message, l.count, l.time])).toEqual([
      ['warning', 'empty label', 3, 1],
      ['error', 'empty label', 1, 1],
      ['warning', 'empty label', 2, 1],
    ]);
    expect(store.logs({ runId: b.id, spam: true }).map((l) => [l.message, l.count])).toEqual([
      ['other run', 1],
      ['NaN loss, batch skipped', 3],
      ['batch 1', 1],
      ['batch 2', 2],
    ]);
    expect(store.logs().filter((l) => l.runId === null).map((l) => [l.message, l.count])).toEqual([['project line', 2]]);
  });

  it('filters logs by level and above, substring, spam, run, afterId and limit', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const a = store.createRun(newRun());
    const b = store.createRun(newRun());
    let t = 0;
    const add = (run: string | null, level: 'debug' | 'info' | 'warning' | 'error', message: string, spam = false, category = 'train') =>
      store.addLog(run, { time: ++t, level, category, message, spam });
    add(a.id, 'debug', 'batch 1 loss 0.9', true);
    add(a.id, 'info', 'Epoch 1: loss 0.5');
    add(a.id, 'warning', 'Learning rate 100% too HIGH_ish');
    add(b.id, 'error', 'NaN loss at step 4');
    add(null, 'info', 'compiled 3 files', false, 'compile');
    add(a.id, 'debug', 'batch 2 loss 0.4', true);
    const messages = (f: Parameters<RunStore['logs']>[0]) => store.logs(f).map((l) => l.message);
    expect(messages({})).toEqual(['Epoch 1: loss 0.5', 'Learning rate 100% too HIGH_ish', 'NaN loss at step 4', 'compiled 3 files']);
    expect(messages({ spam: true })).toHaveLength(6);
    expect(messages({ level: 'warning' })).toEqual(['Learning rate 100% too HIGH_ish', 'NaN loss at step 4']);
    expect(messages({ level: 'error' })).toEqual(['NaN loss at step 4']);
    expect(messages({ runId: a.id, spam: true })).toEqual(['batch 1 loss 0.9', 'Epoch 1: loss 0.5', 'Learning rate 100% too HIGH_ish', 'batch 2 loss 0.4']);
    expect(messages({ q: 'LOSS' })).toEqual(['Epoch 1: loss 0.5', 'NaN loss at step 4']);
    expect(messages({ q: '0%' })).toEqual(['Learning rate 100% too HIGH_ish']);
    expect(messages({ q: 'e_1' })).toEqual([]);
    expect(messages({ category: 'compile' })).toEqual(['compiled 3 files']);
    expect(messages({ spam: true, limit: 2 })).toEqual(['compiled 3 files', 'batch 2 loss 0.4']);
    const all = store.logs({ spam: true });
    expect(messages({ spam: true, afterId: all[3]!.id })).toEqual(['compiled 3 files', 'batch 2 loss 0.4']);
  });

  it('round-trips snapshots (newest by step, NaN kept), evaluations and the last diagnostics', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const run = store.createRun(newRun());
    const other = store.createRun(newRun());
    const s1: Snapshot = { step: 10, epoch: 0, time: 100, tensors: [tensor('hidden/kernel', 0.01, 0.5), tensor('hidden/bias', 0, null)] };
    const s2: Snapshot = { step: 20, epoch: 1, time: 200, tensors: [tensor('hidden/kernel', Number.NaN, Number.NaN)] };
    const empty: Snapshot = { step: 5, epoch: 0, time: 50, tensors: [] };
    store.addSnapshot(run.id, s2);
    store.addSnapshot(run.id, s1);
    store.addSnapshot(run.id, empty);
    expect(store.snapshots(run.id)).toEqual([empty, s1, s2]);
    const latest = store.latestSnapshot(run.id)!;
    expect(latest.step).toBe(20);
    expect(latest.tensors[0]!.mean).toBeNaN();
    expect(latest.tensors[0]!.gradNorm).toBeNaN();
    expect(store.latestSnapshot('other')).toBeNull();

    const evaluation = { runId: run.id, split: 'test', data: null, checkpoint: 'best' as const, planHash: 'P', count: 12, metrics: { spam: { f1: 0.75 } }, heads: { spam: { confusion: [[1, 2], [3, 4]] } } };
    const first = store.addEvaluation(evaluation);
    const second = store.addEvaluation({ ...evaluation, runId: other.id, split: 'file', data: 'x.csv', checkpoint: 'last' });
    expect(second.id).toBeGreaterThan(first.id);
    expect(store.evaluations(run.id)).toEqual([{ ...evaluation, id: first.id, createdAt: first.createdAt }]);
    expect(store.evaluations().map((e) => [e.runId, e.checkpoint, e.data])).toEqual([[run.id, 'best', null], [other.id, 'last', 'x.csv']]);

    const d = { code: 3001, severity: 'error' as const, message: "Unknown layer 'hiden'. Did you mean 'hidden'?", file: '/p/model.yaml', line: 3, column: 5, length: 5 };
    store.saveDiagnostics([d, { ...d, code: 2001, severity: 'warning', notes: ['a note'], suggestion: 'hidden' }]);
    expect(store.diagnostics()).toEqual([d, { ...d, code: 2001, severity: 'warning', notes: ['a note'], suggestion: 'hidden' }]);
    store.saveDiagnostics([d]);
    expect(store.diagnostics()).toEqual([d]);
    store.saveDiagnostics([]);
    expect(store.diagnostics()).toEqual([]);
  });

  it('records sweeps and their trials through the store-independent seam', ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const writer = sweepWriterFor(store, where.dir);
    const sweep = writer.createSweep({
      name: 'lr-grid', method: 'grid', metric: 'val_loss', mode: 'min', parallel: 2, spec: { kind: 'Sweep' }, info: { trials: 2 },
      trials: [{ trial: 1, params: { lr: 0.1 }, planHash: 'A' }, { trial: 2, params: { lr: 0.01 }, planHash: 'B' }],
    });
    const run = store.createRun(newRun());
    writer.tagRun(run.id, sweep.id, 2);
    writer.updateTrial(sweep.id, 2, { status: 'completed', runId: run.id, value: 0.25, epochs: 3 });
    writer.updateTrial(sweep.id, 1, { status: 'pruned', value: Number.NaN, stoppedAt: 1 });
    writer.endSweep(sweep.id, 'completed', { durationMs: 5 });
    writer.close();
    const seen = readStoreSweeps(store, where.dir, (r) => ({ list: r.listSweeps(), found: r.findSweep(sweep.id.slice(0, 6)), byName: r.findSweep('lr-grid'), trials: r.trials(sweep.id), runs: r.runs(sweep.id), none: r.findSweep('zzz') }));
    expect(seen.list.map((s) => [s.id, s.status, s.info])).toEqual([[sweep.id, 'completed', { trials: 2, durationMs: 5 }]]);
    expect(seen.found).toMatchObject({ id: sweep.id });
    expect(seen.byName).toMatchObject({ id: sweep.id });
    expect(seen.none).toMatch(/no sweep 'zzz'/);
    expect(seen.trials.map((t) => [t.trial, t.status, t.runId, t.value, t.epochs, t.stoppedAt, t.params])).toEqual([
      [1, 'pruned', null, null, 0, 1, { lr: 0.1 }],
      [2, 'completed', run.id, 0.25, 3, null, { lr: 0.01 }],
    ]);
    expect(seen.runs.map((r) => [r.id, (r.info.sweep as { trial: number }).trial])).toEqual([[run.id, 2]]);
  });

  it('keeps a run checkpoint that another reader loads back byte for byte', async ({ skip: skipTest }) => {
    if (skipped()) return skipTest();
    const store = open();
    const run = store.createRun(newRun());
    expect(() => store.runDir('../x')).toThrow(/not a run id/);
    const dir = store.runDir(run.id);
    await checkpointHandler(dir, { 'checkpoint.json': '{"epoch":2}\n' }).save!(artifacts([1, 2, 3]));
    await checkpointHandler(join(dir, 'last'), { 'state.json': '{"epoch":3}\n' }).save!(artifacts([4, 5, 6]));
    store.endRun(run.id, 'completed');
    // another machine: a new folder, an empty cache
    const elsewhere = backend.name === 'postgres' ? folder() : where.dir;
    const reader = open({ readonly: true }, elsewhere);
    const readDir = reader.runDir(run.id);
    if (backend.name === 'postgres') expect(readDir.startsWith(elsewhere)).toBe(true);
    expect(hasCheckpoint(readDir) && hasCheckpoint(join(readDir, 'last'))).toBe(true);
    const best = await checkpointHandler(readDir).load!();
    const last = await checkpointHandler(join(readDir, 'last')).load!();
    expect([...new Float32Array(best.weightData as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect([...new Float32Array(last.weightData as ArrayBuffer)]).toEqual([4, 5, 6]);
  });
});
