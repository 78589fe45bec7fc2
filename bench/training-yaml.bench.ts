// The benchmark models as users get them: written as nnc/v1 YAML, compiled,
// emitted by nnc and trained by nnc's own loop (batching, multi-task step,
// clipping, metrics) on the default backend, next to PyTorch on the same
// shapes in the same run (bench/torch_models.py, when python3 has torch).
//   node scripts/bench.mjs training-yaml
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../src/compiler/index.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel } from '../src/runtime/emit/index.js';
import { prepareData, train } from '../src/runtime/train/index.js';
import { startTorch } from './torch.js';

const SAMPLES = 2048;
const VOCAB = 5000;
const SEQ = 32;

interface YamlModel {
  /** the name bench/torch_models.py knows */
  readonly name: string;
  readonly batch: number;
  readonly text: boolean;
  readonly layers: string[];
  readonly classes: number;
}

const MODELS: YamlModel[] = [
  { name: 'mlp 64-256-256-10', batch: 64, text: false, classes: 10, layers: ['{name: a, type: dense, units: 256, activation: relu}', '{name: b, type: dense, units: 256, activation: relu}'] },
  { name: 'embedding + lstm 64', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: rnn, type: lstm, units: 64}'] },
  { name: 'embedding + gru 64', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: rnn, type: gru, units: 64}'] },
  { name: 'embedding + conv1d 64x3 + pool', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: conv, type: conv1d, filters: 64, kernelSize: 3, padding: same, activation: relu}', '{name: pool, type: pool, mode: mean}'] },
  { name: 'embedding + attention 4 heads + pool', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: attend, type: attention, heads: 4}', '{name: pool, type: pool, mode: mean}'] },
];

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function writeProject(dir: string, m: YamlModel): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'datasets'), { recursive: true });
  const r = rng(7);
  const input = m.text ? `{type: text, maxLength: ${SEQ}}` : '{type: features, features: 64}';
  writeFileSync(join(dir, 'nnc.yaml'), `apiVersion: nnc/v1\nkind: Project\nname: bench\ninput: ${input}\ntraining: {epochs: 3, batchSize: ${m.batch}, learningRate: 0.001, validationSplit: 0}\nmonitor: {weightsEvery: 1000000}\n`);
  if (m.text) {
    const words = Array.from({ length: VOCAB - 2 }, (_, i) => `w${i}`);
    writeFileSync(join(dir, 'tokens.yaml'), `apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [${words.join(', ')}]\n`);
  }
  writeFileSync(join(dir, 'layers.yaml'), `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${m.layers.map((l) => `  - ${l}\n`).join('')}`);
  const last = m.layers[m.layers.length - 1].match(/name: (\w+)/)![1];
  writeFileSync(join(dir, 'heads.yaml'), `apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: label, attach: ${last}, task: classification, classes: [${Array.from({ length: m.classes }, (_, i) => `c${i}`).join(', ')}]}\n`);
  const rows = Array.from({ length: SAMPLES }, () => {
    const x = m.text ? Array.from({ length: SEQ }, () => `w${Math.floor(r() * (VOCAB - 2))}`).join(' ') : Array.from({ length: 64 }, () => +(r() * 2 - 1).toFixed(3));
    return JSON.stringify({ input: x, label: `c${Math.floor(r() * m.classes)}` });
  });
  writeFileSync(join(dir, 'datasets', 'data.jsonl'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'datasets', 'data.yaml'), `apiVersion: nnc/v1\nkind: Dataset\nname: data\ntype: multi_classification\nhead: label\nsource: data.jsonl\n`);
}

const root = 'bench/.tmp/yaml-models';
const { tf, backend } = await loadTf();
const torch = await startTorch();
console.log(`nnc ${backend} backend: models compiled from YAML and trained by nnc's loop (${SAMPLES} samples, 3 epochs, the best epoch after the first); ${typeof torch === 'string' ? torch : torch.note}\n`);
console.log('| model (batch) | params | nnc samples/s | torch samples/s (1 thread) | nnc / torch |\n|---|---|---|---|---|');
for (const m of MODELS) {
  const dir = join(root, m.name.replace(/\W+/g, '-'));
  writeProject(dir, m);
  const { plan, data, diagnostics } = compile(dir);
  if (!plan) {
    console.log(`| ${m.name} | compile failed: ${diagnostics[0]?.message} |`);
    continue;
  }
  const model = buildModel(tf, plan);
  const epochs: number[] = [];
  await train({ tf, plan, model, data: prepareData(plan, data), events: { onEpoch: (e) => void (e.epoch > 1 && epochs.push(e.samplesPerSecond)) } });
  model.dispose();
  const nnc = Math.max(...epochs);
  const t = typeof torch === 'string' ? null : await torch.measure(m.name, 1);
  const ratio = t?.wall ? (nnc / t.wall).toFixed(2) : '-';
  console.log(`| ${m.name} (${m.batch}) | ${plan.totals.params.toLocaleString('en-US')} | ${Math.round(nnc).toLocaleString('en-US')} | ${t?.wall ? Math.round(t.wall).toLocaleString('en-US') : '-'} | ${ratio} |`);
}
if (typeof torch !== 'string') torch.close();
rmSync(root, { recursive: true, force: true });
