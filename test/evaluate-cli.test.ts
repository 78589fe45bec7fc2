// nnc evaluate end to end on a copy of the spam example with a test split:
// per-class F1 and a confusion matrix whose counts add up to the test split,
// the same figures as training's epoch-end validation for the validation
// split, metrics files from train and evaluate, the run listing, and
// nnc predict on a CSV with labels.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { parseMetricsFile, type MetricsFile } from '../src/runtime/metrics/metrics-file.js';
import { createRunStore } from '../src/runtime/store/store.js';

const exec = promisify(execFile);
const cli = resolve('dist/cli.js');
const nnc = (...args: string[]) => exec(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });

let root: string;
let project: string;
let runId: string;
let trainFile: MetricsFile;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nnc-evaluate-'));
  project = join(root, 'spam');
  cpSync(resolve('projects/spam'), project, { recursive: true, filter: (src) => !src.includes('/.nnc') });
  const yaml = readFileSync(join(project, 'nnc.yaml'), 'utf8');
  const split = yaml.replace(/validationSplit: [0-9.]+|split: \{[^}]*\}/, 'split: {validation: 0.2, test: 0.2}');
  // the example may already hold out this test split; either way the copy does
  expect(split).toMatch(/^  split: \{validation: 0\.2, test: 0\.2\}/m);
  writeFileSync(join(project, 'nnc.yaml'), split);
  const trained = await nnc('train', project, '--epochs', '4', '--format', 'json', '--metrics-out', join(project, 'metrics.json'));
  runId = JSON.parse(trained.stdout).run.id;
  trainFile = parseMetricsFile(readFileSync(join(project, 'metrics.json'), 'utf8')) as MetricsFile;
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nnc evaluate', () => {
  it('--split test prints per-class F1 and a confusion matrix whose counts add up to the test split', async () => {
    const plan = compile(project).plan!;
    const testSize = plan.datasets.filter((d) => d.head === 'spam').reduce((n, d) => n + d.split!.test, 0);
    expect(testSize).toBeGreaterThan(50);
    const { stdout } = await nnc('evaluate', project, '--split', 'test');
    expect(stdout).toContain(`Head 'spam' (classification) on the test split: ${testSize} samples`);
    const lines = stdout.split('\n');
    const perClass = lines.indexOf('  Per class');
    expect(lines[perClass + 1]).toMatch(/^ {2}class +precision +recall +f1 +support +predicted$/);
    for (const [i, name] of ['ham', 'spam'].entries()) expect(lines[perClass + 2 + i]).toMatch(new RegExp(`^ {2}${name} +[0-9.]+ +[0-9.]+ +[0-9.]+ +\\d+ +\\d+$`));
    const matrix = lines.indexOf('  Confusion matrix (rows: expected, columns: predicted)');
    expect(lines[matrix + 1].trim().split(/ +/)).toEqual(['ham', 'spam']);
    const counts = [lines[matrix + 2], lines[matrix + 3]].map((l) => l.trim().split(/ +/).slice(1).map(Number));
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(testSize);
    // the json summary holds the same matrix
    const json = JSON.parse((await nnc('evaluate', project, '--split', 'test', '--format', 'json')).stdout.split('\n')[0]);
    expect(json.heads.spam.report.confusion).toEqual(counts);
    expect(json.heads.spam.report.per_class.map((c: { f1: number }) => c.f1)).toHaveLength(2);
    expect(json.split).toBe('test');
  });

  it('reports for the validation split the figures the epoch-end validation reported for the best epoch', async () => {
    const store = createRunStore(project, { readonly: true });
    const run = store.getRun(runId)!;
    const epoch = run.info.bestEpoch as number;
    const atBest = Object.fromEntries(store.metrics(runId).filter((p) => p.epoch === epoch && p.name.includes('.val_')).map((p) => [p.name, p.value]));
    store.close();
    const json = JSON.parse((await nnc('evaluate', project, '--split', 'validation', '--format', 'json')).stdout.split('\n')[0]);
    expect(json.epoch).toBe(epoch);
    const compared: string[] = [];
    for (const [head, metrics] of Object.entries(json.heads as Record<string, { metrics: Record<string, number> }>)) {
      for (const [name, value] of Object.entries(metrics.metrics)) {
        const trained = atBest[`${head}.val_${name}`];
        expect(trained, `${head}.val_${name} at epoch ${epoch}`).toBeDefined();
        expect(value, `${head}.${name}`).toBeCloseTo(trained, 5);
        compared.push(`${head}.${name}`);
      }
    }
    expect(compared).toEqual(expect.arrayContaining(['spam.loss', 'spam.accuracy', 'spam.f1', 'spam.weighted_f1', 'spam.auc', 'urgency.mae', 'urgency.rmse', 'urgency.r2']));
    // nnc train --metrics-out wrote those same figures
    expect(trainFile).toMatchObject({ runId, source: 'train', split: 'validation', epoch });
    expect(trainFile.metrics.spam.f1).toBeCloseTo(json.heads.spam.metrics.f1, 5);
    expect(trainFile.metrics.urgency.r2).toBeCloseTo(json.heads.urgency.metrics.r2, 5);
  });

  it('stores every evaluation with the run: nnc runs shows the latest, --metrics-out writes the file', async () => {
    const out = join(root, 'eval-metrics.json');
    await nnc('evaluate', project, '--split', 'test', '--head', 'spam', '--metrics-out', out);
    const file = parseMetricsFile(readFileSync(out, 'utf8')) as MetricsFile;
    expect(file).toMatchObject({ runId, source: 'evaluate', split: 'test' });
    expect(Object.keys(file.metrics)).toEqual(['spam']);
    const listed = JSON.parse((await nnc('runs', project, '--format', 'json')).stdout) as { id: string; evaluations: { split: string }[] }[];
    const evaluations = listed.find((r) => r.id === runId)!.evaluations;
    expect(evaluations.length).toBeGreaterThanOrEqual(3);
    expect(evaluations.at(-1)!.split).toBe('test');
    expect((await nnc('runs', project)).stdout).toMatch(/evaluated[\s\S]*test \(\d+\) spam\.f1=/);
  });

  it('scores a CSV file with --data, with --samples one line per sample', async () => {
    const csv = join(root, 'new.csv');
    writeFileSync(csv, 'input,label\n"WIN a FREE prize now, call 0800",spam\nsee you at lunch tomorrow,ham\n"URGENT: claim your reward at www.win.example",1\n');
    const { stdout } = await nnc('evaluate', project, '--data', csv, '--head', 'spam', '--format', 'json', '--samples');
    const [summary, ...samples] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(summary).toMatchObject({ split: 'file', count: 3 });
    expect(summary.heads.spam.report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(3);
    expect(samples.map((s: { input: string; expected: string }) => [s.input, s.expected])).toEqual([
      ['WIN a FREE prize now, call 0800', 'spam'],
      ['see you at lunch tomorrow', 'ham'],
      ['URGENT: claim your reward at www.win.example', 'spam'],
    ]);
    for (const s of samples) {
      expect(Object.keys(s)).toEqual(['head', 'input', 'expected', 'predicted', 'probabilities', 'correct']);
      expect(s.correct).toBe(s.expected === s.predicted);
    }
    const bad = await nnc('evaluate', project, '--data', join(root, 'missing.csv')).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain("Cannot read '");
  });

  it('nnc predict takes the CSV too: the input echoed, expected and correct, the top classes', async () => {
    const csv = join(root, 'predict.csv');
    writeFileSync(csv, 'input,label\nsee you at lunch tomorrow,ham\n');
    const { stdout } = await nnc('predict', project, '--input', csv, '--format', 'json', '--top-k', '2');
    const line = JSON.parse(stdout);
    expect(Object.keys(line)).toEqual(['class', 'probabilities', 'top', 'input', 'expected', 'correct']);
    expect(line.input).toBe('see you at lunch tomorrow');
    expect(line.top.map((t: { class: string }) => t.class).sort()).toEqual(['ham', 'spam']);
    expect(line.correct).toBe(line.class === 'ham');
    // without a label: the documented keys only
    writeFileSync(csv, 'input\nsee you\n');
    expect(Object.keys(JSON.parse((await nnc('predict', project, '--input', csv, '--format', 'json')).stdout))).toEqual(['class', 'probabilities']);
  });
});
