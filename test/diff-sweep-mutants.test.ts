// `nnc diff --sweep`'s comparison (src/diff/sweep-diff.ts) in-process, so a
// mutation run (`npm run mutate -- sweep`) sees its mutants: a sweep as the
// run store hands it over (trials ranked, their runs, every run of the
// project), built in memory against copies of the tiny fixture. Nothing is
// trained; test/diff-sweep.test.ts runs a real sweep through the CLI.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { folderHost } from '../src/diff/plugin-trust.js';
import { diffSweep, diffTrials, trialFile, type StoredSweep } from '../src/diff/sweep-diff.js';
import type { RunRecord } from '../src/runtime/store/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-sweep-mutants-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** a copy of the tiny fixture, its hidden layer `units` wide */
function project(name: string, units = 16): string {
  const dir = join(tmp, name);
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  if (units !== 16) writeFileSync(join(dir, 'layers.yaml'), readFileSync(join(dir, 'layers.yaml'), 'utf8').replace('units: 16, activation', `units: ${units}, activation`));
  return dir;
}
function planHashOf(dir: string): string {
  const result = compile(dir, folderHost(false));
  expect(result.plan, JSON.stringify(result.diagnostics)).toBeTruthy();
  return result.plan!.hash;
}
function run(id: string, planHash: string, status: RunRecord['status'], best: Record<string, number>): RunRecord {
  return { id, project: 'tiny', planHash, modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', status, parentId: null, startedAt: 1000, endedAt: 2000, best, info: {} };
}
const sweepInfo = () => ({ id: 'sw1', name: 'widths', status: 'completed', method: 'grid', metric: 'verdict.val_loss', mode: 'min' as const, parameters: ['layers.hidden.units'], trials: 3 });
type Trial = StoredSweep['trials'][number];
const trial = (t: Partial<Trial> & Pick<Trial, 'rank' | 'trial' | 'params' | 'planHash'>): Trial => ({ status: 'completed', value: null, epochs: 2, stoppedAt: null, runId: null, ...t });

/** three trials: 12 units (trained, with a run), 16 units (the base's plan, pruned, trained another plan), and a value that no longer compiles */
function sweep(dir: string, allRuns?: RunRecord[]) {
  const base = planHashOf(dir);
  const wide = planHashOf(project(`${dir.split('/').pop()}-12`, 12));
  const stale = 'f'.repeat(16);
  const stored: StoredSweep = {
    sweep: sweepInfo(),
    trials: [
      trial({ rank: 1, trial: 2, params: { 'layers.hidden.units': 12 }, value: 0.4, runId: 'r2', planHash: wide }),
      trial({ rank: 2, trial: 1, status: 'pruned', params: { 'layers.hidden.units': 16 }, value: 0.75, epochs: 1, stoppedAt: 1, runId: 'r1', planHash: stale }),
      trial({ rank: 3, trial: 3, status: 'failed', params: { 'training.learningRate': 0.5, 'layers.hidden.units': 'wide' }, epochs: 0, planHash: base }),
    ],
    runs: [
      run('r2', wide, 'completed', { 'verdict.loss': 0.3, 'verdict.val_loss': 0.4, 'verdict.val_accuracy': 0.9, val_loss: 0.41, 'verdict.interval_count': 3 }),
      run('r1', base, 'stopped', { 'verdict.loss': 0.6, loss: 0.65 }),
      run('r9', base, 'completed', { 'verdict.val_loss': 0.01 }),
    ],
    allRuns: allRuns ?? [
      run('b2', base, 'completed', { 'verdict.val_loss': 0.7, val_loss: 0.7 }),
      run('b1', base, 'completed', { 'verdict.val_loss': 0.5, val_loss: 0.5, 'verdict.val_accuracy': 0.8 }),
      run('b3', base, 'failed', { 'verdict.val_loss': 0.1, val_loss: 0.1 }),
      run('b4', wide, 'completed', { 'verdict.val_loss': 0.05, val_loss: 0.05 }),
    ],
  };
  return { stored, base, wide, stale };
}

describe('diffSweep: every trial against the base', () => {
  it("ranks the trials as stored, with their values, what they change, the metric against the base's best completed run, and each run's validation metrics", () => {
    const dir = project('ranked');
    const { stored, base, wide } = sweep(dir);
    const { diff, exitCode } = diffSweep(stored, { projectDir: dir, project: 'tiny' });
    expect(exitCode).toBe(1);
    expect(diff.sweep).toEqual(sweepInfo());
    expect(diff.base).toEqual({ project: 'tiny', compiled: true, planHash: base, params: 690, weightBytes: 2760, diagnostics: [] });
    // the best completed run of the base's plan: not the failed one, not another plan's
    expect(diff.baseRun).toEqual({ id: 'b1', best: { 'verdict.val_loss': 0.5, val_loss: 0.5, 'verdict.val_accuracy': 0.8 } });
    expect(diff.trials.map((t) => [t.rank, t.trial, t.status, t.label, t.value, t.delta, t.epochs, t.stoppedAt, t.runId, t.trainedPlanHash, t.planHash, t.compiled])).toEqual([
      [1, 2, 'completed', 'layers.hidden.units=12', 0.4, 0.4 - 0.5, 2, null, 'r2', wide, wide, true],
      [2, 1, 'pruned', 'layers.hidden.units=16', 0.75, 0.75 - 0.5, 1, 1, 'r1', 'f'.repeat(16), base, true],
      [3, 3, 'failed', 'training.learningRate=0.5, layers.hidden.units=wide', null, null, 0, null, null, base, null, false],
    ]);
    expect(diff.trials.map((t) => t.params)).toEqual(stored.trials.map((t) => t.params));
    const [twelve, same, broken] = diff.trials;
    // only what differs from the base
    expect(twelve.layers).toEqual([{ marker: '~', name: 'hidden', type: { before: 'dense', after: 'dense' }, outputShape: { before: [16], after: [12] }, params: { before: 272, after: 204 }, changedKeys: ['units'] }]);
    expect(twelve.heads.map((h) => [h.marker, h.name, h.changedKeys])).toEqual([['~', 'verdict', ['input shape']]]);
    expect(twelve.summary).toMatchObject({ layersChanged: 1, params: { before: 690, after: 614 }, weightBytes: { before: 2760, after: 2456 }, sameModel: false, samePlan: false });
    expect(twelve.blastRadius.headsWithNewInputShape).toEqual([{ name: 'verdict', before: [16], after: [12] }]);
    expect(twelve.settings).toEqual([]);
    expect(same.layers).toEqual([]);
    expect(same.heads).toEqual([]);
    expect(same.summary).toMatchObject({ samePlan: true, sameModel: true });
    // validation metrics by name when the run has them ('val_' at the start or after a dot), else all of them
    expect(Object.entries(twelve.best!)).toEqual([['val_loss', 0.41], ['verdict.val_accuracy', 0.9], ['verdict.val_loss', 0.4]]);
    expect(Object.entries(same.best!)).toEqual([['loss', 0.65], ['verdict.loss', 0.6]]);
    expect(broken.best).toBeNull();
    // a trial's values that no longer compile: errors at the line of its pseudo-file that holds the value
    expect(twelve.diagnostics).toEqual([]);
    expect(broken.diagnostics).toEqual([{ file: trialFile('sw1', 3), line: 2, column: 'layers.hidden.units'.length + 2, severity: 'error', code: 2006, message: `'units' in layer 'hidden' must be an integer, but it is the string "wide".` }]);
    expect(trialFile('sw1', 3)).toBe('<sweep sw1 trial 3>');
    expect(diff.notes).toEqual([
      `Trial 1 trained plan ffffffff, but the project's files give its values plan ${base.slice(0, 8)} now: the files changed since the sweep ran, and what is shown is what the trial's values change today.`,
      `Trial 3's values no longer compile with the project's files (it trained plan ${base.slice(0, 8)}): its diagnostics are listed with it.`,
    ]);
  });

  it("without a completed run of the base's plan: no base run, no deltas, a note saying how to make one; exit 0 when every trial compiles", () => {
    const dir = project('norun');
    const { stored, base } = sweep(dir, []);
    const two = { ...stored, trials: stored.trials.slice(0, 1) };
    const { diff, exitCode } = diffSweep(two, { projectDir: dir, project: 'tiny' });
    expect(exitCode).toBe(0);
    expect(diff.baseRun).toBeNull();
    expect(diff.trials.map((t) => [t.value, t.delta])).toEqual([[0.4, null]]);
    expect(diff.notes).toEqual([`The base's plan (${base.slice(0, 8)}) has no completed run in the store, so trials' metrics are not compared with it ('nnc train' makes one).`]);
  });

  it('a base run without the metric, or with a value that is not finite, gives no delta', () => {
    const dir = project('nometric');
    const { stored, base } = sweep(dir, []);
    const one = { ...stored, trials: stored.trials.slice(0, 1) };
    for (const best of [{ 'verdict.loss': 0.2 }, { 'verdict.val_loss': Number.NaN }] as Record<string, number>[]) {
      const { diff } = diffSweep({ ...one, allRuns: [run('b1', base, 'completed', best)] }, { projectDir: dir, project: 'tiny' });
      expect(diff.baseRun?.id).toBe('b1');
      expect(diff.trials[0].delta).toBeNull();
      expect(diff.notes).toEqual([]);
    }
  });

  it('a base that does not compile: its errors, a note, trials compared with it as written, exit 1', () => {
    const dir = project('broken');
    const { stored } = sweep(dir);
    writeFileSync(join(dir, 'heads.yaml'), readFileSync(join(dir, 'heads.yaml'), 'utf8').replace('attach: hidden', 'attach: hiddn'));
    const one = { ...stored, trials: stored.trials.slice(1, 2) };
    const { diff, exitCode } = diffSweep(one, { projectDir: dir, project: 'tiny' });
    expect(exitCode).toBe(1);
    expect(diff.base.compiled).toBe(false);
    expect(diff.base.planHash).toBeNull();
    expect(diff.baseRun).toBeNull();
    expect(diff.base.diagnostics.map((d) => [d.file, d.line, d.severity, d.code])).toEqual([['heads.yaml', 6, 'error', expect.any(Number)]]);
    expect(diff.trials[0].compiled).toBe(false);
    expect(diff.trials[0].diagnostics.map((d) => [d.file, d.line])).toEqual([['heads.yaml', 6]]);
    expect(diff.notes).toEqual([
      `The base (the project's files without the sweep's values) does not compile: trials are compared with it as written in its YAML, without shapes or parameters.`,
      `Trial 1's values no longer compile with the project's files (it trained plan ffffffff): its diagnostics are listed with it.`,
    ]);
  });
});

describe('plugins', () => {
  it('runs none without trustPlugins and says the base and the sides are unchecked; with it, no such note', () => {
    const dir = project('plugins');
    mkdirSync(join(dir, 'plugins'));
    copyFileSync('test/fixtures/diagnostics/plugins/types.mjs', join(dir, 'plugins/types.mjs'));
    writeFileSync(join(dir, 'nnc.yaml'), `${readFileSync(join(dir, 'nnc.yaml'), 'utf8')}plugins: ['./plugins/types.mjs']\n`);
    const { stored } = sweep(project('plugins-plain'));
    const one = { ...stored, trials: stored.trials.slice(0, 1), allRuns: [] };
    const untrusted = diffSweep(one, { projectDir: dir, project: 'tiny' });
    const note = (label: string) => `${label}: plugins were not run (nnc diff runs no plugin code unless it is given --trust-plugins), so its shapes and parameters are unchecked. Give --trust-plugins to run them.`;
    expect(untrusted.diff.notes[0]).toBe(note('base'));
    const trusted = diffSweep(one, { projectDir: dir, project: 'tiny', trustPlugins: true });
    expect(trusted.diff.notes.filter((n) => n.includes('plugins were not run'))).toEqual([]);
    expect(trusted.diff.base.compiled).toBe(true);
    const pair = diffTrials(one, [2], { projectDir: dir, project: 'tiny' });
    expect(pair.diff.notes.filter((n) => n.includes('plugins were not run'))).toEqual([note('base'), note('head')]);
    expect(pair.exitCode).toBe(0);
    expect(diffTrials(one, [2], { projectDir: dir, project: 'tiny', trustPlugins: true }).diff.notes.filter((n) => n.includes('plugins were not run'))).toEqual([]);
  });
});

describe('diffTrials: two sides of one sweep as an ordinary diff', () => {
  it("two trials: the first against the second, labelled with their values, each with its own run's metrics from the store", () => {
    const dir = project('pair');
    const { stored, base, wide } = sweep(dir);
    const { diff, exitCode } = diffTrials(stored, [1, 2], { projectDir: dir, project: 'tiny' });
    expect(exitCode).toBe(0);
    expect([diff.base.label, diff.base.planHash, diff.head.label, diff.head.planHash]).toEqual(['trial 1 (layers.hidden.units=16)', base, 'trial 2 (layers.hidden.units=12)', wide]);
    expect(diff.layers?.filter((l) => l.marker !== '').map((l) => l.name)).toEqual(['hidden']);
    expect(diff.metrics?.source).toEqual({ kind: 'store' });
    expect(diff.metrics?.baseRun).toBe('r1');
    expect(diff.metrics?.headRun).toBe('r2');
    expect(diff.notes).toEqual([`Trial 1 trained plan ffffffff, but the project's files give its values plan ${base.slice(0, 8)} now: the files changed since the sweep ran, and what is shown is what the trial's values change today.`]);
  });

  it("one trial against the base's best completed run; a trial without a run and a base without one are named in notes", () => {
    const dir = project('single');
    const { stored, base } = sweep(dir);
    const withBase = diffTrials(stored, [2], { projectDir: dir, project: 'tiny' });
    expect(withBase.exitCode).toBe(0);
    expect([withBase.diff.base.label, withBase.diff.base.planHash]).toEqual(['base', base]);
    expect(withBase.diff.metrics?.baseRun).toBe('b1');
    expect(withBase.diff.metrics?.headRun).toBe('r2');
    expect(withBase.diff.notes).toEqual([]);

    const noRuns = diffTrials({ ...stored, allRuns: [], runs: [] }, [2], { projectDir: dir, project: 'tiny' });
    expect(noRuns.diff.metrics).toBeNull();
    expect(noRuns.diff.notes).toEqual([
      'Trial 2 has no run in the store (completed), so no metrics are compared.',
      `The base's plan (${base.slice(0, 8)}) has no completed run in the store, so no metrics are compared ('nnc train' makes one).`,
    ]);
  });

  it("a trial value at a path that names nothing: the error points at the path on the trial's line", () => {
    const dir = project('badpath');
    const { stored, base } = sweep(dir);
    const bad = { ...stored, trials: [trial({ rank: 1, trial: 4, params: { 'training.learningRate': 0.5, 'layers.nope.units': 4 }, planHash: base })] };
    const { diff } = diffTrials(bad, [4], { projectDir: dir, project: 'tiny' });
    expect(diff.head.diagnostics).toEqual([{ file: trialFile('sw1', 4), line: 2, column: 8, severity: 'error', code: 2012, message: "There is no layer 'nope'. The layers are 'embed', 'pool', 'hidden'." }]);
  });

  it('a trial whose values no longer compile: exit 1, its errors on the head side', () => {
    const dir = project('headbroken');
    const { stored, base } = sweep(dir);
    const { diff, exitCode } = diffTrials(stored, [3], { projectDir: dir, project: 'tiny' });
    expect(exitCode).toBe(1);
    expect(diff.head.compiled).toBe(false);
    expect(diff.head.diagnostics.map((d) => [d.file, d.line, d.column, d.code])).toEqual([[trialFile('sw1', 3), 2, 21, 2006]]);
    expect(diff.notes).toEqual([
      'The head (trial 3 (training.learningRate=0.5, layers.hidden.units=wide)) does not compile: it is compared as written in its YAML, without shapes, parameters or sample counts from source files.',
      `Trial 3's values no longer compile with the project's files (it trained plan ${base.slice(0, 8)}): its diagnostics are listed with it.`,
      'Trial 3 has no run in the store (failed), so no metrics are compared.',
    ]);
  });
});
