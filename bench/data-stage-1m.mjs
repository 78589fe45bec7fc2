// A project with one 1,000,000-line JSONL dataset of ~88-byte records, for
// measuring the data stage (`nnc check`, the compile in `nnc train`):
//   node bench/data-stage-1m.mjs <dir> [lines]
//   /usr/bin/time -v node dist/cli.js check <dir>
// Deterministic (fixed seed): the same file on every run.
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createDraws } from '../scripts/data-generators.mjs';

const dir = process.argv[2];
const lines = Number(process.argv[3] ?? 1_000_000);
if (!dir) {
  console.error('usage: node bench/data-stage-1m.mjs <dir> [lines]');
  process.exit(2);
}
mkdirSync(join(dir, 'datasets'), { recursive: true });
const files = {
  'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: big\ninput: {type: text, maxLength: 16}\ntraining: {epochs: 1, batchSize: 256}\n',
  'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 1, maxSize: 2000}\n',
  'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 16}\n  - {name: pool, type: pool}\n  - {name: hidden, type: dense, units: 16, activation: relu}\n',
  'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: sentiment, attach: hidden, task: classification, classes: [negative, positive]}\n',
  'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n',
};
for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);

// a vocabulary of ~1,500 made-up words of 2-9 letters, Zipf-like draws
const d = createDraws(1129);
const letters = 'abcdefghijklmnopqrstuvwxyz';
const vocabulary = Array.from({ length: 1500 }, () => Array.from({ length: d.int(2, 9) }, () => d.pick([...letters])).join(''));
const word = () => vocabulary[Math.floor(vocabulary.length * d.random() ** 2.5)];
const out = createWriteStream(join(dir, 'datasets/reviews.jsonl'));
let bytes = 0;
let chunk = '';
for (let i = 0; i < lines; i++) {
  // {"input":"<text>","label":"positive"}: 31 bytes of frame + ~57 of text = ~88
  let text = word();
  while (text.length < 46 + d.int(0, 14)) text += ' ' + word();
  const line = `{"input":${JSON.stringify(text)},"label":"${d.chance(0.5) ? 'positive' : 'negative'}"}\n`;
  bytes += line.length;
  chunk += line;
  if (chunk.length > 1 << 20) {
    out.write(chunk);
    chunk = '';
  }
}
out.end(chunk);
out.on('finish', () => console.log(`wrote ${lines.toLocaleString('en-US')} records, ${(bytes / lines).toFixed(1)} bytes each on average, to ${join(dir, 'datasets/reviews.jsonl')}`));
