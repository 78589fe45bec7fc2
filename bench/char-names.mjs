// The end-to-end benchmark's project: a char-level name classifier, written
// from a deterministic generator (nothing downloaded). 7,008 made-up names,
// 876 for each of eight origins, each origin with its own syllables and
// endings; one name in eight borrows a syllable from another origin, so the
// task is not trivially separable.
//   node bench/char-names.mjs <dir>     writes the nnc project into <dir>
// The model: embedding 32 -> conv1d 64 (kernel 3, same, relu) -> GRU 64
// (every step) -> max pool -> 8 classes; 12 epochs, batch 64, Adam 3e-3,
// validationSplit 0.1. bench/torch_char.py trains the same model on the
// same names.jsonl.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ORIGINS = {
  italian: { start: ['ma', 'ro', 'lu', 'gi', 'fra', 'be', 'ca', 'do', 'pa', 'vi', 'se', 'to'], middle: ['ri', 'ne', 'la', 'ce', 'ti', 'so', 'ni', 'gu', 'mo', 'zz', 'll'], end: ['ini', 'etti', 'one', 'elli', 'ucci', 'ano', 'ari', 'otto', 'esi', 'a', 'o', 'i'] },
  japanese: { start: ['ka', 'ta', 'na', 'ha', 'ya', 'sa', 'mi', 'ko', 'shi', 'to', 'hi', 'su'], middle: ['ki', 'mu', 'ra', 'se', 'no', 'wa', 'ku', 'chi', 'ga', 'ji'], end: ['moto', 'mura', 'yama', 'ta', 'da', 'ka', 'no', 'ra', 'shi', 'gawa', 'uchi', 'zaki'] },
  russian: { start: ['vo', 'pe', 'iva', 'smi', 'ku', 'bo', 'dmi', 'ser', 'gor', 'ale', 'mi', 'za'], middle: ['lo', 'ro', 'ni', 'ko', 'sha', 'che', 'tro', 'dy', 'zh', 'ba'], end: ['ov', 'ev', 'in', 'sky', 'enko', 'ova', 'aev', 'itch', 'yuk', 'ikov', 'ovich', 'ina'] },
  irish: { start: ["o'", 'mc', 'mac', 'do', 'ke', 'bre', 'fi', 'ga', 'mu', 'ca', 'ry', 'qui'], middle: ['nn', 'gh', 'll', 'ar', 'ea', 'ough', 'ai', 'rr', 'ei', 'an'], end: ['an', 'ey', 'agh', 'in', 'ahy', 'ell', 'ane', 'ery', 'oran', 'igan', 'y', 'e'] },
  greek: { start: ['pa', 'po', 'ka', 'ni', 'ko', 'di', 'geo', 'chri', 'the', 'ele', 'ste', 'va'], middle: ['pa', 'ro', 'sto', 'la', 'ki', 'mi', 'tso', 'ne', 'ri', 'va'], end: ['opoulos', 'idis', 'akis', 'ou', 'as', 'os', 'ides', 'atos', 'oglou', 'is', 'elis', 'akos'] },
  german: { start: ['schm', 'ba', 'we', 'ha', 'mu', 'kra', 'zi', 'ho', 'fi', 'gro', 'stra', 'wa'], middle: ['ber', 'll', 'tt', 'ck', 'ge', 'sch', 'rn', 'ei', 'au', 'nz'], end: ['mann', 'er', 'berg', 'stein', 'hardt', 'ler', 'bach', 'feld', 'hof', 'inger', 'isch', 'rich'] },
  spanish: { start: ['ga', 'ro', 'me', 'fe', 'he', 'lo', 'mar', 'jua', 'ca', 'do', 'se', 'ra'], middle: ['rr', 'nan', 'di', 'ca', 'la', 'mi', 'ñ', 'qu', 'ba', 've'], end: ['ez', 'es', 'ado', 'ero', 'eda', 'illo', 'ia', 'ito', 'on', 'eno', 'ales', 'ista'] },
  arabic: { start: ['al-', 'ha', 'sa', 'mu', 'ab', 'kha', 'fa', 'na', 'ja', 'ra', 'ta', 'za'], middle: ['sh', 'hm', 'li', 'ma', 'ri', 'ba', 'qa', 'yy', 'da', 'su'], end: ['an', 'ah', 'i', 'id', 'im', 'oud', 'ir', 'ar', 'ani', 'awi', 'ush', 'iq'] },
};

export const PER_CLASS = 876;
export const MAX_LENGTH = 20;

function rng(seed) {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** [{input, label}], classes interleaved, the same on every call. */
export function generateNames(perClass = PER_CLASS, seed = 2024) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const names = Object.keys(ORIGINS);
  const rows = [];
  for (let i = 0; i < perClass; i++) {
    for (const label of names) {
      const o = ORIGINS[label];
      const other = ORIGINS[pick(names)];
      let name = pick(o.start);
      const middles = Math.floor(r() * 3);
      for (let m = 0; m < middles; m++) name += pick(r() < 0.125 ? other.middle : o.middle);
      name += pick(r() < 0.125 ? other.end : o.end);
      // a quarter are written with a given name before them, as people write names
      if (r() < 0.25) name = `${pick(o.start)}${pick(o.end)} ${name}`;
      rows.push({ input: name.slice(0, 24), label });
    }
  }
  return rows;
}

const TOKENS = 'abcdefghijklmnopqrstuvwxyzñ'.split('');

/** Writes the nnc project (and names.jsonl, which bench/torch_char.py reads too) into dir. */
export function writeCharProject(dir, { epochs = 12, batchSize = 64 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'datasets'), { recursive: true });
  const names = Object.keys(ORIGINS);
  writeFileSync(join(dir, 'nnc.yaml'), `apiVersion: nnc/v1
kind: Project
name: char_names
input: {type: text, tokenizer: char, lowercase: true, maxLength: ${MAX_LENGTH}}
training: {seed: 1, epochs: ${epochs}, batchSize: ${batchSize}, optimizer: adam, learningRate: 0.003, validationSplit: 0.1}
monitor: {weightsEvery: 1000000}
`);
  writeFileSync(join(dir, 'tokens.yaml'), `apiVersion: nnc/v1
kind: Tokens
categories:
  special: ["<pad>", "<unk>"]
  alphabetic: [${TOKENS.join(', ')}]
  punctuation: ["'", "-", " "]
`);
  writeFileSync(join(dir, 'layers.yaml'), `apiVersion: nnc/v1
kind: Layers
layers:
  - {name: embed, type: embedding, units: 32}
  - {name: conv, type: conv1d, filters: 64, kernelSize: 3, padding: same, activation: relu}
  - {name: rnn, type: gru, units: 64, returnSequences: true}
  - {name: pool, type: pool, mode: max}
`);
  writeFileSync(join(dir, 'heads.yaml'), `apiVersion: nnc/v1
kind: Heads
heads:
  - {name: origin, attach: pool, task: classification, classes: [${names.join(', ')}]}
`);
  writeFileSync(join(dir, 'datasets', 'names.jsonl'), generateNames().map((row) => JSON.stringify(row)).join('\n') + '\n');
  writeFileSync(join(dir, 'datasets', 'names.yaml'), `apiVersion: nnc/v1
kind: Dataset
name: names
type: multi_classification
head: origin
source: names.jsonl
`);
}

// (not when a bundle that imports this file runs: its import.meta.url is the bundle's)
if (/char-names\.mjs$/.test(process.argv[1] ?? '') && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bench/char-names.mjs <dir>');
    process.exit(2);
  }
  writeCharProject(dir);
  console.log(`wrote ${dir}: ${PER_CLASS * Object.keys(ORIGINS).length} names`);
}
