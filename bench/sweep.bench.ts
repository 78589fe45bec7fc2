// `nnc sweep` with --parallel 2 against --parallel 1: 8 trials on a copy of
// projects/sentiment (a 2x2x2 grid over its example sweep's parameters, at 4
// epochs each instead of 12 so a round takes minutes, not tens of minutes),
// the built CLI as a user runs it, wall time per sweep. Rounds alternate the
// order (1 then 2, 2 then 1) so a change in the machine's load hits both; the
// load average is printed beside each figure because the machine is shared.
//   node scripts/bench.mjs sweep            (ROUNDS=2 EPOCHS=4 by default)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 2);
const EPOCHS = Number(process.env.EPOCHS ?? 4);
const BACKEND = process.env.NNC_BACKEND ?? 'wasm';
const cli = resolve('dist/cli.js');
const work = mkdtempSync(join(tmpdir(), 'nnc-bench-sweep-'));

function project(name: string): string {
  const dir = join(work, name);
  cpSync('projects/sentiment', dir, { recursive: true, filter: (src) => !src.includes('/.nnc') });
  writeFileSync(join(dir, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: bench
parameters:
  layers.embed.units: [16, 32]
  layers.hidden.units: [16, 32]
  training.learningRate: [0.003, 0.01]
  training.epochs: [${EPOCHS}]
metric: sentiment.val_accuracy
`);
  return dir;
}

function sweep(parallel: number, round: number): { seconds: number; load: number; trials: number } {
  const dir = project(`p${parallel}-r${round}`);
  const load = loadavg()[0];
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, 'sweep', dir, '--parallel', String(parallel), '--backend', BACKEND, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`nnc sweep --parallel ${parallel} exited ${r.status}:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { trials: Array<{ status: string }> };
  return { seconds, load, trials: out.trials.filter((t) => t.status === 'completed').length };
}

try {
  console.log(`8 trials of projects/sentiment, ${EPOCHS} epochs each, backend ${BACKEND}, ${availableParallelism()} cores; ${ROUNDS} rounds\n`);
  console.log('| round | parallel | wall s | trials completed | load average (1 min) at start |');
  console.log('|---|---|---|---|---|');
  const times: Record<number, number[]> = { 1: [], 2: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const parallel of round % 2 ? [1, 2] : [2, 1]) {
      const r = sweep(parallel, round);
      times[parallel].push(r.seconds);
      console.log(`| ${round} | ${parallel} | ${r.seconds.toFixed(1)} | ${r.trials}/8 | ${r.load.toFixed(1)} |`);
    }
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const ratio = median(times[2]) / median(times[1]);
  console.log(`\n--parallel 2 takes ${ratio.toFixed(2)}x the time of --parallel 1 (median of ${ROUNDS}; the aim is below 0.65x).`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
