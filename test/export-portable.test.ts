// nnc export writes a model that runs without nnc: every example project and
// the layer fixtures are trained briefly, exported, and loaded by a plain Node
// script outside the repository that imports only @tensorflow/tfjs and the
// export's own files; its predict.js must print what `nnc predict` prints.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPortableTopology, type ModelTopology } from '../src/runtime/export/portable-topology.js';
import { cliPredictions, expectSamePredictions, readPreprocess, sampleInputs, scriptRoot, trainAndExport, type Prediction } from './helpers/portable-export.js';

const exec = promisify(execFile);
const STANDARD = new Set(['InputLayer', 'Embedding', 'Conv1D', 'LSTM', 'GRU', 'LayerNormalization', 'Dropout', 'Dense', 'Activation', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D']);
const NNC_KEPT = new Set(['NncAttention', 'NncPool', 'NncPadMask']);

let root: string;
beforeAll(() => {
  root = scriptRoot(mkdtempSync(join(tmpdir(), 'nnc-export-')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A script beside the export that uses predict.js (default folder) and tf.loadLayersModel after nnc-layers.js. */
function plainScript(name: string, plugins: readonly string[] = []): string {
  const file = join(root, `${name}.mjs`);
  // a model with plugin layers needs their classes registered, as its model card says
  const register = plugins.map((p, i) => `import plugin${i} from ${JSON.stringify(pathToFileURL(p).href)};\nfor (const l of plugin${i}.layers ?? []) if (l.layerClass) tf.serialization.registerClass(l.layerClass(tf));\n`).join('');
  writeFileSync(
    file,
    `import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
${register}import './${name}/nnc-layers.js';
import { load } from './${name}/predict.js';
const inputs = JSON.parse(await readFile(process.argv[2], 'utf8'));
const model = await load();
const predictions = {};
for (const head of model.heads) predictions[head] = await model.predict(inputs, { head });
const json = JSON.parse(await readFile(new URL('./${name}/model.json', import.meta.url), 'utf8'));
const bin = await readFile(new URL('./${name}/weights.bin', import.meta.url));
const raw = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
process.stdout.write(JSON.stringify({ predictions, outputNames: raw.outputNames, classes: raw.layers.map((l) => l.getClassName()) }));
`,
  );
  return file;
}

const cases: [string, string, number][] = [
  ...readdirSync('projects', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d): [string, string, number] => [d.name, join('projects', d.name), 1]),
  ['export-layers', 'test/fixtures/export-layers', 2],
  ['export-unmasked', 'test/fixtures/export-unmasked', 2],
];

describe('nnc export: a model that runs without nnc', () => {
  it('covers every example project', () => {
    expect(cases.map((c) => c[0])).toEqual(expect.arrayContaining(['sentiment', 'qa', 'spam', 'wine', 'housing']));
  });

  for (const [name, source, epochs] of cases) {
    it(`${name}: plain Node with only @tensorflow/tfjs predicts what nnc predict prints`, async () => {
      const dir = join(root, `${name}-project`);
      const out = join(root, name);
      const exported = await trainAndExport(source, dir, out, epochs);
      expect(exported.maxDifference).toBeLessThanOrEqual(1e-4);
      for (const file of ['model.json', 'weights.bin', 'nnc-layers.js', 'predict.js', 'preprocess.json', 'card.json', 'README.md', 'plan.json']) {
        expect(readdirSync(out)).toContain(file);
      }
      // the export's modules import TensorFlow.js, each other and (in Node) node:fs, nothing else
      for (const file of ['predict.js', 'nnc-layers.js']) {
        const text = readFileSync(join(out, file), 'utf8');
        const specifiers = [...text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]);
        expect(new Set(specifiers), file).toEqual(new Set(file === 'predict.js' ? ['@tensorflow/tfjs', './nnc-layers.js', 'node:fs/promises'] : ['@tensorflow/tfjs']));
      }
      const preprocess = readPreprocess(out);
      const plugins = ((JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).plugins ?? []) as { file: string }[]).map((p) => resolve(source, p.file));
      const pluginClasses = new Set((JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')).layers as { to: string; plugin?: string }[]).filter((l) => l.plugin).map((l) => l.to));
      const inputs = sampleInputs(preprocess);
      const inputFile = join(root, `${name}-inputs.json`);
      writeFileSync(inputFile, JSON.stringify(inputs));
      const [expected, plain] = await Promise.all([
        cliPredictions(dir, preprocess, inputs, root),
        exec(process.execPath, [plainScript(name, plugins), inputFile], { cwd: root, maxBuffer: 64 * 1024 * 1024 }),
      ]);
      const result = JSON.parse(plain.stdout) as { predictions: Record<string, Prediction[]>; outputNames: string[]; classes: string[] };
      expect(result.outputNames).toEqual(preprocess.heads.map((h) => h.name));
      for (const className of result.classes) expect(STANDARD.has(className) || NNC_KEPT.has(className) || pluginClasses.has(className), className).toBe(true);
      for (const head of preprocess.heads) expectSamePredictions(result.predictions[head.name], expected[head.name], `${name}/${head.name}`);

      const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { modelTopology: ModelTopology };
      const classOf = Object.fromEntries(model.modelTopology.config.layers.map((l) => [l.name, l.class_name]));
      if (name === 'export-layers') {
        expect(classOf).toMatchObject({ embed: 'Embedding', conv: 'Conv1D', enc: 'LSTM', rec: 'GRU', att: 'NncAttention', norm: 'LayerNormalization', drop: 'Dropout', act: 'Activation', pool: 'NncPool', flag_pool: 'NncPool', size_pool: 'NncPool', pad_mask: 'NncPadMask' });
      }
      if (name === 'export-unmasked') {
        // no padding mask after a strided 'valid' conv1d: the standard pools, and no NncPadMask layer at all
        expect(classOf).toMatchObject({ embed: 'Embedding', conv: 'Conv1D', enc: 'LSTM', rec: 'GRU', pool: 'GlobalAveragePooling1D', norm: 'LayerNormalization', count_pool: 'GlobalMaxPooling1D' });
        expect(Object.values(classOf).filter((c) => c.startsWith('Nnc'))).toEqual([]);
      }
      const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as { run: { id: string; planHash: string }; heads: { name: string }[]; metrics: Record<string, number> };
      expect(card.run.id).toBe(exported.run);
      expect(card.heads.map((h) => h.name)).toEqual(preprocess.heads.map((h) => h.name));
      expect(Object.keys(card.metrics).length).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(card.run.planHash);
    });
  }

  it('names a layer class it cannot convert instead of writing a broken export', () => {
    const topology: ModelTopology = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          { class_name: 'InputLayer', name: 'input', config: {}, inbound_nodes: [] },
          { class_name: 'NncSomethingNew', name: 'odd', config: {}, inbound_nodes: [[['input', 0, 0, {}]]] },
        ],
        input_layers: [],
        output_layers: [],
      },
    };
    expect(toPortableTopology(topology)).toEqual({ ok: false, message: "Layer 'odd' is an nnc 'NncSomethingNew', which the portable export does not know how to write." });
  });
});
