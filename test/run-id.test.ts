// Run ids as git takes commits (any unique start of one; an ambiguous start is
// an error listing the candidates), `nnc runs --pin` choosing the run predict
// and export use, and one project row per store.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRun } from '../src/runtime/predict/load.js';
import { migrations } from '../src/runtime/store/migrations.js';
import { resolveRunId } from '../src/runtime/store/run-id.js';
import { createRunStore, storePath } from '../src/runtime/store/store.js';
import type { NewRun, RunRecord, RunStore } from '../src/runtime/store/types.js';

const CLI = resolve('dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'nnc-run-id-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nnc(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const newRun = (name = 'topics'): NewRun => ({ planHash: 'p', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: { project: { name } } });

/** The shortest start of `id` that no other run shares. */
function uniquePrefix(id: string, runs: readonly RunRecord[]): string {
  for (let n = 1; n <= id.length; n++) {
    const prefix = id.slice(0, n);
    if (runs.filter((r) => r.id.startsWith(prefix)).length === 1) return prefix;
  }
  return id;
}

/** A project folder (named unlike its plan) with three ended runs; the older two saved a model. */
function projectWithRuns(folder: string): { dir: string; runs: RunRecord[] } {
  const dir = join(tmp, folder);
  mkdirSync(dir);
  const store = createRunStore(dir);
  const runs = [0, 1, 2].map(() => store.createRun(newRun()));
  for (const [i, run] of runs.entries()) {
    store.endRun(run.id, i === 2 ? 'failed' : 'completed');
    store.addLog(run.id, { time: Date.now(), level: 'info', category: 'train', message: `line of run ${i}`, spam: false });
    if (i < 2) {
      mkdirSync(store.runDir(run.id), { recursive: true });
      writeFileSync(join(store.runDir(run.id), 'model.json'), '{}');
    }
  }
  store.close();
  return { dir, runs };
}

describe('run id prefixes', () => {
  it('resolve a unique start, and list the candidates of an ambiguous one', () => {
    const { dir, runs } = projectWithRuns('prefixes');
    const store = createRunStore(dir, { readonly: true });
    try {
      for (const run of runs) expect((resolveRunId(store, uniquePrefix(run.id, runs)) as RunRecord).id).toBe(run.id);
      expect((resolveRunId(store, runs[1]!.id) as RunRecord).id).toBe(runs[1]!.id);
      const ambiguous = resolveRunId(store, 'r') as string;
      expect(ambiguous).toMatch(/^The run id 'r' is ambiguous: 3 runs start with it: /);
      for (const run of runs) expect(ambiguous).toContain(`'${run.id}' (${store.getRun(run.id)!.status})`);
      expect(resolveRunId(store, 'rzzz')).toMatch(/^There is no run 'rzzz' in this project/);
      expect(typeof resolveRunId(store, '')).toBe('string');
    } finally {
      store.close();
    }
  });

  it('nnc logs --run takes a prefix; an ambiguous one is an error listing the runs', () => {
    const { dir, runs } = projectWithRuns('logs');
    const r = nnc(['logs', dir, '--run', uniquePrefix(runs[0]!.id, runs)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('line of run 0');
    expect(r.stdout).not.toContain('line of run 1');
    const ambiguous = nnc(['logs', dir, '--run', 'r']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain("is ambiguous: 3 runs start with it");
  });
});

describe('nnc runs --pin', () => {
  it('pins a run by prefix: predict and export (findRun) use it by default, runs marks it, --unpin undoes it', () => {
    const { dir, runs } = projectWithRuns('pin');
    const [older, newer] = runs as [RunRecord, RunRecord, RunRecord];
    const latest = (store: RunStore) => (findRun(store, undefined) as RunRecord).id;
    let store = createRunStore(dir, { readonly: true });
    expect(latest(store)).toBe(newer.id);
    store.close();

    const pinned = nnc(['runs', dir, '--pin', uniquePrefix(older.id, runs)]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain(`Pinned run ${older.id} (completed): 'nnc predict', 'nnc export' and 'nnc serve' use it`);
    store = createRunStore(dir, { readonly: true });
    expect(latest(store)).toBe(older.id);
    // --run still wins over the pin
    expect((findRun(store, newer.id) as RunRecord).id).toBe(newer.id);
    store.close();

    const listed = JSON.parse(nnc(['runs', dir, '--format', 'json']).stdout) as Array<{ id: string; pinned: boolean }>;
    expect(listed.filter((r) => r.pinned).map((r) => r.id)).toEqual([older.id]);
    expect(nnc(['runs', dir]).stdout).toMatch(new RegExp(`${older.id}\\s+completed \\(pinned\\)`));

    expect(nnc(['runs', dir, '--unpin']).stdout).toContain(`Unpinned run ${older.id}`);
    store = createRunStore(dir, { readonly: true });
    expect(latest(store)).toBe(newer.id);
    store.close();
  });

  it('refuses a run that saved no model, and an unknown id', () => {
    const { dir, runs } = projectWithRuns('pin-refused');
    const failed = nnc(['runs', dir, '--pin', runs[2]!.id]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Run '${runs[2]!.id}' (failed) saved no model, so it cannot be pinned.`);
    expect(nnc(['runs', dir, '--pin', 'rzzz']).code).toBe(1);
  });
});

describe('the projects table', () => {
  const rows = (dir: string) => {
    const db = new Database(storePath(dir), { readonly: true });
    try {
      return db.prepare('SELECT name, dir FROM projects').all();
    } finally {
      db.close();
    }
  };

  it('holds one row for one folder: the folder\'s name until a run names it after the plan', () => {
    const dir = join(tmp, 'my-model');
    mkdirSync(dir);
    createRunStore(dir).close();
    expect(rows(dir)).toEqual([{ name: 'my-model', dir }]);
    const store = createRunStore(dir);
    store.createRun(newRun('topics'));
    store.close();
    expect(rows(dir)).toEqual([{ name: 'topics', dir }]);
    createRunStore(dir).close();
    expect(rows(dir)).toEqual([{ name: 'topics', dir }]);
  });

  it('an older store with two rows for its folder is left with one when it is opened', () => {
    const dir = join(tmp, 'old-store');
    mkdirSync(join(dir, '.nnc'), { recursive: true });
    const db = new Database(storePath(dir));
    db.exec(migrations[0]!);
    db.pragma('user_version = 1');
    db.prepare('INSERT INTO projects (name, dir, created_at) VALUES (?, ?, ?)').run('old-store', dir, 1);
    db.prepare('INSERT INTO projects (name, dir, created_at) VALUES (?, ?, ?)').run('topics', dir, 2);
    db.close();
    createRunStore(dir).close();
    expect(rows(dir)).toEqual([{ name: 'topics', dir }]);
  });
});
