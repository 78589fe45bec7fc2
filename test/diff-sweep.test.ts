// `nnc diff --sweep` through the built CLI on a copy of the tiny fixture: one
// real sweep (2 trials, 2 epochs each) and one real base run, then the
// sweep's trials against the base, two trials against each other, prefixes,
// a project that changed since the sweep, and the command-line mistakes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDiff } from '../src/diff/plan-diff.js';
import type { SweepDiff } from '../src/diff/sweep-diff.js';
import { renderSweepMarkdown } from '../src/diff/render-sweep.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-diff-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = resolve('dist/cli.js');
const nnc = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd: tmp });
const dir = join(tmp, 'tiny');

interface ShownTrial { rank: number; trial: number; status: string; value: number; runId: string; params: Record<string, unknown> }
let sweepId = '';
let shown: ShownTrial[] = [];
let baseRunId = '';

beforeAll(() => {
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  writeFileSync(join(dir, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 12]
  training.learningRate: [0.01]
  training.epochs: [2]
metric: verdict.val_loss
`);
  const train = nnc('train', 'tiny', '--epochs', '1', '--backend', 'wasm', '--format', 'json');
  expect(train.status, train.stderr).toBe(0);
  const runs = JSON.parse(nnc('runs', 'tiny', '--format', 'json').stdout) as Array<{ id: string }>;
  baseRunId = runs[0].id;
  const sweep = nnc('sweep', 'tiny', '--parallel', '2', '--backend', 'wasm', '--format', 'json');
  expect(sweep.status, sweep.stderr).toBe(0);
  sweepId = (JSON.parse(sweep.stdout) as { sweep: { id: string } }).sweep.id;
  shown = (JSON.parse(nnc('sweep', 'tiny', '--show', sweepId, '--format', 'json').stdout) as { trials: ShownTrial[] }).trials;
}, 120_000);

describe('nnc diff --sweep', () => {
  it("compares every trial with the base: values, what they change in the model, the metric ranked, and the run's best metrics", () => {
    const result = nnc('diff', '--sweep', sweepId, 'tiny', '--format', 'json');
    expect(result.status, result.stderr).toBe(0);
    const diff = JSON.parse(result.stdout) as SweepDiff;
    expect(diff.sweep).toMatchObject({ id: sweepId, name: 'widths', metric: 'verdict.val_loss', mode: 'min', trials: 2, parameters: ['layers.hidden.units', 'training.learningRate', 'training.epochs'] });
    // ranked as `nnc sweep --show` ranks, with the same values and runs
    expect(diff.trials.map((t) => [t.rank, t.trial, t.value, t.runId])).toEqual(shown.map((t) => [t.rank, t.trial, t.value, t.runId]));
    // the base: the fixture's files (embed 16 -> dense 16 -> head of 2 classes)
    expect(diff.base.compiled).toBe(true);
    expect(diff.baseRun?.id).toBe(baseRunId);
    const runs = JSON.parse(nnc('runs', 'tiny', '--sweep', sweepId, '--format', 'json').stdout) as Array<{ id: string; best: Record<string, number> }>;
    for (const t of diff.trials) {
      const units = t.params['layers.hidden.units'] as number;
      const hidden = t.layers.find((l) => l.name === 'hidden')!;
      expect(hidden).toMatchObject({ marker: '~', changedKeys: ['units'], outputShape: { before: [16], after: [units] }, params: { before: 16 * 16 + 16, after: 16 * units + units } });
      expect(t.layers.map((l) => l.name)).toEqual(['hidden']);
      // dense 16 -> units, and the head's 2 * (in + 1) follow the width
      expect(t.summary.params.after! - t.summary.params.before!).toBe(16 * units + units - 272 + (units * 2 + 2) - (16 * 2 + 2));
      expect(t.blastRadius.headsWithNewInputShape).toEqual([{ name: 'verdict', before: [16], after: [units] }]);
      expect(t.settings).toEqual(expect.arrayContaining([{ key: 'training.learningRate', before: 0.02, after: 0.01 }, { key: 'training.epochs', before: 8, after: 2 }]));
      expect(t.planHash).toBe(t.trainedPlanHash);
      const run = runs.find((r) => r.id === t.runId)!;
      expect(t.best!['verdict.val_loss']).toBe(run.best['verdict.val_loss']);
      expect(Object.keys(t.best!).every((k) => /(^|\.)val_/.test(k))).toBe(true);
      expect(t.delta).toBeCloseTo(t.value! - diff.baseRun!.best['verdict.val_loss'], 12);
    }
    expect(diff.notes).toEqual([]);
  });

  it('resolves a unique start of the id like run ids, and the sweep by name', () => {
    const full = nnc('diff', '--sweep', sweepId, 'tiny', '--format', 'json').stdout;
    expect(nnc('diff', '--sweep', sweepId.slice(0, 9), 'tiny', '--format', 'json').stdout).toBe(full);
    expect(nnc('diff', '--sweep', 'widths', 'tiny', '--format', 'json').stdout).toBe(full);
  });

  it('prints the ranked table and each trial as text, and as a pull-request comment in markdown', () => {
    const text = nnc('diff', '--sweep', sweepId, 'tiny');
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`nnc diff sweep ${sweepId} 'widths': 2 trials (grid, completed) against the base  tiny`);
    expect(text.stdout).toContain(`run ${baseRunId} (its plan's best completed run)`);
    expect(text.stdout).toMatch(/rank\s+trial\s+status\s+layers\.hidden\.units\s+training\.learningRate\s+training\.epochs\s+verdict\.val_loss\s+vs base\s+params\s+epochs\s+run/);
    const rows = lines.filter((l) => new RegExp(`^\\s+\\d\\s+\\d\\s+completed\\s`).test(l));
    expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 4))).toEqual(shown.map((t) => [String(t.rank), String(t.trial), 'completed', String(t.params['layers.hidden.units'])]));
    expect(text.stdout).toContain(`~ layer 'hidden' (dense): output [16] -> [4], params 272 -> 68; changed: units`);
    expect(text.stdout).toContain(`head 'verdict': input shape [16] -> [12], its weights start fresh`);
    expect(text.stdout).toContain('training.learningRate: 0.02 -> 0.01');

    const md = nnc('diff', '--sweep', sweepId, 'tiny', '--format', 'markdown');
    expect(md.status).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe(`<!-- nnc-diff-sweep tiny ${sweepId} -->`);
    expect(md.stdout).toContain('| rank | trial | status | `layers.hidden.units` | `training.learningRate` | `training.epochs` | `verdict.val_loss` | vs base | params | epochs | run |');
    expect(md.stdout).toMatch(/<summary>Trial 1: layers\.hidden\.units=4, training\.learningRate=0\.01, training\.epochs=2<\/summary>/);
    expect(md.stdout).toContain('params 272 → 68');
  });

  it('cuts a markdown comment to the size limit: trial details first, then table rows, each with a note', () => {
    const diff = JSON.parse(nnc('diff', '--sweep', sweepId, 'tiny', '--format', 'json').stdout) as SweepDiff;
    const whole = renderSweepMarkdown(diff);
    const size = (t: string) => Buffer.byteLength(t, 'utf8');
    const detailsCut = renderSweepMarkdown(diff, { limit: size(whole) - 10 });
    expect(size(detailsCut)).toBeLessThanOrEqual(size(whole) - 10);
    expect(detailsCut).toContain(`_… the changes of 1 more trial not shown (comment size limit); run \`nnc diff --sweep ${sweepId}\` locally for all of them._`);
    expect(detailsCut.match(/<summary>/g)).toHaveLength(1);
    // whatever the limit, the comment fits, starts with its marker, and says when it left something out
    for (let limit = 400; limit < size(whole); limit += 37) {
      const text = renderSweepMarkdown(diff, { limit });
      expect(size(text), `limit ${limit}`).toBeLessThanOrEqual(limit);
      expect(text.split('\n')[0]).toBe(`<!-- nnc-diff-sweep tiny ${sweepId} -->`);
      const summaries = text.match(/<summary>/g)?.length ?? 0;
      const rows = text.split('\n').filter((l) => /^\| \d+ \| \d+ \|/.test(l)).length;
      if (summaries < 2) expect(text, `limit ${limit}`).toMatch(/not shown \(comment size limit\)|cut to fit the comment limit/);
      if (rows < 2) expect(text, `limit ${limit}`).toMatch(/_… the rows of \d more trials? not shown|cut to fit the comment limit/);
    }
    expect(renderSweepMarkdown(diff, { limit: size(whole) })).toBe(whole);
  });

  it('compares two trials, or the base and one trial, as an ordinary diff with their runs\' metrics', () => {
    const two = nnc('diff', '--sweep', sweepId, '--trial', '1', '--trial', '2', 'tiny', '--format', 'json');
    expect(two.status, two.stderr).toBe(0);
    const diff = JSON.parse(two.stdout) as PlanDiff;
    const run = (n: number) => shown.find((t) => t.trial === n)!.runId;
    expect(diff.base.label).toBe('trial 1 (layers.hidden.units=4, training.learningRate=0.01, training.epochs=2)');
    expect(diff.head.label).toBe('trial 2 (layers.hidden.units=12, training.learningRate=0.01, training.epochs=2)');
    expect(diff.layers!.find((l) => l.name === 'hidden')).toMatchObject({ marker: '~', outputShape: { before: [4], after: [12] } });
    expect(diff.settings).toEqual([]);
    expect(diff.metrics).toMatchObject({ baseRun: run(1), headRun: run(2), source: { kind: 'store' } });
    const row = diff.metrics!.rows.find((r) => r.name === 'verdict.val_loss')!;
    expect([row.before, row.after]).toEqual([shown.find((t) => t.trial === 1)!.value, shown.find((t) => t.trial === 2)!.value]);

    const one = JSON.parse(nnc('diff', '--sweep', sweepId, '--trial', '2', 'tiny', '--format', 'json').stdout) as PlanDiff;
    expect(one.base.label).toBe('base');
    expect(one.metrics).toMatchObject({ baseRun: baseRunId, headRun: run(2) });
    expect(one.settings.map((s) => s.key).sort()).toEqual(['training.epochs', 'training.learningRate']);
    const text = nnc('diff', '--sweep', sweepId, '--trial', '2', 'tiny');
    expect(text.stdout.split('\n')[0]).toBe('nnc diff base -> trial 2 (layers.hidden.units=12, training.learningRate=0.01, training.epochs=2)  tiny');
    expect(text.stdout).toContain(`Best metrics from the run store (run ${baseRunId} -> run ${run(2)})`);
  });

  it('names unknown sweeps and trials and bad arguments in a sentence, without a stack', () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--sweep', 'nosuch', 'tiny'], 1, /There is no sweep 'nosuch' in this project\. 'nnc sweep --list' lists the sweeps\./],
      [['--sweep', sweepId, '--trial', '7', 'tiny'], 1, new RegExp(`Sweep ${sweepId} \\('widths'\\) has no trial 7: its trials are 1, 2\\.`)],
      [['--sweep', sweepId, '--trial', '0', 'tiny'], 2, /'--trial' takes a trial number/],
      [['--sweep', sweepId, '--trial', '1', '--trial', '2', '--trial', '1', 'tiny'], 2, /at most two '--trial'/],
      [['--sweep', sweepId, '--trial', '2', '--trial', '2', 'tiny'], 2, /given twice/],
      [['--trial', '1', 'tiny'], 2, /give the sweep too/],
      [['--sweep', sweepId, 'HEAD', 'tiny'], 2, /takes at most the project folder/],
      [['--sweep', sweepId, '--metrics', 'm.json', 'tiny'], 2, /Leave one of them out/],
      [['--sweep', 's0', join(tmp, 'nofolder')], 2, /does not exist/],
    ];
    for (const [args, status, message] of cases) {
      const result = nnc('diff', ...args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(status);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const empty = join(tmp, 'empty');
    cpSync('test/fixtures/tiny', empty, { recursive: true });
    const none = nnc('diff', '--sweep', 's0', empty);
    expect([none.status, none.stderr]).toEqual([1, expect.stringMatching(/no run store yet\. Run 'nnc sweep' first\./)]);
  });

  it('says when the files changed since the sweep ran, and fails (exit 1) on a trial whose values no longer compile', () => {
    const changed = join(tmp, 'changed');
    cpSync(dir, changed, { recursive: true });
    const layers = join(changed, 'layers.yaml');
    writeFileSync(layers, readFileSync(layers, 'utf8').replace('{name: embed,  type: embedding, units: 16}', '{name: embed,  type: embedding, units: 8}'));
    const wider = nnc('diff', '--sweep', sweepId, 'changed', '--format', 'json');
    expect(wider.status, wider.stderr).toBe(0);
    const diff = JSON.parse(wider.stdout) as SweepDiff;
    for (const t of diff.trials) {
      expect(t.planHash).not.toBe(t.trainedPlanHash);
      expect(diff.notes).toContain(`Trial ${t.trial} trained plan ${t.trainedPlanHash.slice(0, 8)}, but the project's files give its values plan ${t.planHash!.slice(0, 8)} now: the files changed since the sweep ran, and what is shown is what the trial's values change today.`);
      // today's shapes: the hidden layer reads 8 features now
      expect(t.layers.find((l) => l.name === 'hidden')!.params).toEqual({ before: 8 * 16 + 16, after: 8 * (t.params['layers.hidden.units'] as number) + (t.params['layers.hidden.units'] as number) });
    }

    writeFileSync(layers, readFileSync(layers, 'utf8').replace('name: hidden', 'name: middle').replace('attach: hidden', 'attach: middle'));
    writeFileSync(join(changed, 'heads.yaml'), readFileSync(join(changed, 'heads.yaml'), 'utf8').replace('attach: hidden', 'attach: middle'));
    const broken = nnc('diff', '--sweep', sweepId, 'changed', '--format', 'json');
    expect(broken.status).toBe(1);
    const out = JSON.parse(broken.stdout) as SweepDiff;
    expect(out.base.compiled).toBe(true);
    for (const t of out.trials) {
      expect(t.compiled).toBe(false);
      expect(t.planHash).toBeNull();
      expect(t.diagnostics[0]).toMatchObject({ file: `<sweep ${sweepId} trial ${t.trial}>`, line: 1, column: 8, severity: 'error' });
      expect(t.diagnostics[0].message).toBe("There is no layer 'hidden'. The layers are 'embed', 'pool', 'middle'.");
      expect(out.notes).toContain(`Trial ${t.trial}'s values no longer compile with the project's files (it trained plan ${t.trainedPlanHash.slice(0, 8)}): its diagnostics are listed with it.`);
    }
  });
});
