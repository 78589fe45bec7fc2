// Backups of the run store: one before every schema migration, nnc backup
// --list / --restore / --out's refusals, and periodic backups for nnc watch.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import backup from '../src/cli/commands/backup.js';
import logs from '../src/cli/commands/logs.js';
import { UserError, type Command } from '../src/cli/command.js';
import { resolveProject, durationMs } from '../src/compiler/resolve-project.js';
import type { Plan } from '../src/compiler/plan.js';
import { listBackups, prunePeriodic } from '../src/runtime/store/backups.js';
import { migrations } from '../src/runtime/store/migrations.js';
import { createRunStore, storePath } from '../src/runtime/store/store.js';
import { createPeriodicBackup } from '../src/runtime/watch/periodic-backup.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-backups-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function call(command: Command, positionals: string[], values: Record<string, string | boolean> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await command.run({ positionals, values });
    return { code, out: out.join('\n'), err: err.join('\n'), error: null as UserError | null };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { code: error.exitCode, out: out.join('\n'), err: err.join('\n'), error };
  } finally {
    vi.restoreAllMocks();
  }
}

/** A store written by an older nnc: only the first `version` migrations, a run, a metric and a log line in it. */
function oldStore(version: number): string {
  const dir = temp();
  mkdirSync(join(dir, '.nnc'));
  const db = new Database(storePath(dir));
  db.pragma('journal_mode = WAL');
  for (const sql of migrations.slice(0, version)) db.exec(sql);
  db.pragma(`user_version = ${version}`);
  db.prepare(`INSERT INTO runs (id, project, plan_hash, model_hash, backend, status, started_at, ended_at) VALUES ('rold', 'p', 'h', 'm', 'cpu', 'completed', 1, 2)`).run();
  db.prepare(`INSERT INTO metrics (run_id, step, epoch, name, value) VALUES ('rold', 10, 1, 'loss', 0.5)`).run();
  db.prepare(`INSERT INTO logs (run_id, time, level, category, message) VALUES ('rold', 1, 'info', 'train', 'Epoch 1/1: loss 0.5.')`).run();
  db.close();
  return dir;
}

describe('a backup before every schema migration', () => {
  it('copies the store as it was to .nnc/backups/nnc-<time>-v<from>.db, which opens and passes integrity_check', () => {
    const dir = oldStore(1);
    const store = createRunStore(dir);
    store.close();
    const made = listBackups(storePath(dir));
    expect(made.map((b) => [b.kind, b.schema])).toEqual([['migration', 1]]);
    expect(made[0].name).toMatch(/^nnc-\d{8}T\d{9}Z-v1\.db$/);
    const copy = new Database(made[0].file, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('user_version', { simple: true })).toBe(1);
      expect(copy.prepare('SELECT id FROM runs').all()).toEqual([{ id: 'rold' }]);
      expect(copy.prepare('SELECT value FROM metrics').all()).toEqual([{ value: 0.5 }]);
      // the old schema, untouched: no column a later migration adds
      expect(copy.prepare("SELECT name FROM pragma_table_info('projects')").all().map((r) => (r as { name: string }).name)).not.toContain('pinned_run');
    } finally {
      copy.close();
    }
    // the store itself is upgraded, keeps its rows, and says where the copy is
    const upgraded = createRunStore(dir, { readonly: true });
    try {
      expect(upgraded.getRun('rold')?.status).toBe('completed');
      const said = upgraded.logs({ category: 'system' });
      expect(said.map((l) => l.message).join('\n')).toMatch(new RegExp(`upgraded from schema 1 to ${migrations.length}; a copy of it as it was is '.*${made[0].name}'`));
    } finally {
      upgraded.close();
    }
    // opening again migrates nothing and backs nothing up
    createRunStore(dir).close();
    expect(listBackups(storePath(dir))).toHaveLength(1);
  });

  it('makes none for a new store or a current one', () => {
    const dir = temp();
    createRunStore(dir).close();
    createRunStore(dir).close();
    expect(existsSync(join(dir, '.nnc', 'backups'))).toBe(false);
  });

  it('migrates nothing when the backup cannot be written, and says why', () => {
    const dir = oldStore(2);
    writeFileSync(join(dir, '.nnc', 'backups'), 'a file where the folder goes');
    expect(() => createRunStore(dir)).toThrow(/has schema 2 and this nnc needs \d+; it backs the store up before upgrading it, and the backup to '.*backups' failed .*Nothing was changed/);
    const db = new Database(storePath(dir), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });
});

describe('nnc backup --list and --restore', () => {
  it('lists the backups, restores one (keeping the store as it was), and the restored store opens', async () => {
    const dir = oldStore(1);
    const store = createRunStore(dir);
    store.createRun({ planHash: 'new', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: null });
    store.endRun(store.listRuns()[0].id, 'completed');
    store.close();
    const listed = await call(backup, [dir], { list: true });
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/nnc-\d{8}T\d{9}Z-v1\.db .* before the upgrade from schema 1/);
    const json = JSON.parse((await call(backup, [dir], { list: true, format: 'json' })).out) as Array<{ name: string; kind: string; schema: number; bytes: number }>;
    expect(json).toEqual([expect.objectContaining({ kind: 'migration', schema: 1, bytes: expect.any(Number) })]);

    const restored = await call(backup, [dir], { restore: json[0].name });
    expect(restored.code, restored.error?.message).toBe(0);
    expect(restored.out).toMatch(/Restored '.*-v1\.db' \(schema 1\) as '.*nnc\.db'\. The store as it was is kept in '.*before-restore\.db'/);
    expect(listBackups(storePath(dir)).map((b) => b.kind).sort()).toEqual(['migration', 'restore']);
    // the restored store holds the old run only (at schema 1: opening it upgrades it again, with a new backup); the store as it was holds both
    const reopened = createRunStore(dir);
    expect(reopened.listRuns().map((r) => r.id)).toEqual(['rold']);
    reopened.close();
    expect(listBackups(storePath(dir)).map((b) => b.kind).sort()).toEqual(['migration', 'migration', 'restore']);
    const before = listBackups(storePath(dir)).find((b) => b.kind === 'restore')!;
    const kept = new Database(before.file, { readonly: true });
    expect(kept.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 2 });
    expect(kept.pragma('integrity_check', { simple: true })).toBe('ok');
    kept.close();
  });

  it('refuses while another connection has the store open, and while a run of a live process writes', async () => {
    const dir = oldStore(1);
    createRunStore(dir).close();
    const name = listBackups(storePath(dir))[0].name;
    const open = createRunStore(dir, { readonly: true });
    const refused = await call(backup, [dir], { restore: name });
    open.close();
    expect(refused.code).toBe(1);
    expect(refused.error?.message).toMatch(/Another process has the store '.*nnc\.db' open \(nnc watch, nnc view or nnc train\): stop it before restoring a backup\./);

    // a run marked running by a live process (a child that sleeps)
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const db = new Database(storePath(dir));
      db.prepare("UPDATE runs SET status = 'running', pid = ?, host = ? WHERE id = 'rold'").run(child.pid, (await import('node:os')).hostname());
      db.close();
      const busy = await call(backup, [dir], { restore: name });
      expect(busy.code).toBe(1);
      expect(busy.error?.message).toBe(`A run is writing to the store now ('rold' (pid ${child.pid})): stop it (Ctrl-C in its terminal) before restoring a backup.`);
    } finally {
      child.kill();
    }
    // nothing was replaced
    expect(listBackups(storePath(dir)).map((b) => b.kind)).toEqual(['migration']);
  });

  it('refuses a missing backup, a damaged one and a file that is not a store', async () => {
    const dir = temp();
    createRunStore(dir).close();
    expect((await call(backup, [dir], { restore: 'nope.db' })).error?.message).toMatch(/There is no backup 'nope\.db'.*'nnc backup --list' lists the backups\./);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, just text '.repeat(200));
    expect((await call(backup, [dir], { restore: junk })).error?.message).toMatch(/cannot be read as an SQLite database/);
    const foreign = join(dir, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (a)');
    f.close();
    expect((await call(backup, [dir], { restore: foreign })).error?.message).toMatch(/is not a backup of an nnc run store/);
    expect((await call(backup, [dir], { restore: storePath(dir) })).error?.message).toMatch(/is the store itself/);
  });
});

describe('nnc backup --out', () => {
  it('refuses the live store itself and its WAL, and a folder that does not exist (no mkdir)', async () => {
    const dir = temp();
    const store = createRunStore(dir);
    store.createRun({ planHash: 'h', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: null });
    store.close();
    const itself = await call(backup, [dir], { out: storePath(dir) });
    expect(itself.code).toBe(1);
    expect(itself.error?.message).toMatch(/is the live run store itself: a backup written over it would destroy it/);
    expect((await call(backup, [dir], { out: `${storePath(dir)}-wal` })).error?.message).toMatch(/live run store itself/);
    expect((await call(backup, [dir], { out: join(dir, '.nnc', '..', '.nnc', 'nnc.db') })).error?.message).toMatch(/live run store itself/);
    const missing = await call(backup, [dir], { out: join(dir, 'no', 'such', 'folder', 'b.db') });
    expect(missing.code).toBe(1);
    expect(missing.error?.message).toMatch(/The folder '.*no\/such\/folder' for '--out' does not exist/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
    const fine = await call(backup, [dir], { out: join(dir, 'copy.db') });
    expect(fine.code).toBe(0);
    const copy = new Database(join(dir, 'copy.db'), { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    copy.close();
  });
});

describe('store.backups for nnc watch', () => {
  it('parses durations', () => {
    expect(['90s', '30m', '1h', '1.5h', '2d', '1w', 'h'].map(durationMs)).toEqual([90_000, 1_800_000, 3_600_000, 5_400_000, 172_800_000, NaN, NaN]);
    const project = resolveProject({ apiVersion: 'nnc/v1', kind: 'Project', name: 'p', input: { type: 'features', features: 2 }, store: { backups: { every: '1h' } } });
    expect(project.store).toEqual({ backups: { every: '1h', everyMs: 3_600_000, keep: 5 } });
    expect(resolveProject({ apiVersion: 'nnc/v1', kind: 'Project', name: 'p', input: { type: 'features', features: 2 } })).not.toHaveProperty('store');
  });

  it('backs up on the interval and keeps the newest `keep`, leaving migration backups alone', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const dir = oldStore(1);
      const store = createRunStore(dir);
      const said: string[] = [];
      let clock = Date.UTC(2026, 0, 1);
      const periodic = createPeriodicBackup(store, (_, m) => said.push(m), () => (clock += 1000));
      const plan = { project: { store: { backups: { every: '10s', everyMs: 10_000, keep: 2 } } } } as unknown as Plan;
      periodic.update(plan);
      expect(said[0]).toMatch(/^Backing the run store up every 10s into '.*backups', keeping the newest 2 \(store\.backups\)\.$/);
      // each tick's copy is asynchronous (SQLite's backup API) and a tick that comes while one runs is skipped:
      // wait for each copy to finish (counted around the real store.backup) before the next tick
      let copied = 0;
      const realBackup = store.backup.bind(store);
      (store as { backup: (file: string) => Promise<void> }).backup = async (file) => {
        await realBackup(file);
        copied++;
      };
      for (let i = 0; i < 3; i++) {
        await vi.advanceTimersByTimeAsync(10_000);
        await vi.waitFor(() => expect(copied).toBe(i + 1), { timeout: 20_000, interval: 20 });
      }
      // three copies, the oldest pruned after the third
      await vi.waitFor(() => expect(listBackups(store.path).filter((b) => b.kind === 'periodic')).toHaveLength(2), { timeout: 20_000, interval: 20 });
      expect(listBackups(store.path).filter((b) => b.kind === 'migration')).toHaveLength(1);
      for (const b of listBackups(store.path)) {
        const db = new Database(b.file, { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
      }
      periodic.update({ project: {} } as unknown as Plan); // the key removed: no more backups
      await vi.advanceTimersByTimeAsync(30_000);
      expect(listBackups(store.path).filter((b) => b.kind === 'periodic')).toHaveLength(2);
      periodic.close();
      store.close();
      expect(prunePeriodic(store.path, 1)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('nnc logs --kind', () => {
  it('prints the logged samples as sentences, and their payload in json', async () => {
    const dir = temp();
    const store = createRunStore(dir);
    const run = store.createRun({ planHash: 'h', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: null });
    const entry = (step: number, text: string) => ({ sample: 1, head: 'answer', step, epoch: 1, input: 'capital of france', expected: 'paris', output: { text } });
    store.addLog(run.id, { time: 1, level: 'info', category: 'train', message: 'Epoch 1/2: loss 0.5.', spam: false });
    store.addLog(run.id, { time: 2, level: 'info', category: 'samples', message: JSON.stringify(entry(10, 'rome')), spam: false });
    store.addLog(run.id, { time: 3, level: 'info', category: 'samples', message: JSON.stringify(entry(20, 'paris')), spam: false });
    store.close();
    const text = await call(logs, [dir], { kind: 'samples' });
    const lines = text.out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/step 10 +#1 answer: 'capital of france' -> 'rome' ✗ expected 'paris'$/);
    expect(lines[1]).toMatch(/step 20 +#1 answer: 'capital of france' -> 'paris' ✓ expected 'paris'$/);
    const json = JSON.parse((await call(logs, [dir], { kind: 'samples', format: 'json' })).out) as Array<{ category: string; sample: unknown }>;
    expect(json.map((l) => l.sample)).toEqual([entry(10, 'rome'), entry(20, 'paris')]);
    expect((await call(logs, [dir], { kind: 'train' })).out).toMatch(/Epoch 1\/2/);
    expect((await call(logs, [dir], { kind: 'Bad Kind' })).error?.message).toMatch(/'--kind' is a log category/);
  });
});
