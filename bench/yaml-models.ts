// The benchmark models as nnc/v1 projects (bench/training-yaml.bench.ts and
// bench/torch-baseline.bench.ts): the shapes of bench/torch_models.py, random
// data, 2,048 samples, 3 epochs, validationSplit 0.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = 2048;
const VOCAB = 5000;
const SEQ = 32;

export interface YamlModel {
  /** the name bench/torch_models.py knows */
  readonly name: string;
  readonly batch: number;
  readonly text: boolean;
  readonly layers: string[];
  readonly classes: number;
}

export const YAML_MODELS: YamlModel[] = [
  { name: 'mlp 64-256-256-10', batch: 64, text: false, classes: 10, layers: ['{name: a, type: dense, units: 256, activation: relu}', '{name: b, type: dense, units: 256, activation: relu}'] },
  { name: 'embedding + lstm 64', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: rnn, type: lstm, units: 64}'] },
  { name: 'embedding + gru 64', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: rnn, type: gru, units: 64}'] },
  { name: 'embedding + conv1d 64x3 + pool', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: conv, type: conv1d, filters: 64, kernelSize: 3, padding: same, activation: relu}', '{name: pool, type: pool, mode: mean}'] },
  { name: 'embedding + attention 4 heads + pool', batch: 32, text: true, classes: 4, layers: ['{name: embed, type: embedding, units: 64}', '{name: attend, type: attention, heads: 4}', '{name: pool, type: pool, mode: mean}'] },
];

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function writeProject(dir: string, m: YamlModel): void {
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
