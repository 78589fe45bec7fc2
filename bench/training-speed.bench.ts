// Training speed (samples/s, median step) of the four benchmark models on each
// available backend: stock tfjs kernels, nnc's kernels, nnc's kernels + ops,
// and PyTorch on the same models when python3 can import torch.
//   node scripts/bench.mjs training-speed          (the table)
//   BENCH_PROFILE=1 node scripts/bench.mjs training-speed   (+ time per kernel)
//   BENCH_BACKENDS=wasm BENCH_MODELS=lstm ...       (a subset)
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { loadTf } from '../src/runtime/backend/index.js';
import { installKernels } from '../src/runtime/backend/kernels/register.js';
import { MODELS, type BenchModel } from './training-speed.models.js';
import { profileKernels } from './training-speed.profile.js';
import { nncOps } from '../src/runtime/ops/index.js';

type Variant = 'stock' | 'kernels' | 'ops';
const VARIANTS: Array<{ variant: Variant; title: string }> = [
  { variant: 'stock', title: 'stock tfjs' },
  { variant: 'kernels', title: 'nnc kernels' },
  { variant: 'ops', title: 'nnc kernels+ops' },
];

const MIN_STEPS = 5;
const MAX_STEPS = 40;
const TIME_BUDGET_MS = 2000;
const SLOW_STEP_MS = 3000;

interface Measure {
  samplesPerSecond: number | null;
  note: string;
  loss?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(model: BenchModel, variant: Variant, profile: boolean): Measure {
  const built = model.build(tf, variant === 'ops' ? 'ops' : 'layers');
  const { x, y } = model.inputs(tf);
  const optimizer = variant === 'ops' ? nncOps(tf).createAdam(1e-3) : tf.train.adam(1e-3);
  const lossFn = () => tf.losses.softmaxCrossEntropy(y, built.logits(x)) as tf.Scalar;
  const step = () => tf.tidy(() => { optimizer.minimize(lossFn, false, built.variables); });
  try {
    let t0 = performance.now();
    try {
      step();
    } catch (error) {
      return { samplesPerSecond: null, note: `fails: ${(error as Error).message.split('\n')[0].slice(0, 60)}` };
    }
    const first = performance.now() - t0;
    if (first > SLOW_STEP_MS) return { samplesPerSecond: model.batch / (first / 1000), note: '1 step' };
    step();
    step();
    const times: number[] = [];
    const stopProfile = profile ? profileKernels(tf) : null;
    const start = performance.now();
    while (times.length < MIN_STEPS || (times.length < MAX_STEPS && performance.now() - start < TIME_BUDGET_MS)) {
      t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    if (stopProfile) console.log(stopProfile(times.length, `${model.name}, ${tf.getBackend()}, ${variant}`));
    const loss = tf.tidy(() => lossFn().dataSync()[0]);
    return { samplesPerSecond: model.batch / (median(times) / 1000), note: `${times.length} steps`, loss };
  } finally {
    optimizer.dispose();
    built.dispose();
    x.dispose();
    y.dispose();
  }
}

interface TorchResults {
  /** samples/s by model name, with torch's default thread count */
  results: Record<string, number>;
  /** the same with one thread per core, when that differs */
  allCores: Record<string, number>;
  note: string;
}

function torchResults(): TorchResults {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__, torch.get_num_threads())'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const run = spawnSync(python, ['bench/torch_models.py'], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) return { results: {}, allCores: {}, note: `torch failed: ${run.stderr.slice(-200)}` };
    const byThreads = JSON.parse(run.stdout) as Record<string, Record<string, number>>;
    const [version, threads] = probe.stdout.trim().split(' ');
    const counts = Object.keys(byThreads).sort();
    const most = counts[counts.length - 1];
    return {
      results: byThreads[threads] ?? byThreads[counts[0]],
      allCores: most !== threads ? byThreads[most] : {},
      note: `PyTorch ${version} (${python}), default ${threads} thread(s)${most !== threads ? `; torch ${most}t: with ${most} threads` : ''}`,
    };
  }
  return { results: {}, allCores: {}, note: 'PyTorch not available (python3 cannot import torch)' };
}

function fmt(m: Measure | undefined): string {
  if (!m) return '-';
  if (m.samplesPerSecond == null) return m.note;
  const n = m.samplesPerSecond;
  const text = n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  return m.note === '1 step' ? `${text} (1 step)` : text;
}

async function main() {
  const profile = process.env.BENCH_PROFILE === '1';
  const onlyModels = process.env.BENCH_MODELS?.split(',');
  const models = MODELS.filter((m) => !onlyModels || onlyModels.some((o) => m.name.includes(o)));
  const backends = (process.env.BENCH_BACKENDS ?? 'node,wasm,cpu').split(',');
  const rows: string[][] = [];
  const json: Record<string, unknown> = {};
  const torch: TorchResults = process.env.BENCH_TORCH === '0' ? { results: {}, allCores: {}, note: 'PyTorch skipped' } : torchResults();
  for (const backend of backends) {
    try {
      await loadTf(backend);
    } catch (error) {
      console.log(`${backend}: ${(error as Error).message}`);
      continue;
    }
    for (const model of models) {
      const measures: Partial<Record<Variant, Measure>> = {};
      for (const { variant } of VARIANTS) {
        if (backend === 'node' && variant !== 'ops' && variant !== 'stock') continue;
        const kernels = installKernels(backend);
        if (variant === 'stock') kernels.restore();
        measures[variant] = measure(model, variant, profile && variant === 'ops');
        if (variant === 'stock') installKernels(backend);
      }
      const best = measures.ops?.samplesPerSecond ?? null;
      const torchSps = torch.results[model.name];
      const torchAll = torch.allCores[model.name];
      const round = (n: number | undefined) => (n ? Math.round(n).toLocaleString('en-US') : '-');
      rows.push([`${model.name} (${model.batch})`, `${backend}`, ...VARIANTS.map(({ variant }) => fmt(measures[variant])),
        round(torchSps), round(torchAll),
        best && torchSps ? (best / torchSps).toFixed(2) : '-']);
      json[`${model.name} / ${backend}`] = { ...measures, torch: torchSps ?? null, torchAllCores: torchAll ?? null };
      console.error(`done: ${model.name} on ${backend}`);
    }
  }
  const header = ['model (batch)', 'backend', ...VARIANTS.map((v) => v.title), 'torch', 'torch all cores', 'nnc/torch'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  console.log(`training samples/s, median of timed steps after 3 warm-up steps; ${torch.note}`);
  console.log(lines.join('\n'));
  mkdirSync('bench/.tmp', { recursive: true });
  writeFileSync('bench/.tmp/training-speed.json', JSON.stringify({ date: new Date().toISOString(), torch: torch.note, results: json }, null, 2));
}

await main();
