// `nnc diff --store postgres://…`: the metric side (a diff's best runs, a
// sweep's trials and runs) read from a shared PostgreSQL store instead of the
// project's .nnc/, through the built CLI on a throwaway cluster (skipped
// without PostgreSQL). The folders compared have no local store at all.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDiff } from '../src/diff/plan-diff.js';
import type { SweepDiff } from '../src/diff/sweep-diff.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-diff-store-'));
const cli = resolve('dist/cli.js');
const env = { ...process.env, NNC_STORE: '' };
const nnc = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd: tmp, env });
let server: TestPostgres | undefined;
let skip = '';
let url = '';

beforeAll(async () => {
  const started = await startPostgres();
  server = started.server;
  if (!server) {
    skip = started.skip ?? 'no PostgreSQL';
    return;
  }
  url = server.createDatabase(`diff_${process.pid}`);
}, 120_000);
afterAll(() => {
  server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('nnc diff --store', () => {
  it('reads the best runs and a sweep from the shared store', { timeout: 180_000 }, (context) => {
    if (!server) return context.skip(skip);
    const dir = join(tmp, 'tiny');
    cpSync('test/fixtures/tiny', dir, { recursive: true });
    writeFileSync(join(dir, 'sweep.yaml'), `apiVersion: nnc/v1\nkind: Sweep\nname: widths\nparameters:\n  layers.hidden.units: [4, 12]\n  training.epochs: [2]\nmetric: verdict.val_loss\n`);
    const train = nnc('train', 'tiny', '--store', url, '--epochs', '1', '--backend', 'wasm', '--format', 'json');
    expect(train.status, train.stderr).toBe(0);
    const runId = (JSON.parse(train.stdout) as { run: { id: string } }).run.id;
    // a sweep trained here lands in .nnc/; 'nnc store push' copies it (runs, sweep, trials) into the shared store
    const sweep = nnc('sweep', 'tiny', '--parallel', '2', '--backend', 'wasm', '--format', 'json');
    expect(sweep.status, sweep.stderr).toBe(0);
    const out = JSON.parse(sweep.stdout) as { sweep: { id: string }; trials: Array<{ trial: number; runId: string; value: number }> };
    const push = nnc('store', 'push', 'tiny', '--store', url);
    expect(push.status, push.stderr).toBe(0);
    // nothing local from here on: whatever the diff shows of runs comes from PostgreSQL
    rmSync(join(dir, '.nnc'), { recursive: true, force: true });

    const copy = join(tmp, 'copy');
    cpSync(dir, copy, { recursive: true });
    const plain = nnc('diff', 'copy', 'tiny', '--store', url, '--format', 'json');
    expect(plain.status, plain.stderr).toBe(0);
    const diff = JSON.parse(plain.stdout) as PlanDiff;
    expect(diff.metrics).toMatchObject({ baseRun: runId, headRun: runId, source: { kind: 'store' } });
    // without --store the same folders have no run store, so no metrics
    expect((JSON.parse(nnc('diff', 'copy', 'tiny', '--format', 'json').stdout) as PlanDiff).metrics).toBeNull();

    const bySweep = nnc('diff', '--sweep', out.sweep.id.slice(0, 8), 'tiny', '--store', url, '--format', 'json');
    expect(bySweep.status, bySweep.stderr).toBe(0);
    const sweepDiff = JSON.parse(bySweep.stdout) as SweepDiff;
    expect(sweepDiff.sweep.id).toBe(out.sweep.id);
    expect(sweepDiff.baseRun?.id).toBe(runId);
    expect(sweepDiff.trials.map((t) => [t.trial, t.runId, t.value]).sort()).toEqual(out.trials.map((t) => [t.trial, t.runId, t.value]).sort());
    expect(sweepDiff.trials.every((t) => t.best !== null && t.planHash === t.trainedPlanHash)).toBe(true);
    const local = nnc('diff', '--sweep', out.sweep.id, 'tiny');
    expect([local.status, local.stderr]).toEqual([1, expect.stringMatching(/no run store yet/)]);
  });
});
