// End to end through the built CLI: nnc train, then nnc predict (one input,
// JSONL) and nnc export on the stored run.
import type * as tfjs from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../src/runtime/backend/index.js';
import { registerNncLayers } from '../src/runtime/emit/index.js';
import { checkpointHandler } from '../src/runtime/store/checkpoint.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'dist', 'cli.js');
const nnc = (...args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' } });

let root: string;

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const words = ['red', 'green', 'blue', 'one', 'two', 'three'];
const textProject = {
  'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: colors\ninput: {type: text, maxLength: 8}\ntraining: {epochs: 4, batchSize: 8, learningRate: 0.02}\nmonitor: {weightsEvery: 5}\n',
  'tokens.yaml': `apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>", "<bos>", "<sep>", "<eos>"]\n  general: [${words.join(', ')}]\n`,
  'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 8}\n  - {name: reader, type: gru, units: 8, returnSequences: true}\n',
  'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: kind, attach: reader, task: classification, classes: [color, number], pool: last}\n  - {name: echo, attach: reader, task: generation}\n',
  'datasets/kinds.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: kinds\ntype: multi_classification\nhead: kind\nsource: kinds.jsonl\n',
  'datasets/kinds.jsonl': words.flatMap((w, i) => [w, `${w} ${w}`, `the ${w}`].map((input) => JSON.stringify({ input, label: i < 3 ? 'color' : 'number' }))).join('\n') + '\n',
  'datasets/echo.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: echo\ntype: text_generation\nhead: echo\nsamples:\n${words.map((w) => `  - {input: "${w}", target: "${w} ${w}"}`).join('\n')}\n`,
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nnc-predict-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nnc train, predict and export', () => {
  it('trains, then predicts classes, text and values in the documented JSON shapes', async () => {
    const dir = join(root, 'colors');
    write(dir, textProject);
    const trained = await nnc('train', dir, '--format', 'json');
    const result = JSON.parse(trained.stdout) as { run: { id: string; status: string; best: Record<string, number> }; checkpoint: string };
    expect(result.run.status).toBe('completed');
    expect(Object.keys(result.run.best)).toContain('kind.val_accuracy');
    expect(existsSync(join(dir, '.nnc', 'runs', result.run.id, 'model.json'))).toBe(true);
    expect(existsSync(join(dir, '.nnc', 'runs', result.run.id, 'plan.json'))).toBe(true);

    const inputs = join(root, 'inputs.jsonl');
    writeFileSync(inputs, ['{"input": "red"}', '', '{"question": "two two"}', '{"text": "the blue"}'].join('\n'));
    const classes = (await nnc('predict', dir, '--input', inputs, '--format', 'json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(classes).toHaveLength(3);
    for (const line of classes) {
      expect(Object.keys(line).sort()).toEqual(['class', 'probabilities']);
      expect(['color', 'number']).toContain(line.class);
      expect(Object.keys(line.probabilities).sort()).toEqual(['color', 'number']);
      expect((line.probabilities.color as number) + (line.probabilities.number as number)).toBeCloseTo(1, 5);
      expect(line.probabilities[line.class]).toBeGreaterThanOrEqual(0.5);
    }
    const texts = (await nnc('predict', dir, '--input', inputs, '--head', 'echo', '--format', 'json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(texts).toHaveLength(3);
    for (const line of texts) {
      expect(Object.keys(line)).toEqual(['text']);
      expect(typeof line.text).toBe('string');
    }
    const one = await nnc('predict', dir, 'green', '--run', result.run.id);
    expect(one.stdout).toMatch(/^(color|number) {2}\((color|number) \d\.\d{3}, (color|number) \d\.\d{3}\)\n$/);

    const bad = await nnc('predict', dir, 'red', '--head', 'nope').catch((error: { code: number; stderr: string }) => error);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain("The model has no head 'nope'. Its heads: 'kind', 'echo'.");

    const out = join(root, 'exported');
    await nnc('export', dir, '--out', out);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { heads: { name: string }[] };
    expect(plan.heads.map((h) => h.name)).toEqual(['kind', 'echo']);
    const { tf } = await loadTf();
    registerNncLayers(tf);
    const model = await tf.loadLayersModel(checkpointHandler(out));
    expect(model.outputNames).toEqual(['kind', 'echo']);
    const [kind] = model.predict(tf.zeros([1, 8], 'int32')) as tfjs.Tensor[];
    expect(kind.shape).toEqual([1, 2]);
    model.dispose();
  });

  it('predicts a value in target units for a features project', async () => {
    const dir = join(root, 'line');
    const samples = Array.from({ length: 40 }, (_, i) => JSON.stringify({ input: [i / 4, 1], target: 1000 + 50 * (i / 4) })).join('\n');
    write(dir, {
      'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: line\ninput: {type: features, features: 2}\ntraining: {epochs: 60, batchSize: 8, learningRate: 0.05}\n',
      'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: hidden, type: dense, units: 4}\n',
      'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: y, attach: hidden, task: regression}\n',
      'datasets/points.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: points\ntype: regression\nhead: y\nsource: points.jsonl\n',
      'datasets/points.jsonl': samples + '\n',
    });
    await nnc('train', dir);
    const { stdout } = await nnc('predict', dir, '[4, 1]', '--format', 'json');
    const prediction = JSON.parse(stdout) as { value: number };
    expect(Object.keys(prediction)).toEqual(['value']);
    expect(prediction.value).toBeGreaterThan(1150);
    expect(prediction.value).toBeLessThan(1250);
  });
});
