// nnc import: an export (or a converted Keras model) back into a project.
// export -> import -> nnc build gives the same layer table and parameter
// count; the imported project, before any update, has the exported run's
// validation losses (the exported model is the run's only epoch, so its
// stored val losses are that model's); training from it loads init/.
// Unsupported layers and mismatched init checkpoints are diagnostics.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import type { Plan } from '../src/compiler/plan.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel } from '../src/runtime/emit/build.js';
import { startFromInit } from '../src/runtime/import/init-weights.js';
import { validationLosses } from '../src/runtime/import/starting-loss.js';
import { nnc, trainAndExport } from './helpers/portable-export.js';

let root: string;
let tf: typeof tfjs;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nnc-import-'));
  ({ tf } = await loadTf('cpu'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Row = { name: string; type?: string; attach?: string; task?: string; loss?: string; classes?: string[]; pool?: string | null; outputShape: number[]; params: number };
const table = (plan: Plan) => ({
  layers: plan.layers.map((l): Row => ({ name: l.name, type: l.type, outputShape: [...l.outputShape], params: l.params })),
  heads: plan.heads.map((h): Row => ({ name: h.name, attach: h.attach, task: h.task, loss: h.loss, classes: [...h.classes], pool: h.pool, outputShape: [...h.outputShape], params: h.params })),
  params: [...plan.layers, ...plan.heads].reduce((n, l) => n + l.params, 0),
  input: plan.project.input,
  tokens: plan.vocabulary.tokens,
});

/** The source project's Dataset documents and data files, into the imported project. */
function copyDatasets(source: string, target: string): void {
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) cpSync(join(source, entry.name), join(target, entry.name), { recursive: true });
    else if (/\.ya?ml$/.test(entry.name)) {
      const docs = readFileSync(join(source, entry.name), 'utf8').split(/^---$/m).filter((d) => /^kind: Dataset$/m.test(d));
      if (docs.length) writeFileSync(join(target, `datasets-from-${entry.name}`), docs.map((d) => (/apiVersion/.test(d) ? d : `apiVersion: nnc/v1\n${d}`)).join('\n---\n'));
    }
  }
}

const cases: [string, string][] = [
  ['sentiment', 'projects/sentiment'],
  ['wine', 'projects/wine'],
  ['every-layer', 'test/fixtures/export-layers'],
];

describe('nnc import', () => {
  for (const [name, source] of cases) {
    it(`${name}: export -> import -> build gives the same layer table; before any update it has the exported run's validation losses`, async () => {
      const dir = join(root, `${name}-project`);
      const out = join(root, `${name}-export`);
      const imported = join(root, `${name}-imported`);
      await trainAndExport(source, dir, out, 1);
      const { stdout } = await nnc('import', join(out, 'model.json'), '--out', imported, '--format', 'json');
      const result = JSON.parse(stdout) as { files: string[]; maxDifference: number; diagnostics: { severity: string; message: string }[] };
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.maxDifference).toBeLessThanOrEqual(1e-5);
      expect(result.files).toEqual(expect.arrayContaining(['nnc.yaml', 'layers.yaml', 'heads.yaml', 'init/model.json', 'init/weights.bin']));

      const original = JSON.parse((await nnc('build', dir, '--format', 'json')).stdout) as Plan;
      const rebuilt = JSON.parse((await nnc('build', imported, '--format', 'json')).stdout) as Plan;
      expect(table(rebuilt)).toEqual(table(original));
      expect(rebuilt.project.training.init).toBe('init');

      // the exported run trained one epoch: its stored val losses are the exported model's
      const runs = JSON.parse((await nnc('runs', dir, '--format', 'json')).stdout) as { best: Record<string, number> }[];
      const stored = Object.fromEntries(Object.entries(runs[0].best).filter(([metric]) => metric.endsWith('val_loss')));
      expect(Object.keys(stored).length).toBeGreaterThan(0);

      copyDatasets(dir, imported);
      const compiled = compile(imported);
      expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const model = buildModel(tf, compiled.plan!);
      try {
        const log = await startFromInit(tf, model, imported, 'init');
        expect(log.message).toMatch(/loaded .*; fresh none\./);
        const start = await validationLosses(tf, model, compiled.plan!, compiled.data);
        for (const [metric, value] of Object.entries(stored)) {
          expect(start[metric], metric).toBeDefined();
          expect(Math.abs(start[metric] - value), `${metric}: ${start[metric]} at the start vs ${value} stored`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(value)));
        }
        // and a fresh model (no init) does not start there: the measurement sees the weights
        const fresh = buildModel(tf, compiled.plan!);
        const cold = await validationLosses(tf, fresh, compiled.plan!, compiled.data);
        fresh.dispose();
        expect(Object.keys(stored).some((metric) => Math.abs(cold[metric] - stored[metric]) > 1e-3)).toBe(true);
      } finally {
        model.dispose();
      }
    }, 180_000);
  }

  it('training the imported project starts from init/ (logged with its hash); a layer whose shape changed is an error at the init key', async () => {
    const imported = join(root, 'sentiment-imported');
    expect(existsSync(join(imported, 'datasets')), 'runs after the sentiment case').toBe(true);
    await nnc('train', imported, '--epochs', '1');
    const { stdout } = await nnc('logs', imported, '--grep', 'training.init');
    expect(stdout).toMatch(/Starting weights from the checkpoint 'init' \(training\.init\), sha256 [0-9a-f]{12}: loaded 'embed', 'encoder', 'attend', 'norm', 'hidden', 'sentiment', 'topic'; fresh none\./);

    const layers = join(imported, 'layers.yaml');
    const text = readFileSync(layers, 'utf8');
    writeFileSync(layers, text.replace('{name: hidden, type: dense, units: 32', '{name: hidden, type: dense, units: 40'));
    const check = await nnc('check', imported).then(() => null, (e: { code: number; stdout: string }) => e);
    writeFileSync(layers, text);
    expect(check?.code).toBe(1);
    const line = readFileSync(join(imported, 'nnc.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('init: init')) + 1;
    // codes: src/compiler/diagnostic-messages.ts numbers them
    expect(check?.stdout).toMatch(new RegExp(`nnc\\.yaml:${line}:9 - error NNC\\d{4}: ${escape("Layer 'hidden' has 1320 parameters, but the checkpoint 'init' holds 1056 for it (hidden/kernel [32, 32], hidden/bias [32]).")}`));
  }, 180_000);

  it('a converted Keras-style Sequential model (standard classes, no preprocess.json) imports with placeholder tokens and named assumptions', async () => {
    const dir = join(root, 'keras');
    mkdirSync(dir, { recursive: true });
    const model = tf.sequential({
      name: 'Reviews',
      layers: [
        tf.layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7, inputShape: [7], name: 'Embedding-1' }),
        tf.layers.lstm({ units: 5, name: 'lstm' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }, null, 1));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    model.dispose();
    const imported = join(root, 'keras-imported');
    const { stdout, stderr } = await nnc('import', join(dir, 'model.json'), '--out', imported);
    expect(stdout).toMatch(/within \S+ of the source's/);
    expect(Number(/within (\S+) of/.exec(stdout)![1])).toBeLessThanOrEqual(1e-5);
    expect(stderr).toMatch(/info NNC\d{4}: Layer names were changed to fit nnc's names .*'Embedding-1' -> 'embedding_1'/);
    expect(stderr).toMatch(/30 placeholder tokens/);
    expect(readFileSync(join(imported, 'layers.yaml'), 'utf8')).toContain('{name: lstm, type: lstm, units: 5, recurrentActivation: hardSigmoid}');
    expect(readFileSync(join(imported, 'heads.yaml'), 'utf8')).toContain('{name: out, attach: lstm, task: classification, loss: crossentropy, classes: ["class_0", "class_1", "class_2"]}');
  }, 120_000);

  it('an unsupported layer is an error naming it at its line in model.json (exit 1, no stack); nothing is written', async () => {
    const dir = join(root, 'unsupported');
    mkdirSync(dir, { recursive: true });
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'bn',
        layers: [
          { class_name: 'Dense', config: { name: 'hidden', units: 4, activation: 'relu', use_bias: true, batch_input_shape: [null, 3], dtype: 'float32' } },
          { class_name: 'BatchNormalization', config: { name: 'norm_1', axis: -1 } },
          { class_name: 'Conv1D', config: { name: 'dilated', filters: 2, kernel_size: [2], dilation_rate: [2] } },
          { class_name: 'Dense', config: { name: 'out', units: 1, activation: 'linear' } },
        ],
      },
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }, null, 2));
    const failed = await nnc('import', join(dir, 'model.json'), '--out', join(root, 'unsupported-out')).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    const text = readFileSync(join(dir, 'model.json'), 'utf8').split('\n');
    const lineOf = (name: string) => text.findIndex((l) => l.includes(`"name": "${name}"`)) + 1;
    expect(failed?.stderr).toMatch(new RegExp(`model\\.json:${lineOf('norm_1')}:13 - error NNC\\d{4}: ${escape("Layer 'norm_1' is a 'BatchNormalization', which nnc has no layer type for.")}`));
    expect(failed?.stderr).toMatch(new RegExp(`model\\.json:${lineOf('dilated')}:13 - error NNC\\d{4}: ${escape("Layer 'dilated' (Conv1D) has dilation_rate [2]")}`));
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, 'unsupported-out'))).toBe(false);
  }, 60_000);
});
