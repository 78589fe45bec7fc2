// nnc against a properly configured PyTorch (issue 17), never at the same
// time: every measurement is its own process, which exits before the next
// one starts, in interleaved rounds (PyTorch default threads, PyTorch 1
// thread, PyTorch all cores, nnc; then again). PyTorch runs with
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (only
// its own), so OpenBLAS picks its kernels for this CPU; the bench installs
// nothing and prints which BLAS PyTorch runs on (bench/torch_blas.py).
// nnc: each model as a YAML project trained by nnc's own loop (the best epoch
// after the first), and the bare step on nnc's ops (one fixed batch, as
// PyTorch is measured). Ratios are per round, the load average beside each.
//   node scripts/bench.mjs --only torch-baseline
//   BENCH_ROUNDS=3 BENCH_MODELS=mlp,conv BENCH_TORCH_THREADS=default,1,2 ...
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { findPython, torchEnv } from './torch-env.js';

const SELF = process.argv[1];

interface Speed {
  wall: number;
  cpu: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const n = (v: number | undefined) => (v === undefined ? '-' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));

interface TorchRun {
  blas: string;
  threads: number;
  results: Record<string, Speed>;
}

function runTorch(python: string, threads: number | null, models: string[]): TorchRun | string {
  const args = ['bench/torch_models.py', '--once', '--models', models.join(',')];
  if (threads !== null) args.push('--threads', String(threads));
  const r = spawnSync(python, args, { encoding: 'utf8', env: torchEnv(threads), maxBuffer: 1 << 24 });
  if (r.status !== 0) return `torch failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRun;
}

interface NncRun {
  backend: string;
  results: Record<string, { yaml: number; bare: Speed }>;
}

function runNnc(models: string[]): NncRun | string {
  const r = spawnSync(process.execPath, ['--expose-gc', SELF, '--nnc', models.join(',')], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `nnc failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NncRun;
}

/** The nnc side, in its own process: YAML projects through nnc's loop, then the bare step on nnc's ops. */
async function nncSide(wanted: string[]): Promise<void> {
  const { compile } = await import('../src/compiler/index.js');
  const { loadTf } = await import('../src/runtime/backend/index.js');
  const { buildModel } = await import('../src/runtime/emit/index.js');
  const { prepareData, train } = await import('../src/runtime/train/index.js');
  const { nncOps } = await import('../src/runtime/ops/index.js');
  const { MODELS } = await import('./training-speed.models.js');
  const { YAML_MODELS, writeProject } = await import('./yaml-models.js');
  const { tf, backend } = await loadTf();
  const results: NncRun['results'] = {};
  const root = `bench/.tmp/torch-baseline-${process.pid}`;
  for (const m of YAML_MODELS.filter((y) => wanted.some((w) => y.name.includes(w)))) {
    const dir = join(root, m.name.replace(/\W+/g, '-'));
    writeProject(dir, m);
    const { plan, data, diagnostics } = compile(dir);
    if (!plan || !data) throw new Error(`${m.name} does not compile: ${diagnostics[0]?.message}`);
    const model = buildModel(tf as never, plan);
    const epochs: number[] = [];
    await train({ tf: tf as never, plan, model, data: prepareData(plan, data), events: { onEpoch: (e) => void (e.epoch > 1 && epochs.push(e.samplesPerSecond)) } });
    model.dispose();
    // the bare step: one fixed batch, nnc's ops and Adam, median of timed steps after warm-up (as torch_models.py)
    const bench = MODELS.find((b) => b.name === m.name)!;
    const built = bench.build(tf as never, 'ops');
    const { x, y } = bench.inputs(tf as never);
    const optimizer = nncOps(tf as never).createAdam(1e-3);
    const step = () => tf.tidy(() => { optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y as never, built.logits(x) as never) as never, false, built.variables as never); });
    for (let i = 0; i < 3; i++) step();
    const wall: number[] = [];
    const cpu: number[] = [];
    const start = performance.now();
    while (wall.length < 5 || (wall.length < 40 && performance.now() - start < 1000)) {
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      step();
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      wall.push(performance.now() - w0);
    }
    optimizer.dispose();
    built.dispose();
    x.dispose();
    y.dispose();
    results[m.name] = { yaml: Math.max(...epochs), bare: { wall: bench.batch / (median(wall) / 1000), cpu: bench.batch / (median(cpu) / 1000) } };
  }
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ backend, results }) + '\n');
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const names = ['mlp 64-256-256-10', 'embedding + lstm 64', 'embedding + gru 64', 'embedding + conv1d 64x3 + pool', 'embedding + attention 4 heads + pool'];
  const only = process.env.BENCH_MODELS?.split(',');
  const models = names.filter((m) => !only || only.some((o) => m.includes(o)));
  const python = process.env.BENCH_TORCH === '0' ? null : findPython();
  const cores = cpus().length;
  // default: as torch starts (its own thread count; OpenBLAS' pool on every core); 1: one thread everywhere; all cores
  const settings = (process.env.BENCH_TORCH_THREADS ?? `default,1,${cores}`).split(',').map((s) => (s === 'default' ? null : Number(s)));
  console.log(`${cpus()[0]?.model ?? 'cpu'}, ${cores} cores; ${rounds} interleaved rounds, each side in its own process (nnc, then PyTorch at each thread setting), never at the same time`);
  if (!python) console.log('PyTorch not available (no python3 imports torch; on Debian: apt-get install python3-torch libopenblas0-pthread)');
  const torch = new Map<string, Array<{ round: number; load: number; run: TorchRun }>>();
  const nnc: Array<{ load: number; run: NncRun }> = [];
  for (let round = 0; round < rounds; round++) {
    const load = loadavg()[0];
    const side = runNnc(models);
    if (typeof side === 'string') throw new Error(side);
    nnc.push({ load, run: side });
    console.error(`round ${round + 1}: nnc done (load ${load.toFixed(1)})`);
    if (!python) continue;
    for (const threads of settings) {
      const key = threads === null ? 'default' : String(threads);
      const tload = loadavg()[0];
      const run = runTorch(python, threads, models);
      if (typeof run === 'string') throw new Error(run);
      if (round === 0) console.log(`PyTorch, threads ${key}: ${run.blas}`);
      torch.set(key, [...(torch.get(key) ?? []), { round, load: tload, run }]);
      console.error(`round ${round + 1}: torch ${key} done (load ${tload.toFixed(1)})`);
    }
  }
  console.log(`nnc backend ${nnc[0].run.backend}; load average at each measurement's start: nnc ${nnc.map((r) => r.load.toFixed(1)).join(' / ')}${[...torch].map(([k, v]) => `, torch ${k} ${v.map((r) => r.load.toFixed(1)).join(' / ')}`).join('')}\n`);
  const keys = [...torch.keys()];
  const header = ['model (batch)', 'nnc from YAML, its loop (rounds)', 'nnc bare step', ...keys.map((k) => `PyTorch ${k === 'default' ? 'default threads' : `${k} thread${k === '1' ? '' : 's'}`} (rounds)`), 'nnc YAML / best PyTorch, per round', 'nnc bare / best PyTorch, per round', 'by CPU time: nnc bare / PyTorch 1 thread, per round'];
  const rows: string[][] = [];
  const json: Record<string, unknown> = {};
  for (const model of models) {
    const batch = model.startsWith('mlp') ? 64 : 32;
    const yaml = nnc.map((r) => r.run.results[model].yaml);
    const bare = nnc.map((r) => r.run.results[model].bare.wall);
    const perKey = keys.map((k) => torch.get(k)!.map((r) => r.run.results[model].wall));
    // same round: the best PyTorch setting of that round
    const best = Array.from({ length: rounds }, (_, i) => Math.max(...perKey.map((list) => list[i] ?? 0)));
    const ratio = (ours: number[]) => (python ? `${n(median(ours.map((v, i) => v / best[i])))} (${ours.map((v, i) => n(v / best[i])).join(' / ')})` : '-');
    // both single-threaded: CPU time is the steadier measure on a loaded machine
    const bareCpu = nnc.map((r) => r.run.results[model].bare.cpu);
    const oneCpu = torch.get('1')?.map((r) => r.run.results[model].cpu);
    const cpuRatio = oneCpu ? bareCpu.map((v, i) => v / oneCpu[i]) : null;
    rows.push([`${model} (${batch})`, yaml.map(n).join(' / '), bare.map(n).join(' / '), ...perKey.map((list) => list.map(n).join(' / ')), ratio(yaml), ratio(bare),
      cpuRatio ? `${n(median(cpuRatio))} (${cpuRatio.map(n).join(' / ')})` : '-']);
    json[model] = { nncYaml: yaml, nncBare: bare, torch: Object.fromEntries(keys.map((k, i) => [k, perKey[i]])) };
  }
  console.log([header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n'));
  console.log('\nsamples/s; ratios: median over rounds (each round: nnc / the best PyTorch thread setting of that round)');
  mkdirSync('bench/.tmp', { recursive: true });
  writeFileSync('bench/.tmp/torch-baseline.json', JSON.stringify({ date: new Date().toISOString(), nnc: nnc.map((r) => r.load), torch: Object.fromEntries([...torch].map(([k, v]) => [k, { blas: v[0]?.run.blas, loads: v.map((r) => r.load) }])), results: json }, null, 2));
}

if (process.argv[2] === '--nnc') await nncSide(process.argv[3].split(','));
else await main();
