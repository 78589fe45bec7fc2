// The run store on real SQLite files in temporary project folders.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/runtime/store/migrations.js';
import { createRunStore, newRunId } from '../src/runtime/store/store.js';
import { gitState } from '../src/runtime/store/git.js';
import type { NewRun, RunStore, Snapshot } from '../src/runtime/store/types.js';
import { FLUSH_INTERVAL_MS } from '../src/runtime/store/write-buffer.js';
import { bundleStore, fixture, type StoreBundle } from './fixtures/store/bundle.js';

const dirs: string[] = [];
const stores: RunStore[] = [];
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-store-'));
  dirs.push(dir);
  return dir;
}
function open(dir: string, options?: { readonly?: boolean }): RunStore {
  const store = createRunStore(dir, options);
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  planHash: 'plan0000aaaa',
  modelHash: 'model000bbbb',
  gitCommit: 'c0ffee',
  gitDirty: false,
  backend: 'cpu',
  plan: { project: { name: 'demo' }, layers: [1, 2] },
  ...over,
});

/** A second, raw connection: what another process would see. */
function raw(dir: string): Database.Database {
  return new Database(join(dir, '.nnc', 'nnc.db'), { readonly: true });
}

describe('opening', () => {
  it('creates .nnc with a .gitignore, WAL mode and every migration applied', () => {
    const dir = project();
    const store = open(dir);
    expect(store.path).toBe(join(dir, '.nnc', 'nnc.db'));
    expect(readFileSync(join(dir, '.nnc', '.gitignore'), 'utf8').trim()).toBe('*');
    const db = raw(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['projects', 'runs', 'metrics', 'logs', 'snapshots', 'snapshot_tensors', 'diagnostics']));
    const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'metrics_run_name_step'").pluck().get();
    expect(indexes).toMatch(/run_id, name, step/);
    expect(db.prepare('SELECT name, dir FROM projects').all()).toEqual([{ name: expect.any(String), dir }]);
    db.close();
  });

  it('refuses an existing empty (0-byte) file instead of starting a new store in it, and leaves it as it is', () => {
    // nnc writes the header as it creates the file: an empty one lost what it held (issue 10)
    const dir = project();
    open(dir).close();
    stores.length = 0;
    rmSync(join(dir, '.nnc', 'nnc.db'));
    writeFileSync(join(dir, '.nnc', 'nnc.db'), '');
    expect(() => createRunStore(dir)).toThrow(/is empty \(0 bytes\).*Restore a backup over it.*delete it to start a new store/);
    expect(() => createRunStore(dir, { readonly: true })).toThrow(/is empty \(0 bytes\)/);
    expect(readFileSync(join(dir, '.nnc', 'nnc.db')).length).toBe(0);
  });

  it('refuses a store written by a newer schema, and a file that is not a database, with a sentence', () => {
    const dir = project();
    open(dir).close();
    const db = new Database(join(dir, '.nnc', 'nnc.db'));
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();
    expect(() => createRunStore(dir)).toThrow(/written by a newer nnc/);
    expect(() => createRunStore(dir, { readonly: true })).toThrow(/written by a newer nnc/);

    const other = project();
    open(other).close();
    rmSync(join(other, '.nnc', 'nnc.db'));
    writeFileSync(join(other, '.nnc', 'nnc.db'), 'x'.repeat(4096));
    expect(() => createRunStore(other)).toThrow(/is damaged: it does not start with an SQLite header.*move it aside/);
  });

  it('opens read-only: reads work, writes throw, nothing is marked interrupted', () => {
    const dir = project();
    const writer = open(dir);
    const run = writer.createRun(newRun());
    const reader = open(dir, { readonly: true });
    expect(reader.getRun(run.id)?.status).toBe('running');
    expect(() => reader.createRun(newRun())).toThrow(/read-only/);
    expect(() => reader.addLog(null, { time: 1, level: 'info', category: 'x', message: 'm', spam: false })).toThrow(/read-only/);
  });

  it('makes sortable, distinct run ids', () => {
    const ids = Array.from({ length: 200 }, () => newRunId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(200);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^r[0-9a-z]{13}$/);
    expect(newRunId(Date.now() + 60_000) > ids[199]!).toBe(true);
  });
});

describe('runs', () => {
  it('creates, ends, merges best and info, and keeps the plan', () => {
    const store = open(project());
    const run = store.createRun(newRun({ info: { epochs: 3 }, parentId: null }));
    expect(run).toMatchObject({ status: 'running', project: 'demo', gitCommit: 'c0ffee', gitDirty: false, endedAt: null, best: {} });
    store.updateBest(run.id, { 'sentiment.val_loss': 0.5 });
    store.updateBest(run.id, { 'sentiment.val_accuracy': 0.9 });
    store.endRun(run.id, 'completed', { stoppedAt: 'epoch 3' });
    const ended = store.getRun(run.id)!;
    expect(ended.status).toBe('completed');
    expect(ended.endedAt).toBeGreaterThanOrEqual(ended.startedAt);
    expect(ended.best).toEqual({ 'sentiment.val_loss': 0.5, 'sentiment.val_accuracy': 0.9 });
    expect(ended.info).toEqual({ epochs: 3, stoppedAt: 'epoch 3' });
    expect(store.getPlan(run.id)).toEqual({ project: { name: 'demo' }, layers: [1, 2] });
    expect(store.getPlan('nope')).toBeNull();
    expect(store.getRun('nope')).toBeNull();
  });

  it('lists newest first with a limit', () => {
    const store = open(project());
    const a = store.createRun(newRun());
    const b = store.createRun(newRun());
    const c = store.createRun(newRun());
    expect(store.listRuns().map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(store.listRuns({ limit: 2 }).map((r) => r.id)).toEqual([c.id, b.id]);
  });

  it('latestRun: newest completed or stopped run, by plan or model hash, or by status', () => {
    const store = open(project());
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
  });

  it('gives each run a checkpoint folder under .nnc/runs and rejects ids that are paths', () => {
    const dir = project();
    const store = open(dir);
    const run = store.createRun(newRun());
    expect(store.runDir(run.id)).toBe(join(dir, '.nnc', 'runs', run.id));
    expect(() => store.runDir('../x')).toThrow(/not a run id/);
  });
});

describe('buffered writes', () => {
  it('metrics land after flush, close or the timer, not before', async () => {
    const dir = project();
    const store = open(dir);
    const run = store.createRun(newRun());
    const db = raw(dir);
    const count = () => db.prepare('SELECT count(*) FROM metrics').pluck().get();

    store.addMetrics(run.id, [{ step: 1, epoch: 0, name: 'loss', value: 1 }]);
    expect(count()).toBe(0);
    store.flush();
    expect(count()).toBe(1);

    store.addMetrics(run.id, [{ step: 2, epoch: 0, name: 'loss', value: 0.5 }]);
    expect(count()).toBe(1);
    await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS * 2 + 50));
    expect(count()).toBe(2);

    store.addMetrics(run.id, Array.from({ length: 499 }, (_, i) => ({ step: 3 + i, epoch: 1, name: 'loss', value: i })));
    expect(count()).toBe(2);
    store.addMetrics(run.id, [{ step: 1000, epoch: 1, name: 'acc', value: 0.1 }]);
    expect(count()).toBe(502); // 500 rows waiting: written at once

    store.addMetrics(run.id, [{ step: 1001, epoch: 1, name: 'acc', value: 0.2 }]);
    store.close();
    expect(count()).toBe(503);
    db.close();
  });

  it('endRun writes the run’s pending rows first; reads see pending rows', () => {
    const dir = project();
    const store = open(dir);
    const run = store.createRun(newRun());
    store.addMetrics(run.id, [
      { step: 2, epoch: 0, name: 'loss', value: 0.4 },
      { step: 1, epoch: 0, name: 'loss', value: 0.9 },
      { step: 1, epoch: 0, name: 'acc', value: 0.3 },
      { step: 1, epoch: 0, name: 'grad_norm', value: Number.NaN },
    ]);
    expect(store.metrics(run.id, ['loss'])).toEqual([
      { step: 1, epoch: 0, name: 'loss', value: 0.9 },
      { step: 2, epoch: 0, name: 'loss', value: 0.4 },
    ]);
    expect(store.metrics(run.id).map((m) => m.name)).toEqual(['acc', 'grad_norm', 'loss', 'loss']);
    expect(store.metrics(run.id, ['grad_norm'])[0]!.value).toBeNaN();
    expect(store.metrics(run.id, [])).toEqual([]);

    store.addMetrics(run.id, [{ step: 3, epoch: 1, name: 'loss', value: 0.2 }]);
    store.addLog(run.id, { time: 5, level: 'info', category: 'train', message: 'done', spam: false });
    store.endRun(run.id, 'completed');
    const db = raw(dir);
    expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(5);
    expect(db.prepare('SELECT message FROM logs').pluck().all()).toEqual(['done']);
    db.close();
  });

  it('collapses identical consecutive lines of a run, across flushes and reopenings', () => {
    const dir = project();
    let store = open(dir);
    const a = store.createRun(newRun());
    const b = store.createRun(newRun());
    const line = (message: string, time = 1) => ({ time, level: 'warning' as const, category: 'data', message, spam: false });
    store.addLog(a.id, line('empty label', 1));
    store.addLog(b.id, line('other run')); // another run in between does not break a's sequence
    store.addLog(a.id, line('empty label', 2));
    store.flush();
    store.addLog(a.id, line('empty label', 3)); // the previous copy is already written
    store.addLog(a.id, { ...line('empty label'), level: 'error' }); // same text, other level: a new line
    store.addLog(a.id, line('empty label'));
    store.addLog(null, line('project line'));
    store.addLog(null, line('project line'));
    // per-batch (spam) lines in between do not break a repeat of the visible lines
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.addLog(b.id, { ...line('batch 1'), spam: true });
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.addLog(b.id, { ...line('batch 2'), spam: true });
    store.addLog(b.id, { ...line('batch 2'), spam: true });
    store.addLog(b.id, line('NaN loss, batch skipped'));
    store.close();

    store = open(dir);
    store.addLog(a.id, line('empty label')); // a new process continues the count
    const logs = store.logs({ runId: a.id });
    expect(logs.map((l) => [l.level, l.message, l.count, l.time])).toEqual([
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
    const projectLines = store.logs().filter((l) => l.runId === null);
    expect(projectLines.map((l) => [l.message, l.count])).toEqual([['project line', 2]]);
  });
});

describe('log filters', () => {
  it('filter by level and above, substring, spam, run, afterId and limit', () => {
    const store = open(project());
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
    expect(messages({ level: 'debug', spam: true })).toHaveLength(6);
    expect(messages({ level: 'error' })).toEqual(['NaN loss at step 4']);
    expect(messages({ runId: a.id, spam: true })).toEqual(['batch 1 loss 0.9', 'Epoch 1: loss 0.5', 'Learning rate 100% too HIGH_ish', 'batch 2 loss 0.4']);
    expect(messages({ q: 'LOSS' })).toEqual(['Epoch 1: loss 0.5', 'NaN loss at step 4']);
    expect(messages({ q: '100%' })).toEqual(['Learning rate 100% too HIGH_ish']);
    expect(messages({ q: '0%' })).toEqual(['Learning rate 100% too HIGH_ish']); // % is literal, not a wildcard
    expect(messages({ q: 'h_i' })).toEqual(['Learning rate 100% too HIGH_ish']);
    expect(messages({ q: 'e_1' })).toEqual([]); // _ is literal too
    expect(messages({ q: 'compile' })).toEqual(['compiled 3 files']);
    expect(messages({ spam: true, limit: 2 })).toEqual(['compiled 3 files', 'batch 2 loss 0.4']); // newest 2, oldest first
    const all = store.logs({ spam: true });
    expect(messages({ spam: true, afterId: all[3]!.id })).toEqual(['compiled 3 files', 'batch 2 loss 0.4']);
    expect(all.map((l) => l.id)).toEqual([...all.map((l) => l.id)].sort((x, y) => x - y));
  });
});

describe('snapshots and diagnostics', () => {
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

  it('round-trips snapshots, newest by step, NaN kept', () => {
    const store = open(project());
    const run = store.createRun(newRun());
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
    expect(store.snapshots(run.id)[1]!.tensors[1]!.gradNorm).toBeNull();
    expect(store.latestSnapshot('other')).toBeNull();
    expect(store.snapshots('other')).toEqual([]);
  });

  it('keeps the diagnostics of the last compile only', () => {
    const store = open(project());
    const d = { code: 3001, severity: 'error' as const, message: "Unknown layer 'hiden'. Did you mean 'hidden'?", file: '/p/model.yaml', line: 3, column: 5, length: 5 };
    store.saveDiagnostics([d, { ...d, code: 2001, severity: 'warning', notes: ['a note'], suggestion: 'hidden' }]);
    store.saveDiagnostics([d]);
    expect(store.diagnostics()).toEqual([d]);
    store.saveDiagnostics([{ ...d, notes: ['n1', 'n2'], suggestion: 'x' }]);
    expect(store.diagnostics()).toEqual([{ ...d, notes: ['n1', 'n2'], suggestion: 'x' }]);
    store.saveDiagnostics([]);
    expect(store.diagnostics()).toEqual([]);
  });
});

describe('interrupted runs', () => {
  it('marks a running run whose process is gone as interrupted, with a log line; a live one stays', () => {
    const dir = project();
    const store = open(dir);
    const dead = store.createRun(newRun());
    const live = store.createRun(newRun());
    store.addLog(dead.id, { time: dead.startedAt + 1234, level: 'info', category: 'train', message: 'epoch 1', spam: false });
    store.close();

    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const db = new Database(join(dir, '.nnc', 'nnc.db'));
    db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(gone, dead.id);
    db.close();

    const reopened = open(dir);
    expect(reopened.getRun(dead.id)).toMatchObject({ status: 'interrupted', endedAt: dead.startedAt + 1234 });
    expect(reopened.getRun(live.id)?.status).toBe('running'); // this process is alive
    const lines = reopened.logs({ runId: dead.id, level: 'warning' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ category: 'system', level: 'warning' });
    expect(lines[0]!.message).toContain(`Run '${dead.id}' was still marked running`);
    expect(lines[0]!.message).toContain(`pid ${gone}`);

    // a run with this process's pid that this process did not create: an earlier process had the same pid
    const db2 = new Database(join(dir, '.nnc', 'nnc.db'));
    db2.prepare("INSERT INTO runs (id, project, plan_hash, model_hash, backend, status, started_at, pid, host) VALUES ('r0old', 'demo', 'p', 'm', 'cpu', 'running', 1, ?, ?)").run(process.pid, hostname());
    db2.close();
    reopened.close();
    open(dir); // a second reopening adds no second line for the first dead run
    expect(open(dir, { readonly: true }).getRun('r0old')?.status).toBe('interrupted');
    expect(open(dir, { readonly: true }).logs({ runId: dead.id, level: 'warning' })).toHaveLength(1);
  });
});

describe('git state', () => {
  it('is null and clean outside git, the commit and dirty flag inside', () => {
    const outside = project();
    expect(gitState(outside)).toEqual({ commit: null, dirty: false });
    const repo = project();
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    if (git('init', '-q').status !== 0) return; // no git on this machine
    writeFileSync(join(repo, 'a.yaml'), 'a: 1\n');
    expect(gitState(repo)).toEqual({ commit: null, dirty: true });
    git('add', '.');
    git('commit', '-qm', 'first');
    const head = git('rev-parse', 'HEAD').stdout.trim();
    expect(gitState(repo)).toEqual({ commit: head, dirty: false });
    open(repo).close(); // .nnc/ ignores itself
    expect(gitState(repo)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(repo, 'a.yaml'), 'a: 2\n');
    expect(gitState(repo)).toEqual({ commit: head, dirty: true });
  });
});

describe('backup', () => {
  let bundle: StoreBundle;
  beforeAll(async () => {
    bundle = await bundleStore();
  });
  afterAll(() => bundle?.close());

  it('copies a consistent store while another process writes to it', async () => {
    const dir = project();
    const store = open(dir);
    const run = store.createRun(newRun());
    // some bulk first, so the copy takes a while
    for (let i = 0; i < 100; i++) {
      store.addMetrics(run.id, Array.from({ length: 500 }, (_, j) => ({ step: i, epoch: 0, name: `w${j % 100}`, value: Math.random() })));
    }
    store.flush();

    const child = spawn(process.execPath, [fixture('writer.mjs'), bundle.dir, dir, run.id], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => output.includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });

    const reader = raw(dir);
    const counted = () => reader.prepare('SELECT count(*) FROM metrics').pluck().get() as number;
    const results: Array<{ before: number; inBackup: number; after: number; file: string }> = [];
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `backup-${i}.db`);
      const before = counted();
      await store.backup(file);
      const after = counted();
      expect(existsSync(`${file}-wal`)).toBe(false); // a single self-contained file
      const copy = new Database(file, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const inBackup = copy.prepare('SELECT count(*) FROM metrics').pluck().get() as number;
      // every writer transaction is whole in the copy: 100 rows per step
      const partial = copy
        .prepare('SELECT count(*) FROM (SELECT step FROM metrics WHERE step >= 1000000 GROUP BY step HAVING count(*) != 100)')
        .pluck()
        .get();
      expect(partial).toBe(0);
      expect(copy.prepare('SELECT id FROM runs').pluck().all()).toEqual([run.id]);
      copy.close();
      results.push({ before, inBackup, after, file });
    }
    child.stdin.end();
    await new Promise((resolve) => child.on('exit', resolve));
    reader.close();
    expect(output).toMatch(/done \d+/);
    for (const r of results) {
      expect(r.inBackup).toBeGreaterThanOrEqual(r.before);
      expect(r.inBackup).toBeLessThanOrEqual(r.after);
    }
    // the writer kept writing between backups, so the copies differ
    expect(results[2]!.inBackup).toBeGreaterThan(results[0]!.inBackup);
  }, 30_000);

  it('replaces an existing file and works from a read-only store', async () => {
    const dir = project();
    const store = open(dir);
    const run = store.createRun(newRun());
    store.addMetrics(run.id, [{ step: 1, epoch: 0, name: 'loss', value: 1 }]); // pending: backup flushes first
    const file = join(dir, 'out', 'copy.db');
    await store.backup(file);
    store.close();
    writeFileSync(file, 'not a database');
    const reader = open(dir, { readonly: true });
    await reader.backup(file);
    const copy = new Database(file, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(1);
    copy.close();
  });
});
