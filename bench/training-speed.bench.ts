// Training speed (samples/s) of the four benchmark models on each available
// backend: stock tfjs kernels, nnc's kernels, nnc's kernels + ops, and PyTorch
// on the same models when python3 can import torch. The machine is shared, so
// every configuration is measured in several interleaved rounds and the best
// round counts, by wall clock and by process CPU time (CPU time is steadier
// when other processes compete for the cores; torch with several threads adds
// up the CPU time of all of them).
//   node scripts/bench.mjs training-speed
//   BENCH_PROFILE=1 ...                 also time per kernel (nnc kernels+ops)
//   BENCH_BACKENDS=wasm BENCH_MODELS=lstm BENCH_ROUNDS=1 BENCH_TORCH=0 ...
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { loadTf } from '../src/runtime/backend/index.js';
import { installKernels } from '../src/runtime/backend/kernels/register.js';
import { nncOps } from '../src/runtime/ops/index.js';
import { MODELS, type BenchModel } from './training-speed.models.js';
import { profileKernels } from './training-speed.profile.js';
import { startTorch } from './torch.js';

type Variant = 'stock' | 'kernels' | 'ops';
const VARIANTS: Array<{ variant: Variant; title: string }> = [
  { variant: 'stock', title: 'stock tfjs' },
  { variant: 'kernels', title: 'nnc kernels' },
  { variant: 'ops', title: 'nnc kernels+ops' },
];

const MIN_STEPS = 5;
const MAX_STEPS = 40;
const TIME_BUDGET_MS = 1000;
const SLOW_STEP_MS = 3000;

/** samples/s by wall clock and by CPU time; null when the configuration cannot train. */
interface Measure {
  wall: number | null;
  cpu: number | null;
  note: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function measure(model: BenchModel, variant: Variant, profile: boolean): Measure {
  const built = model.build(tf, variant === 'ops' ? 'ops' : 'layers');
  const { x, y } = model.inputs(tf);
  const optimizer = variant === 'ops' ? nncOps(tf).createAdam(1e-3) : tf.train.adam(1e-3);
  const lossFn = () => tf.losses.softmaxCrossEntropy(y, built.logits(x)) as tf.Scalar;
  const step = () => tf.tidy(() => { optimizer.minimize(lossFn, false, built.variables); });
  try {
    const t0 = performance.now();
    try {
      step();
    } catch (error) {
      return { wall: null, cpu: null, note: `fails: ${(error as Error).message.split('\n')[0].slice(0, 50)}` };
    }
    const first = performance.now() - t0;
    if (first > SLOW_STEP_MS) return { wall: model.batch / (first / 1000), cpu: null, note: '1 step' };
    step();
    step();
    const wall: number[] = [];
    const cpu: number[] = [];
    const stopProfile = profile ? profileKernels(tf) : null;
    const start = performance.now();
    while (wall.length < MIN_STEPS || (wall.length < MAX_STEPS && performance.now() - start < TIME_BUDGET_MS)) {
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      step();
      cpu.push(cpuMs(c0));
      wall.push(performance.now() - w0);
    }
    if (stopProfile) console.log(stopProfile(wall.length, `${model.name}, ${tf.getBackend()}, nnc kernels+ops`));
    return { wall: model.batch / (median(wall) / 1000), cpu: model.batch / (median(cpu) / 1000), note: `${wall.length} steps` };
  } finally {
    optimizer.dispose();
    built.dispose();
    x.dispose();
    y.dispose();
  }
}


function better(a: Measure | undefined, b: Measure): Measure {
  if (!a || a.wall == null) return b;
  if (b.wall == null) return a;
  return { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu ?? 0, b.cpu ?? 0) || null, note: b.note };
}

function fmt(m: Measure | undefined, which: 'wall' | 'cpu' = 'wall'): string {
  if (!m) return '-';
  const n = m[which];
  if (n == null) return m.note || '-';
  const text = n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  return m.note === '1 step' ? `${text} (1 step)` : text;
}

async function main() {
  const profile = process.env.BENCH_PROFILE === '1';
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const onlyModels = process.env.BENCH_MODELS?.split(',');
  const models = MODELS.filter((m) => !onlyModels || onlyModels.some((o) => m.name.includes(o)));
  const backends = (process.env.BENCH_BACKENDS ?? 'node,wasm,cpu').split(',');
  const torch = process.env.BENCH_TORCH === '0' ? 'PyTorch skipped' : await startTorch();
  const torchBest = new Map<string, { one?: Measure; all?: Measure }>();
  const rows: string[][] = [];
  const json: Record<string, unknown> = {};
  const load = loadavg()[0];
  for (const backend of backends) {
    try {
      await loadTf(backend);
    } catch (error) {
      console.log(`${backend}: ${(error as Error).message}`);
      continue;
    }
    for (const model of models) {
      const best: Partial<Record<Variant, Measure>> = {};
      for (let round = 0; round < rounds; round++) {
        for (const { variant } of VARIANTS) {
          if (best[variant]?.note === '1 step' || best[variant]?.note.startsWith('fails')) continue;
          const kernels = installKernels(backend);
          if (variant === 'stock') kernels.restore();
          best[variant] = better(best[variant], measure(model, variant, profile && variant === 'ops' && round === rounds - 1));
          if (variant === 'stock') installKernels(backend);
        }
        // torch once per model (in the first backend's rounds), interleaved with tfjs
        if (typeof torch !== 'string' && backend === backends.find((b) => b !== 'node' || tf.getBackend() === 'tensorflow')) {
          const t = torchBest.get(model.name) ?? {};
          t.one = better(t.one, await torch.measure(model.name, torch.threads));
          if (torch.cores !== torch.threads) t.all = better(t.all, await torch.measure(model.name, torch.cores));
          torchBest.set(model.name, t);
        }
      }
      const t = torchBest.get(model.name);
      const ops = best.ops;
      const ratio = (which: 'wall' | 'cpu') =>
        ops?.[which] && t?.one?.[which] ? (ops[which]! / t.one[which]!).toFixed(2) : '-';
      rows.push([`${model.name} (${model.batch})`, backend, ...VARIANTS.map(({ variant }) => fmt(best[variant])),
        fmt(t?.one), fmt(t?.all), ratio('wall'), `${fmt(ops, 'cpu')} / ${fmt(t?.one, 'cpu')} = ${ratio('cpu')}`]);
      json[`${model.name} / ${backend}`] = { ...best, torch: t?.one ?? null, torchAllCores: t?.all ?? null };
      console.error(`done: ${model.name} on ${backend}`);
    }
  }
  if (typeof torch !== 'string') torch.close();
  const torchNote = typeof torch === 'string' ? torch : torch.note;
  const cores = typeof torch === 'string' ? cpus().length : torch.cores;
  const header = ['model (batch)', 'backend', ...VARIANTS.map((v) => v.title), 'torch', `torch ${cores} threads`, 'nnc/torch', 'by CPU time: nnc / torch = ratio'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  console.log(`training samples/s, best of ${rounds} interleaved rounds (median step of each); ${torchNote}; load average ${load.toFixed(1)} at start`);
  console.log(lines.join('\n'));
  mkdirSync('bench/.tmp', { recursive: true });
  writeFileSync('bench/.tmp/training-speed.json', JSON.stringify({ date: new Date().toISOString(), torch: torchNote, load, results: json }, null, 2));
}

await main();
