// nnc train's start-up (issue 17): TensorFlow.js is tfjs-core, tfjs-layers,
// the wasm backend and the gradients of tfjs-core's ops
// (dist/tfjs-gradients.cjs, built from tfjs-core's own register_all_gradients),
// never the rest of @tensorflow/tfjs (tfjs-converter, tfjs-data, the webgl
// and cpu backends: half of its load time). The run is the same, to the last
// bit of every metric, as with the whole @tensorflow/tfjs (NNC_FULL_TFJS=1);
// a build without the gradients file, or with one built from another
// tfjs-core, falls back to the whole package and still trains the same.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const tracer = resolve('test/fixtures/trace-loads-cjs.mjs');
const cpuReport = resolve('test/fixtures/report-cpu-at-exit.mjs');
type Outcome = { code: number; stdout: string; stderr: string };

const root = mkdtempSync(join(tmpdir(), 'nnc-train-startup-'));
// a copy of dist/ inside the repository (its chunks find node_modules from there), for the fallback cases
const copies = resolve('test/.tmp', `train-startup-${process.pid}`);
let count = 0;

function run(cli: string, args: string[], env: NodeJS.ProcessEnv = {}, preload: string[] = []): Promise<Outcome> {
  return exec(process.execPath, [...preload, cli, ...args], { env: { ...process.env, NO_COLOR: '1', NNC_FULL_TFJS: '', ...env }, maxBuffer: 1 << 24 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Outcome) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** A traced `nnc train --epochs 2 --format json` of a fresh copy of the tiny fixture: its best metrics and every file it loaded. */
async function tracedTrain(cli = resolve('dist/cli.js'), env: NodeJS.ProcessEnv = {}): Promise<{ best: Record<string, number>; files: string[] }> {
  const n = count++;
  const dir = join(root, `tiny-${n}`);
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  const trace = join(root, `trace-${n}.txt`);
  const r = await run(cli, ['train', dir, '--epochs', '2', '--format', 'json'], { NNC_TRACE_LOADS: trace, ...env }, ['--import', tracer]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { run: { status: string; best: Record<string, number> } };
  expect(out.run.status).toBe('completed');
  const files = readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((f) => f.replace(/^file:\/\//, ''));
  return { best: out.run.best, files };
}

const loaded = (files: string[], part: string) => files.some((f) => f.includes(part));
const WHOLE_TFJS = '/@tensorflow/tfjs/dist/';
const UNUSED = ['/@tensorflow/tfjs-converter/', '/@tensorflow/tfjs-data/', '/@tensorflow/tfjs-backend-webgl/', '/@tensorflow/tfjs-backend-cpu/'];

let reference: Record<string, number>;

beforeAll(async () => {
  mkdirSync(copies, { recursive: true });
  const full = await tracedTrain(undefined, { NNC_FULL_TFJS: '1' });
  expect(loaded(full.files, WHOLE_TFJS)).toBe(true);
  reference = full.best;
  expect(Object.keys(reference)).toContain('val_loss');
}, 120_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(copies, { recursive: true, force: true });
});

describe('nnc train start-up', () => {
  it('loads tfjs-core, tfjs-layers, the wasm backend and the gradients only, and trains exactly as with the whole @tensorflow/tfjs', async () => {
    const lean = await tracedTrain();
    for (const needed of ['/@tensorflow/tfjs-core/', '/@tensorflow/tfjs-layers/', '/@tensorflow/tfjs-backend-wasm/', resolve('dist/tfjs-gradients.cjs')]) {
      expect(loaded(lean.files, needed), needed).toBe(true);
    }
    expect(lean.files.filter((f) => f.includes(WHOLE_TFJS))).toEqual([]);
    for (const unused of UNUSED) expect(lean.files.filter((f) => f.includes(unused)), unused).toEqual([]);
    // a project's own store opens without the PostgreSQL store's modules (bundled into a dist/ chunk)
    const distFiles = lean.files.filter((f) => f.startsWith(resolve('dist')) && f.endsWith('.js'));
    expect(distFiles.filter((f) => /\/pg-store-[^/]*\.js$/.test(f) || readFileSync(f, 'utf8').includes('pg-worker.js'))).toEqual([]);
    // every gradient is tfjs' own: the same losses and metrics, bit for bit
    expect(lean.best).toEqual(reference);
  });

  it('falls back to the whole @tensorflow/tfjs without the gradients file, or with one built from another tfjs-core', async () => {
    const dist = join(copies, 'dist');
    cpSync('dist', dist, { recursive: true, filter: (src) => !src.includes('viewer') });
    rmSync(join(dist, 'tfjs-gradients.cjs'));
    const missing = await tracedTrain(join(dist, 'cli.js'));
    expect(loaded(missing.files, WHOLE_TFJS)).toBe(true);
    expect(missing.best).toEqual(reference);

    writeFileSync(join(dist, 'tfjs-gradients.cjs'), "exports.tfjsCoreVersion = '0.0.0';\n");
    const other = await tracedTrain(join(dist, 'cli.js'));
    expect(loaded(other.files, join(dist, 'tfjs-gradients.cjs'))).toBe(true);
    expect(loaded(other.files, WHOLE_TFJS)).toBe(true);
    expect(other.best).toEqual(reference);
  });

  it('uses a small multiple of bare node start-up in CPU time', async () => {
    // min of 3 interleaved runs each: the least disturbed by other work on the machine
    const report = join(root, 'cpu.jsonl');
    const cpuOf = async (args: string[]) => {
      rmSync(report, { force: true });
      const r = await run(args[0], args.slice(1), { NNC_REPORT_CPU: report }, ['--import', cpuReport]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(readFileSync(report, 'utf8').trim()) as { cpuMs: number }).cpuMs;
    };
    const dir = join(root, 'timed');
    cpSync('test/fixtures/tiny', dir, { recursive: true });
    const bare: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < 3; i++) {
      bare.push(await cpuOf(['-e', '0']));
      train.push(await cpuOf([resolve('dist/cli.js'), 'train', dir, '--epochs', '1']));
    }
    const ratio = Math.min(...train) / Math.min(...bare);
    // one epoch of the tiny fixture: ~6-9x bare node's CPU on this 2-core machine (BENCHMARKS.md); the whole
    // @tensorflow/tfjs, a compile per step or a git or store process per epoch would show well above 12x
    expect(ratio, `train ${train.join('/')} ms, node -e 0 ${bare.join('/')} ms`).toBeLessThan(12);
  });
});
