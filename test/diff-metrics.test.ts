// nnc diff's metrics: committed metrics files of both revisions when they
// exist (CI has no run store), else the best (not the newest) completed run
// of each plan, and values printed to significant digits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { bestRun } from '../src/diff/best-runs.js';
import { runDiff } from '../src/diff/run-diff.js';
import { formatMetricsFile, METRICS_FILE_FORMAT, parseMetricsFile, type MetricsFile } from '../src/runtime/metrics/metrics-file.js';
import type { RunRecord } from '../src/runtime/store/types.js';

const FILES: Record<string, string> = {
  'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput: {type: features, features: 2}\ntraining: {epochs: 2}\n',
  'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: hidden, type: dense, units: 4}\n',
  'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: kind, attach: hidden, task: classification, classes: [a, b]}\n',
  'datasets/d.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: d\ntype: binary_classification\nhead: kind\nsamples:\n  - {input: [1, 0], label: 1}\n  - {input: [0, 1], label: 0}\n',
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'nnc-diff-metrics-')));
  dirs.push(root);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'nnc test');
  git('config', 'user.email', 'nnc-test@example.com');
  git('config', 'commit.gpgsign', 'false');
  const project = join(root, 'model');
  const write = (files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(project, rel)), { recursive: true });
      writeFileSync(join(project, rel), text);
    }
  };
  write(FILES);
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  return { root, project, git, write };
}

const metricsFile = (runId: string, planHash: string, metrics: MetricsFile['metrics']): string =>
  formatMetricsFile({ format: METRICS_FILE_FORMAT, project: 'demo', planHash, runId, source: 'evaluate', split: 'test', metrics });

describe('metrics files', () => {
  test('are stable: sorted keys, 6 significant digits, and they parse back', () => {
    const text = metricsFile('r1', 'abc', { z: { loss: 0.123456789, accuracy: 1 }, a: { mae: 2 } });
    expect(text).toBe('{\n  "format": "nnc-metrics/v1",\n  "project": "demo",\n  "planHash": "abc",\n  "runId": "r1",\n  "source": "evaluate",\n  "split": "test",\n  "metrics": {\n    "a": {\n      "mae": 2\n    },\n    "z": {\n      "accuracy": 1,\n      "loss": 0.123457\n    }\n  }\n}\n');
    expect(parseMetricsFile(text)).toMatchObject({ runId: 'r1', metrics: { z: { loss: 0.123457 } } });
    expect(parseMetricsFile('{"metrics": {}}')).toMatch(/not an nnc metrics file/);
  });

  test("nnc diff compares both revisions' committed files, says so, and prints significant digits", async () => {
    const r = repo();
    const first = await runDiff(['main'], { cwd: r.project, format: 'text' });
    if ('error' in first) throw new Error(first.error);
    const plan = first.diff.base.planHash!;
    r.write({ 'metrics.json': metricsFile('rbase', plan, { kind: { f1: 0.9, loss: 0.00012 } }) });
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'metrics');
    r.write({ 'metrics.json': metricsFile('rhead', plan, { kind: { f1: 0.95, loss: 0.00034 } }) });
    r.git('commit', '-q', '-am', 'better');

    const outcome = await runDiff(['HEAD~1', 'HEAD'], { cwd: r.project, format: 'text' });
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.diff.metrics).toEqual({
      baseRun: 'rbase',
      headRun: 'rhead',
      rows: [
        { name: 'kind.f1', before: 0.9, after: 0.95, delta: expect.closeTo(0.05, 12) },
        { name: 'kind.loss', before: 0.00012, after: 0.00034, delta: expect.closeTo(0.00022, 12) },
      ],
      source: { kind: 'files', path: 'metrics.json' },
    });
    const out = outcome.output.split('\n').map((l) => l.trimEnd().replace(/ {2,}/g, '  '));
    expect(out).toContain('Metrics from metrics.json of both sides (run rbase -> run rhead)');
    expect(out).toContain('  kind.loss  0.00012  0.00034  +0.00022');
    expect(out).toContain('  kind.f1  0.9  0.95  +0.05');
    const markdown = await runDiff(['HEAD~1', 'HEAD'], { cwd: r.project, format: 'markdown' });
    if ('error' in markdown) throw new Error(markdown.error);
    expect(markdown.output).toContain('**Metrics from metrics.json of both sides** (run `rbase` → run `rhead`)');
    expect(markdown.output).toContain('| `kind.loss` | 0.00012 | 0.00034 | +0.00022 |');
  });

  test('a side without the file: no file comparison, and the note says why', async () => {
    const r = repo();
    r.write({ 'scores.json': metricsFile('rhead', 'x', { kind: { f1: 1 } }) });
    const outcome = await runDiff(['main'], { cwd: r.project, format: 'text', metricsFile: 'scores.json' });
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.diff.metrics).toBeNull();
    expect(outcome.diff.notes).toContain("The base has no 'scores.json', so the metrics files were not compared.");
  });
});

describe('the best run of a plan', () => {
  const run = (id: string, startedAt: number, info: Record<string, unknown>, best: Record<string, number> = {}): RunRecord => ({
    id, project: 'p', planHash: 'h', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', status: 'completed', parentId: null, startedAt, endedAt: startedAt + 1, best, info,
  });

  test('is the run whose checkpoint metric is best, not the newest', () => {
    const good = run('good', 1, { checkpoint: { monitor: 'val_loss', mode: 'min', value: 0.2 } });
    const newer = run('newer', 2, { checkpoint: { monitor: 'val_loss', mode: 'min', value: 0.5 } });
    expect(bestRun([newer, good])!.id).toBe('good');
    const f1 = [run('low', 1, { checkpoint: { monitor: 'kind.val_f1', mode: 'max', value: 0.7 } }), run('high', 0, { checkpoint: { monitor: 'kind.val_f1', mode: 'max', value: 0.9 } })];
    expect(bestRun(f1)!.id).toBe('high');
    // runs stored before checkpoints name their metric: the best val_loss
    expect(bestRun([run('old', 3, {}, { val_loss: 0.4 }), run('older', 2, {}, { val_loss: 0.3 })])!.id).toBe('older');
  });
});
