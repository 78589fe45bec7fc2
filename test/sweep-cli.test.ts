// Through the built CLI on a copy of the tiny fixture: one small real sweep
// with halving on two worker threads (runs tagged, ranked table stored, shown
// again, runs filtered by sweep), a SIGTERM that stops every trial with its
// checkpoints, and --set on train/check (recorded in the run, diagnostics in
// the '<--set n>' pseudo-file).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = resolve('dist/cli.js');
const nnc = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

function project(name: string, sweep: string): string {
  const dir = join(tmp, name);
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  writeFileSync(join(dir, 'sweep.yaml'), `apiVersion: nnc/v1\nkind: Sweep\n${sweep}`);
  return dir;
}

describe('nnc sweep', () => {
  it('trains, halves and ranks the trials; stores them; shows them again; runs --sweep lists only its runs', () => {
    const dir = project('grid', `name: rates
parameters:
  training.learningRate: [0.001, 0.03]
  layers.hidden.units: [4, 12]
  training.epochs: [4]
metric: verdict.val_loss
halving: {epochs: [2], keep: 0.5}
`);
    const before = nnc('train', dir, '--epochs', '1', '--format', 'json');
    expect(before.status, before.stderr).toBe(0);
    const result = nnc('sweep', dir, '--parallel', '2', '--format', 'json', '--backend', 'wasm');
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { sweep: { id: string; status: string }; trials: Array<{ rank: number; trial: number; status: string; value: number; epochs: number; runId: string; params: Record<string, unknown>; stoppedAt: number | null }> };
    expect(out.sweep.status).toBe('completed');
    expect(out.trials).toHaveLength(4);
    const completed = out.trials.filter((t) => t.status === 'completed');
    const pruned = out.trials.filter((t) => t.status === 'pruned');
    expect(completed).toHaveLength(2);
    expect(pruned.map((t) => [t.epochs, t.stoppedAt])).toEqual([[2, 2], [2, 2]]);
    expect(completed.every((t) => t.epochs === 4)).toBe(true);
    // ranked by the metric (min), completed ones first
    expect(completed[0].value).toBeLessThanOrEqual(completed[1].value);
    expect(out.trials.slice(0, 2).map((t) => t.status)).toEqual(['completed', 'completed']);
    // quiet when not a TTY: one line per finished trial segment and per halving on stderr
    expect(result.stderr).toMatch(/halving after epoch 2: trials \d, \d continue; \d, \d stop/);
    expect(result.stderr.match(/^trial \d\/4 /gm)).toHaveLength(6);

    const shown = JSON.parse(nnc('sweep', dir, '--show', out.sweep.id.slice(0, 8), '--format', 'json').stdout) as typeof out;
    expect(shown.trials.map((t) => [t.trial, t.status, t.runId])).toEqual(out.trials.map((t) => [t.trial, t.status, t.runId]));
    const text = nnc('sweep', dir, '--show', 'rates');
    expect(text.stdout).toMatch(/rank\s+trial\s+status\s+training\.learningRate\s+layers\.hidden\.units\s+training\.epochs\s+verdict\.val_loss/);
    expect(text.stdout).toMatch(/pruned@2/);

    // 4 first segments + 2 continuations; the earlier `nnc train` run is not in the sweep
    const runs = JSON.parse(nnc('runs', dir, '--sweep', out.sweep.id, '--format', 'json').stdout) as Array<{ id: string; parentId: string | null; info: { source: string; overrides: string[]; sweep: { trial: number; params: Record<string, unknown> } } }>;
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.info.source === 'sweep')).toBe(true);
    const all = JSON.parse(nnc('runs', dir, '--format', 'json').stdout) as unknown[];
    expect(all).toHaveLength(7);
    for (const t of completed) {
      const last = runs.find((r) => r.id === t.runId)!;
      expect(last.info.sweep.trial).toBe(t.trial);
      expect(last.info.sweep.params).toEqual(t.params);
      expect(last.info.overrides).toContain(`training.learningRate=${t.params['training.learningRate']}`);
      // the continuation resumed the trial's first segment
      expect(runs.find((r) => r.id === last.parentId)?.info.sweep.trial).toBe(t.trial);
    }
    expect(nnc('runs', dir, '--sweep', 'nosuch').status).toBe(1);
  });

  it('stops every trial on SIGTERM with its checkpoints and exits 0', async () => {
    const dir = project('stop', `name: long\nparameters:\n  training.learningRate: [0.01, 0.02, 0.03]\n  training.epochs: [100000]\nmetric: loss\n`);
    const child = spawn(process.execPath, [cli, 'sweep', dir, '--parallel', '2', '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const runsDir = join(dir, '.nnc', 'runs');
    const checkpoints = () => (existsSync(runsDir) ? readdirSync(runsDir).filter((id) => existsSync(join(runsDir, id, 'last', 'model.json'))).length : 0);
    const until = Date.now() + 90_000;
    while (checkpoints() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, output).toBe(0);
    expect(output).toMatch(/SIGTERM: stopping every trial/);
    const shown = JSON.parse(nnc('sweep', dir, '--show', 'long', '--format', 'json').stdout) as { sweep: { status: string }; trials: Array<{ status: string; runId: string | null }> };
    expect(shown.sweep.status).toBe('stopped');
    expect(shown.trials.map((t) => t.status).sort()).toEqual(['pending', 'stopped', 'stopped']);
    for (const t of shown.trials.filter((t) => t.runId)) expect(existsSync(join(runsDir, t.runId!, 'last', 'model.json'))).toBe(true);
  });
});

describe('--set', () => {
  it('train records the overrides in the run and trains the overridden plan', () => {
    const dir = project('set', 'name: unused\nparameters: {training.epochs: [1]}\nmetric: loss\n');
    const plain = JSON.parse(nnc('build', dir, '--format', 'json').stdout) as { hash: string };
    const result = nnc('train', dir, '--set', 'training.epochs=1', '--set', 'layers.hidden.units=4', '--format', 'json', '--backend', 'cpu');
    expect(result.status, result.stderr).toBe(0);
    const { run } = JSON.parse(result.stdout) as { run: { planHash: string; info: { overrides: string[]; epochs: number } } };
    expect(run.info.overrides).toEqual(['training.epochs=1', 'layers.hidden.units=4']);
    expect(run.info.epochs).toBe(1);
    expect(run.planHash).not.toBe(plain.hash);
    const built = JSON.parse(nnc('build', dir, '--set', 'training.epochs=1', '--set', 'layers.hidden.units=4', '--format', 'json').stdout) as { hash: string; overrides: string[] };
    expect(built.hash.startsWith(run.planHash.slice(0, 16))).toBe(true);
    expect(built.overrides).toEqual(['training.epochs=1', 'layers.hidden.units=4']);
  });

  it('check reports a bad --set at the argument: exit 1 for a bad path or value, 2 for a malformed argument', () => {
    const dir = project('badset', 'name: unused\nparameters: {training.epochs: [1]}\nmetric: loss\n');
    const bad = nnc('check', dir, '--set', 'training.epochs=2', '--set', 'layers.hiden.units=4', '--format', 'json');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual([expect.objectContaining({ file: '<--set 2>', line: 1, column: 8, code: 2012, message: "There is no layer 'hiden'. Did you mean 'hidden'?" })]);
    const value = nnc('check', dir, '--set', 'training.learningRate=fast');
    expect(value.status).toBe(1);
    expect(value.stdout).toMatch(/^<--set 1>:1:23 - error NNC2006: /);
    const malformed = nnc('train', dir, '--set', 'training.epochs');
    expect(malformed.status).toBe(2);
    expect(malformed.stdout).toMatch(/^<--set 1>:1:1 - error NNC2011: '--set training\.epochs' has no '='/);
  });
});
