// Start-up of the common commands (issue 17): `nnc predict <project> "one
// input"` on the examples, `nnc train` of the `nnc init` project (also with
// the whole @tensorflow/tfjs, NNC_FULL_TFJS=1) and
// `nnc check`, each the whole CLI process (dist/), against bare `node -e 0`,
// in interleaved rounds; and what one predict process spends its time on,
// step by step (performance.now() around each require/import and call, in a
// fresh process per measurement): TensorFlow.js as predict loads it
// (tfjs-core + tfjs-layers + the wasm backend) against the whole
// @tensorflow/tfjs, the wasm backend's start, nnc's kernels and SIMD module,
// the read-only store, the stale-model check (remembered, and a cold compile),
// loading the model and one prediction.
// Wall times depend on the machine's load: the CPU time of each child
// (user + system, from /proc/self/stat's cutime/cstime) is beside them.
//   node scripts/bench.mjs --only startup          BENCH_ROUNDS=5 ...
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

// the child (startup-child.ts) is built with its nnc modules in chunks of their own, loaded when it imports them, as dist/ does
const CHILD_DIR = resolve('bench/.tmp/startup-child');
// BENCH_CLI: another build's cli.js (dist/ is rebuilt by every test run)
const CLI = resolve(process.env.BENCH_CLI ?? 'dist/cli.js');
const ROOT = resolve('bench/.tmp/startup');

const EXAMPLES: Array<[string, string]> = [
  ['housing', '72, 3, 12, 2.5, 5, 0'],
  ['wine', '13.2,1.78,2.14,11.2,100,2.65,2.76,0.26,1.28,4.38,1.05,3.4,1050'],
  ['spam', 'win a free prize now'],
  ['sentiment', 'a great movie, truly moving'],
  ['qa', 'what is the capital of france?'],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU ms (user + system) of this process's waited-for children so far. */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // after "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

interface Timed {
  wall: number;
  cpu: number;
  load: number;
  out: string;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Timed {
  const load = loadavg()[0];
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { wall, cpu: childCpuMs() - c0, load, out: r.stdout };
}

function prepareProjects(): void {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  for (const [name] of EXAMPLES) {
    const dir = join(ROOT, name);
    cpSync(join('projects', name), dir, { recursive: true, filter: (src) => !src.includes('.nnc') });
    // one epoch is enough to have a model; set in the file, so the stored plan matches the project (no stale warning)
    const yaml = readFileSync(join(dir, 'nnc.yaml'), 'utf8').replace(/^(\s+epochs:)\s*\d+/m, '$1 1');
    writeFileSync(join(dir, 'nnc.yaml'), yaml);
    timed(process.execPath, [CLI, 'train', dir]);
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: node scripts/build.mjs');
  prepareProjects();
  await build({ entryPoints: ['bench/startup-child.ts'], outdir: CHILD_DIR, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
  const rows = new Map<string, Timed[]>();
  const add = (name: string, m: Timed) => rows.set(name, [...(rows.get(name) ?? []), m]);
  const steps = { inference: [] as Array<Record<string, [number, number]>>, full: [] as Array<Record<string, [number, number]>> };
  const tiny = join(ROOT, 'init');
  for (let round = 0; round < rounds; round++) {
    add('node -e 0', timed(process.execPath, ['-e', '0']));
    add('nnc --version', timed(process.execPath, [CLI, '--version']));
    for (const [name, input] of EXAMPLES) add(`nnc predict ${name} "…"`, timed(process.execPath, [CLI, 'predict', join(ROOT, name), input]));
    add('nnc check sentiment', timed(process.execPath, [CLI, 'check', join(ROOT, 'sentiment')]));
    rmSync(tiny, { recursive: true, force: true });
    timed(process.execPath, [CLI, 'init', tiny]);
    add('nnc train (nnc init project)', timed(process.execPath, [CLI, 'train', tiny]));
    // the same with the whole @tensorflow/tfjs (converter, data, webgl, cpu backend) instead of tfjs-core + tfjs-layers + the gradients
    add('nnc train (nnc init project), NNC_FULL_TFJS=1', timed(process.execPath, [CLI, 'train', tiny], { NNC_FULL_TFJS: '1' }));
    for (const kind of ['inference', 'full'] as const) {
      const r = timed(process.execPath, [join(CHILD_DIR, 'startup-child.js'), kind, join(ROOT, 'sentiment'), EXAMPLES[3][1]]);
      steps[kind].push(JSON.parse(r.out.trim().split('\n').pop()!));
    }
    console.error(`round ${round + 1} done (load ${loadavg()[0].toFixed(1)})`);
  }
  const ms = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(`${rounds} interleaved rounds; median (min-max); load average at each process's start ${[...rows.values()].flat().map((m) => m.load).reduce((a, b) => Math.min(a, b), Infinity).toFixed(1)}-${[...rows.values()].flat().map((m) => m.load).reduce((a, b) => Math.max(a, b), 0).toFixed(1)}\n`);
  console.log('| command | wall ms | CPU ms (user + system) | load |\n|---|---|---|---|');
  for (const [name, list] of rows) {
    const wall = list.map((m) => m.wall);
    const cpu = list.map((m) => m.cpu);
    console.log(`| ${name} | ${ms(median(wall))} (${ms(Math.min(...wall))}-${ms(Math.max(...wall))}) | ${ms(median(cpu))} (${ms(Math.min(...cpu))}-${ms(Math.max(...cpu))}) | ${list.map((m) => m.load.toFixed(1)).join(' / ')} |`);
  }
  const names = Object.keys(steps.inference[0]);
  const fullNames = Object.keys(steps.full[0]);
  console.log('\nOne predict process (sentiment), step by step: wall ms / CPU ms, medians of the rounds:\n');
  console.log('| step | as nnc predict loads TensorFlow.js | with the whole @tensorflow/tfjs |\n|---|---|---|');
  const all = [...new Set([...names.slice(0, 1), ...fullNames.slice(1, 2), ...names.slice(1)])];
  const cell = (list: Array<Record<string, [number, number]>>, name: string) => {
    const found = list.map((s) => s[name]).filter((v) => v !== undefined);
    return found.length ? `${ms(median(found.map((v) => v[0])))} / ${ms(median(found.map((v) => v[1])))}` : '-';
  };
  for (const name of all) console.log(`| ${name} | ${cell(steps.inference, name)} | ${cell(steps.full, name)} |`);
  rmSync(ROOT, { recursive: true, force: true });
}

await main();
