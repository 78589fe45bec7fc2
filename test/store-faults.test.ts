// The run store under faults, through the built CLI: a damaged store (truncated,
// a bad header, garbage in the middle) and an empty one, a read-only .nnc, a
// full disk (a small tmpfs) and a killed backup's leftovers. Each fault is a
// clear message naming the file and what to do, exit code 1, no stack, and the
// store's bytes unchanged. Plus best values stored at each epoch's end, so a
// run killed mid-way still shows them.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore, mergeEpochBest } from '../src/runtime/store/store.js';

const CLI = resolve('dist/cli.js');
const FIXTURE = resolve('test/fixtures/tiny');
const root = mkdtempSync(join(tmpdir(), 'nnc-store-faults-'));
chmodSync(root, 0o755); // the read-only case runs nnc as an unprivileged user
const mounts: string[] = [];

function nnc(args: string[], options: { uid?: number; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    env: { ...process.env, NNC_BACKEND: 'cpu', NO_COLOR: '1' },
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
}

/** The same, not waiting: the commands of one case run side by side. */
function nncAsync(args: string[], options: { uid?: number } = {}): Promise<SpawnSyncReturns<string>> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NNC_BACKEND: 'cpu', NO_COLOR: '1' },
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ pid: child.pid ?? 0, output: [], stdout, stderr, status, signal });
    });
  });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the trained project, its store as the test leaves it. */
let trained = '';
let trainedRun = '';
let copies = 0;
function copyProject(): string {
  const dir = join(root, `p${++copies}`);
  cpSync(trained, dir, { recursive: true });
  return dir;
}

function tryMount(args: string[]): boolean {
  return spawnSync('mount', args, { encoding: 'utf8' }).status === 0;
}

beforeAll(() => {
  trained = join(root, 'trained');
  cpSync(FIXTURE, trained, { recursive: true });
  const r = nnc(['train', trained, '--epochs', '2', '--format', 'json']);
  expect(r.status, r.stderr).toBe(0);
  trainedRun = (JSON.parse(r.stdout) as { run: { id: string } }).run.id;
  // one file, no write-ahead log beside it: what a corruption overwrites is what a reader sees
  expect(existsSync(join(trained, '.nnc', 'nnc.db-wal'))).toBe(false);
}, 120_000);

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
});

/** Deterministic garbage: a fixed-seed xorshift, so every run damages the same bytes. */
function garbage(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const damage: Record<string, (file: string) => void> = {
  truncated: (file) => truncateSync(file, Math.floor(statSync(file).size / 2)),
  'bad header': (file) => {
    const bytes = readFileSync(file);
    bytes.write('not a database!!', 0, 'latin1');
    writeFileSync(file, bytes);
  },
  'garbage in the middle': (file) => {
    const bytes = readFileSync(file);
    garbage(16_384).copy(bytes, Math.floor(bytes.length / 3));
    writeFileSync(file, bytes);
  },
  'empty (0 bytes)': (file) => writeFileSync(file, ''),
};

/** Every command that opens the store, each given what it needs to get that far. */
function commands(dir: string, out = dir): string[][] {
  return [
    ['runs', dir],
    ['logs', dir],
    ['backup', dir, '--out', join(out, 'copy.db')],
    ['predict', dir, 'great food'],
    ['export', dir, '--out', join(out, 'exported')],
    ['view', dir, '--port', '0'],
    ['train', dir, '--epochs', '1'],
  ];
}

/**
 * Every command on the fault that only the page check finds; on the others,
 * one command of each way of opening (writing, read-only, the viewer's probe,
 * training): they share the code that refuses, and each command costs a process.
 */
const EVERY_COMMAND = 'garbage in the middle';
const SOME_COMMANDS = new Set(['runs', 'predict', 'view', 'train']);

function expectStoreFault(r: SpawnSyncReturns<string>, pattern: RegExp, what: string): void {
  expect(r.status, `${what}: ${r.stdout}${r.stderr}`).toBe(1);
  expect(r.stderr, what).toMatch(pattern);
  expect(r.stderr, what).not.toMatch(/This is a bug in nnc|\n\s+at /);
  expect(r.stdout, what).not.toMatch(/stored runs?/);
}

describe('a damaged or empty store', () => {
  for (const [kind, apply] of Object.entries(damage)) {
    it(`${kind}: every command says so and what to do, exit 1, and the file is unchanged`, async () => {
      const dir = copyProject();
      const file = join(dir, '.nnc', 'nnc.db');
      apply(file);
      const before = sha(file);
      const expected = kind.startsWith('empty')
        ? /The run store '.*nnc\.db' is empty \(0 bytes\).*Restore a backup over it.*delete it to start a new store/
        : /[Tt]he run store '.*nnc\.db' (is damaged.*nnc does not write to it|failed SQLite's integrity check.*damaged; no backup was written)\. Restore a backup over it.*move it aside/;
      const chosen = commands(dir).filter((args) => kind === EVERY_COMMAND || SOME_COMMANDS.has(args[0]!));
      const results = await Promise.all(chosen.map((args) => nncAsync(args)));
      results.forEach((r, i) => expectStoreFault(r, expected, `nnc ${chosen[i]![0]}`));
      expect(sha(file), 'a command changed the store').toBe(before);
      expect(existsSync(join(dir, 'copy.db'))).toBe(false);
      expect(existsSync(join(dir, 'exported'))).toBe(false);
      expect(readdirSync(join(dir, '.nnc', 'runs'))).toEqual([trainedRun]); // train started no run
    }, 90_000);
  }

  it('backup checks its copy: a store damaged where opening does not look gives no backup', () => {
    const dir = copyProject();
    const file = join(dir, '.nnc', 'nnc.db');
    damage['garbage in the middle']!(file);
    const out = join(root, 'damaged-copy.db');
    const r = nnc(['backup', dir, '--out', out]);
    expectStoreFault(r, /The copy of the run store '.*nnc\.db' failed SQLite's integrity check .*no backup was written/, 'backup');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith('damaged-copy.db'))).toEqual([]);
  });
});

describe('a read-only .nnc', () => {
  // root ignores file modes: a read-only bind mount where mount works, else nnc runs as 'nobody' with chmod
  it('every command names the folder and says to make it writable, exit 1, nothing changed', async () => {
    const dir = copyProject();
    const nncDir = join(dir, '.nnc');
    const file = join(nncDir, 'nnc.db');
    const before = sha(file);
    const asRoot = process.getuid?.() === 0;
    let uid: number | undefined;
    if (asRoot && tryMount(['--bind', nncDir, nncDir]) && (mounts.push(nncDir), tryMount(['-o', 'remount,bind,ro', nncDir, nncDir]))) {
      uid = undefined;
    } else {
      for (const entry of ['', 'runs', join('runs', trainedRun)]) chmodSync(join(nncDir, entry), 0o555);
      uid = asRoot ? 65534 : undefined;
    }
    const out = join(root, `ro-out-${copies}`);
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    const all = commands(dir, out);
    const results = await Promise.all(all.map((args) => nncAsync(args, uid !== undefined ? { uid } : {})));
    results.forEach((r, i) => {
      expectStoreFault(r, /The run store '.*nnc\.db' cannot be written \(.*(read-only file system|may not write)/, `nnc ${all[i]![0]}`);
      expect(r.stderr).toMatch(/Make '.*\.nnc' and the files in it writable/);
    });
    expect(sha(file)).toBe(before);
    expect(readdirSync(join(nncDir, 'runs'))).toEqual([trainedRun]);
  }, 90_000);
});

describe('a full disk', () => {
  it('a run that fills the disk ends failed with a clear message; its best values and last checkpoint are kept', (ctx) => {
    const dir = join(root, 'full');
    cpSync(FIXTURE, dir, { recursive: true });
    const nncDir = join(dir, '.nnc');
    mkdirSync(nncDir);
    if (process.getuid?.() !== 0 || !tryMount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', nncDir])) {
      ctx.skip(); // needs root and tmpfs; the store's own tests cover the write path without them
      return;
    }
    mounts.push(nncDir);
    // room for the 256 KiB space reserve and a few epochs of metrics, not for 300
    writeFileSync(join(nncDir, 'filler'), Buffer.alloc(350_000));
    const r = nnc(['train', dir, '--epochs', '300']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/The disk holding (the run store '.*nnc\.db'|the checkpoint folder '.*') is full .*Free some space and run again/);
    expect(r.stderr).not.toMatch(/This is a bug in nnc|\n\s+at /);
    rmSync(join(nncDir, 'filler'));

    const runs = JSON.parse(nnc(['runs', dir, '--format', 'json']).stdout) as { id: string; status: string; best: Record<string, number>; info: { error?: string } }[];
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.status).toBe('failed');
    expect(run.info.error).toMatch(/is full/);
    expect(run.best['verdict.val_loss']).toBeGreaterThan(0);
    // the store is intact, and the last checkpoint still predicts
    expect(nnc(['backup', dir, '--out', join(root, 'full-copy.db')]).status).toBe(0);
    const predicted = nnc(['predict', dir, '--run', run.id, 'great food']);
    expect(predicted.status, predicted.stderr).toBe(0);
    expect(predicted.stdout).toMatch(/^(good|bad) /);
  }, 120_000);
});

describe('nnc backup after a killed backup', () => {
  it("removes the temporary files of dead backups to the same place and leaves a live one's", () => {
    const dir = copyProject();
    const out = join(root, 'killed', 'backup.db');
    mkdirSync(join(root, 'killed'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = [`backup.db.${dead}.a1b2c3.tmp`, `backup.db.${dead}.a1b2c3.tmp-journal`];
    const live = `backup.db.${process.pid}.d4e5f6.tmp`;
    const other = `other.db.${dead}.a1b2c3.tmp`;
    for (const name of [...stale, live, other]) writeFileSync(join(root, 'killed', name), Buffer.alloc(4096));
    const r = nnc(['backup', dir, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(root, 'killed')).sort()).toEqual(['backup.db', live, other].sort());
  });
});

describe('best values at each epoch end', () => {
  it('mergeEpochBest keeps the lowest loss and the highest accuracy, and skips lr, grad_norm and NaN', () => {
    expect(mergeEpochBest({}, { loss: 0.5, 'h.val_accuracy': 0.6, lr: 0.01, grad_norm: 2, 'h.mae': Number.NaN })).toEqual({ loss: 0.5, 'h.val_accuracy': 0.6 });
    expect(mergeEpochBest({ loss: 0.5, 'h.val_accuracy': 0.6 }, { loss: 0.7, 'h.val_accuracy': 0.5 })).toBeNull();
    expect(mergeEpochBest({ loss: 0.5, 'h.val_accuracy': 0.6 }, { loss: 0.4, 'h.val_accuracy': 0.9 })).toEqual({ loss: 0.4, 'h.val_accuracy': 0.9 });
  });

  it('are in the store while the run is still running', () => {
    const dir = join(root, 'epoch-best');
    const store = createRunStore(dir);
    const run = store.createRun({ planHash: 'p'.repeat(16), modelHash: 'm'.repeat(16), gitCommit: null, gitDirty: false, backend: 'cpu', plan: { project: { name: 'best' } } });
    store.recordEpochBest(run.id, { loss: 0.6, val_loss: 0.7, 'h.val_accuracy': 0.5 });
    store.recordEpochBest(run.id, { loss: 0.4, val_loss: 0.8, 'h.val_accuracy': 0.75 });
    const reader = createRunStore(dir, { readonly: true });
    expect(reader.getRun(run.id)).toMatchObject({ status: 'running', best: { loss: 0.4, val_loss: 0.7, 'h.val_accuracy': 0.75 } });
    reader.close();
    store.close();
  });

  it('a training killed with SIGKILL after a few epochs shows its best values as interrupted', async () => {
    const dir = copyProject();
    const child = spawn(process.execPath, [CLI, 'train', dir, '--epochs', '300'], { env: { ...process.env, NNC_BACKEND: 'cpu' } });
    await new Promise<void>((done, fail) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (/^epoch 3\/300/m.test(text)) done();
      });
      child.on('exit', () => fail(new Error(`train ended before its third epoch: ${text}`)));
    });
    child.kill('SIGKILL');
    await new Promise((done) => child.on('exit', done));
    const runs = JSON.parse(nnc(['runs', dir, '--format', 'json']).stdout) as { status: string; best: Record<string, number> }[];
    const killed = runs[0]!;
    expect(killed.status).toBe('interrupted');
    expect(killed.best['verdict.val_loss']).toBeGreaterThan(0);
    expect(killed.best.loss).toBeGreaterThan(0);
  }, 60_000);
});
