// nnc runs / logs / backup, run through their command objects on temporary
// projects, with console output captured.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import backup from '../src/cli/commands/backup.js';
import logs from '../src/cli/commands/logs.js';
import runs from '../src/cli/commands/runs.js';
import { UserError, type Command } from '../src/cli/command.js';
import { createRunStore } from '../src/runtime/store/store.js';
import type { NewRun } from '../src/runtime/store/types.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-cli-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function call(command: Command, positionals: string[], values: Record<string, string | boolean> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await command.run({ positionals, values });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  planHash: '0123456789abcdef',
  modelHash: 'feedface',
  gitCommit: 'a1b2c3d4e5f6a7b8',
  gitDirty: true,
  backend: 'wasm',
  plan: { project: { name: 'sentiment' } },
  ...over,
});

/** A project with two runs (the second a warm start of the first) and a few log lines. */
function seeded() {
  const dir = temp();
  const store = createRunStore(dir);
  const first = store.createRun(newRun({ gitDirty: false }));
  store.updateBest(first.id, { 'sentiment.val_loss': 0.3123456, 'sentiment.val_accuracy': 0.9 });
  store.addLog(first.id, { time: Date.UTC(2025, 0, 2, 3, 4, 5), level: 'info', category: 'train', message: 'Epoch 1 done.', spam: false });
  store.addLog(first.id, { time: Date.UTC(2025, 0, 2, 3, 4, 6), level: 'debug', category: 'train', message: 'batch 1 loss 0.7', spam: true });
  for (let i = 0; i < 3; i++) {
    store.addLog(first.id, { time: Date.UTC(2025, 0, 2, 3, 4, 7), level: 'warning', category: 'data', message: "Row 3 of 'train.csv' has an empty label.", spam: false });
  }
  store.endRun(first.id, 'completed');
  const second = store.createRun(newRun({ parentId: first.id, gitCommit: null, backend: 'cpu' }));
  store.addLog(second.id, { time: Date.UTC(2025, 0, 2, 3, 5, 0), level: 'error', category: 'train', message: 'Loss became NaN at step 12.', spam: false });
  store.endRun(second.id, 'failed', { error: 'nan' });
  store.close();
  return { dir, first, second };
}

describe('nnc runs', () => {
  it('says what to run when nothing is stored, exit 0', async () => {
    const dir = temp();
    const r = await call(runs, [dir]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`No runs are stored in '${dir}' yet (there is no .nnc/nnc.db). Run 'nnc train ${dir}' or 'nnc watch ${dir}' to train and store one.`);
    expect(existsSync(join(dir, '.nnc'))).toBe(false);
    expect((await call(runs, [dir], { format: 'json' })).out).toBe('[]');
  });

  it('prints a table, newest first', async () => {
    const { dir, first, second } = seeded();
    const r = await call(runs, [dir]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+started\s+duration\s+backend\s+plan\s+commit\s+parent\s+best epoch\s+best\s+peak RSS\s+samples\/s\s+evaluated$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${second.id}\\s+failed\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+\\d+s\\s+cpu\\s+01234567\\s+\\*\\s+${first.id}\\s+-\\s+-\\s+-\\s+-\\s+-$`));
    expect(lines[2]).toMatch(new RegExp(`^${first.id}\\s+completed\\s+.*\\s+wasm\\s+01234567\\s+a1b2c3d\\s+-\\s+-\\s+sentiment\\.val_accuracy=0\\.9 sentiment\\.val_loss=0\\.3123\\s+-\\s+-\\s+-$`));
    expect(r.out).not.toContain('\u001b['); // no colour when stdout is not a terminal
  });

  it('--limit and --format json', async () => {
    const { dir, second } = seeded();
    const r = await call(runs, [dir], { limit: '1', format: 'json' });
    const parsed = JSON.parse(r.out);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ id: second.id, status: 'failed', info: { error: 'nan' }, planHash: '0123456789abcdef' });
    await expect(call(runs, [dir], { limit: '0' })).rejects.toThrow(UserError);
    await expect(call(runs, [dir], { format: 'yaml' })).rejects.toThrow(/'--format' is 'text' or 'json', not 'yaml'\./);
    await expect(call(runs, [join(dir, 'missing')])).rejects.toThrow(/does not exist/);
  });

  it('defaults to the current folder', async () => {
    const { dir, first } = seeded();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await call(runs, [])).out).toContain(first.id);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('nnc logs', () => {
  it('prints time, level, category, message and (xN); spam hidden', async () => {
    const { dir, first, second } = seeded();
    const r = await call(logs, [dir]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d info\\s+${first.id} train\\s+Epoch 1 done\\.$`));
    expect(lines[1]).toMatch(/warning\s+\S+ data\s+Row 3 of 'train.csv' has an empty label\. \(x3\)$/);
    expect(lines[2]).toContain(second.id);
    expect(r.out).not.toContain('batch 1');
    expect((await call(logs, [dir], { spam: true })).out).toContain('batch 1 loss 0.7');
  });

  it('filters by level, run and text; json', async () => {
    const { dir, first } = seeded();
    const warn = await call(logs, [dir], { level: 'warning' });
    expect(warn.out.split('\n').map((l) => l.replace(/^.*?(warning|error)/, '$1'))).toEqual([
      expect.stringMatching(/^warning .*empty label\. \(x3\)$/),
      expect.stringMatching(/^error .*Loss became NaN at step 12\.$/),
    ]);
    const run = await call(logs, [dir], { run: first.id, level: 'warn' });
    expect(run.out.split('\n')).toHaveLength(1);
    expect(run.out).not.toContain(first.id); // one run: its id is not repeated on every line
    const grep = await call(logs, [dir], { grep: 'NAN', format: 'json' });
    const parsed = JSON.parse(grep.out);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ level: 'error', category: 'train', count: 1, spam: false });
    expect((await call(logs, [dir], { grep: 'nothing like this' })).out).toBe('No stored log lines match these filters.');
    expect((await call(logs, [dir], { limit: '1' })).out).toContain('Loss became NaN');
    await expect(call(logs, [dir], { level: 'loud' })).rejects.toThrow(/'--level' is one of 'debug', 'info', 'warning', 'error', not 'loud'\./);
    await expect(call(logs, [dir], { run: 'r000' })).rejects.toThrow(/There is no run 'r000'/);
  });

  it('says what to run when nothing is stored, exit 0', async () => {
    const r = await call(logs, [temp()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^No runs are stored in .* yet/);
  });
});

describe('nnc backup', () => {
  it('writes a consistent copy and prints its size', async () => {
    const { dir, first } = seeded();
    const out = join(temp(), 'copy.db');
    const r = await call(backup, [dir], { out });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Backed up '.*nnc\\.db' to '${out}' \\(\\d+\\.\\d KB, \\d+\\.\\d s\\)\\.$`));
    expect(r.out).toContain(`${(statSync(out).size / 1024).toFixed(1)} KB`);
    const db = new Database(out, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM logs WHERE run_id = ?').pluck().get(first.id)).toBe(3);
    db.close();
  });

  it('needs --out (exit 2) and a store (exit 1)', async () => {
    await expect(call(backup, [temp()])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/Missing '--out <file>'/) });
    const dir = temp();
    const r = await call(backup, [dir], { out: join(dir, 'x.db') });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^No runs are stored in .* yet/);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });
});
