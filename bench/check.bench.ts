// `nnc check` wall time: the CLI process on each example (node start-up
// included), and compile() on generated projects: 1,000 layers with 100,000
// inline samples, and 10k / 100k / 1M samples in an external JSONL file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../src/compiler/index.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cliTime(dir: string, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync('node', ['dist/cli.js', 'check', dir], { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0 && i === 0) console.log(`  (${dir} exits ${r.status})`);
  }
  return median(times);
}

function project(dir: string, files: Record<string, string>) {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const WORDS = 'good bad great awful movie plot film acting music story fun dull long short slow fast'.split(' ');

function textProject(dir: string, samples: { inline?: number; jsonl?: number }, layerCount = 3) {
  const r = rng(1);
  const line = () => {
    const n = 4 + Math.floor(r() * 8);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]);
    return { input: words.join(' '), label: r() < 0.5 ? 0 : 1 };
  };
  const layers = ['  - {name: embed, type: embedding, units: 16}', '  - {name: pool, type: pool}'];
  for (let i = 0; i < layerCount; i++) layers.push(`  - {name: dense_${i}, type: dense, units: 16, activation: relu}`);
  const inline = Array.from({ length: samples.inline ?? 0 }, () => `  - ${JSON.stringify(line())}`).join('\n');
  const files: Record<string, string> = {
    'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: big\ninput: {type: text, maxLength: 16}\n',
    'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 1, maxSize: 1000}\n',
    'layers.yaml': `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${layers.join('\n')}\n`,
    'heads.yaml': `apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: label, attach: dense_${layerCount - 1}, task: classification}\n`,
    'datasets/data.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: data\ntype: binary_classification\nhead: label\n${samples.jsonl ? 'source: data.jsonl\n' : ''}${samples.inline ? `samples:\n${inline}\n` : ''}`,
  };
  if (samples.jsonl) files['datasets/data.jsonl'] = Array.from({ length: samples.jsonl }, () => JSON.stringify(line())).join('\n') + '\n';
  project(dir, files);
}

function compileTime(dir: string, runs = 3): { ms: number; errors: number; timings: Record<string, number> } {
  const times: number[] = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = compile(dir);
    times.push(performance.now() - t);
  }
  return { ms: median(times), errors: last!.diagnostics.filter((d) => d.severity === 'error').length, timings: last!.timings as Record<string, number> };
}

const tmp = 'bench/.tmp/check';
mkdirSync(tmp, { recursive: true });

console.log('`nnc check <example>`: whole CLI process, median of 7 (node start-up alone is the baseline)');
const nodeAlone = median(Array.from({ length: 7 }, () => { const t = performance.now(); spawnSync('node', ['-e', '0']); return performance.now() - t; }));
console.log(`| project | wall ms | minus bare node start-up |\n|---|---|---|`);
console.log(`| (node -e 0) | ${nodeAlone.toFixed(0)} | 0 |`);
for (const name of readdirSync('projects').sort().filter((n) => statSync(join('projects', n)).isDirectory())) {
  const ms = cliTime(join('projects', name));
  console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms - nodeAlone).toFixed(0)} |`);
}

console.log('\ncompile() in process, median of 3');
console.log('| project | ms | load | validate | check | lower | errors |\n|---|---|---|---|---|---|---|');
const row = (label: string, r: ReturnType<typeof compileTime>) =>
  console.log(`| ${label} | ${r.ms.toFixed(0)} | ${['load', 'validate', 'check', 'lower'].map((k) => (r.timings[k] ?? 0).toFixed(0)).join(' | ')} | ${r.errors} |`);
textProject(join(tmp, 'layers1000'), { inline: 100_000 }, 1000);
row('1,000 layers + 100,000 inline samples', compileTime(join(tmp, 'layers1000')));
const growth: number[] = [];
for (const n of [10_000, 100_000, 1_000_000]) {
  textProject(join(tmp, `jsonl${n}`), { jsonl: n });
  const r = compileTime(join(tmp, `jsonl${n}`), n >= 1_000_000 ? 1 : 3);
  growth.push(r.ms);
  row(`${n.toLocaleString('en-US')} samples in JSONL`, r);
}
console.log(`\ngrowth: 10k -> 100k x${(growth[1] / growth[0]).toFixed(1)}, 100k -> 1M x${(growth[2] / growth[1]).toFixed(1)} (linear is x10)`);
rmSync(tmp, { recursive: true, force: true });
