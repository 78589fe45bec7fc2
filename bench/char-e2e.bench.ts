// End to end: `nnc train` of a char-level classifier (embedding 32 -> conv1d
// 64x3 -> GRU 64 -> max pool -> 8 origins; 7,008 generated names, 12 epochs,
// batch 64; bench/char-names.mjs writes it) against the same model in a plain
// PyTorch loop (bench/torch_char.py), each in its own process, never at the
// same time, in interleaved rounds. The figure is the time ratio nnc / PyTorch
// of the whole process (start-up, compile or import, training, validation,
// nnc's store and checkpoints), with the training loop alone beside it.
//   node scripts/bench.mjs --only char-e2e
//   BENCH_ROUNDS=3 BENCH_EPOCHS=12 BENCH_TORCH_THREADS=default,1 ...
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module without types
import { writeCharProject } from './char-names.mjs';
import { findPython, torchEnv } from './torch-env.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const epochs = Number(process.env.BENCH_EPOCHS ?? 12);
const settings = (process.env.BENCH_TORCH_THREADS ?? 'default').split(',').map((s) => (s === 'default' ? null : Number(s)));
const dir = join('bench/.tmp', `char-names-${process.pid}`);
(writeCharProject as (dir: string, options: { epochs: number }) => void)(dir, { epochs });
const python = process.env.BENCH_TORCH === '0' ? null : findPython();
console.log(`char-level conv1d(64, k3) + GRU(64) + max-pool classifier, 7,008 names, ${epochs} epochs, batch 64; ${rounds} interleaved rounds, each side in its own process`);
if (!python) console.log('PyTorch not available (on Debian: apt-get install python3-torch libopenblas0-pthread)');

interface Row {
  side: string;
  round: number;
  load: number;
  wall: number;
  loop: number;
  accuracy: number;
}
const rows: Row[] = [];
for (let round = 0; round < rounds; round++) {
  rmSync(join(dir, '.nnc'), { recursive: true, force: true });
  let load = loadavg()[0];
  let t0 = performance.now();
  const trained = spawnSync(process.execPath, ['dist/cli.js', 'train', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  let wall = (performance.now() - t0) / 1000;
  if (trained.status !== 0) throw new Error(`nnc train failed: ${trained.stderr}`);
  const run = JSON.parse(trained.stdout).run;
  rows.push({ side: 'nnc', round, load, wall, loop: run.info.durationMs / 1000, accuracy: run.best['origin.val_accuracy'] });
  console.error(`round ${round + 1}: nnc ${wall.toFixed(1)} s (load ${load.toFixed(1)})`);
  if (!python) continue;
  for (const threads of settings) {
    load = loadavg()[0];
    t0 = performance.now();
    const args = ['bench/torch_char.py', join(dir, 'datasets', 'names.jsonl'), '--epochs', String(epochs)];
    if (threads !== null) args.push('--threads', String(threads));
    const r = spawnSync(python, args, { encoding: 'utf8', env: torchEnv(threads) });
    wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`torch_char.py failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    rows.push({ side: `PyTorch ${threads === null ? `default (${out.threads} thread${out.threads === 1 ? '' : 's'})` : `${threads} thread${threads === 1 ? '' : 's'}`}`, round, load, wall, loop: out.loop_s, accuracy: out.val_accuracy });
    console.error(`round ${round + 1}: torch ${threads ?? 'default'} ${wall.toFixed(1)} s (load ${load.toFixed(1)})`);
  }
}
rmSync(dir, { recursive: true, force: true });

console.log('\n| side | round | load | process wall s | training loop s | val accuracy |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.side} | ${r.round + 1} | ${r.load.toFixed(1)} | ${r.wall.toFixed(1)} | ${r.loop.toFixed(1)} | ${r.accuracy.toFixed(3)} |`);
const sides = [...new Set(rows.map((r) => r.side))].filter((s) => s !== 'nnc');
if (sides.length) {
  console.log('\n| against | time ratio nnc / PyTorch, whole process (median; per round) | training loop only |\n|---|---|---|');
  for (const side of sides) {
    const pairs = Array.from({ length: rounds }, (_, i) => [rows.find((r) => r.side === 'nnc' && r.round === i)!, rows.find((r) => r.side === side && r.round === i)!]);
    const wall = pairs.map(([a, b]) => a.wall / b.wall);
    const loop = pairs.map(([a, b]) => a.loop / b.loop);
    console.log(`| ${side} | ${median(wall).toFixed(2)} (${wall.map((v) => v.toFixed(2)).join(' / ')}) | ${median(loop).toFixed(2)} (${loop.map((v) => v.toFixed(2)).join(' / ')}) |`);
  }
}
