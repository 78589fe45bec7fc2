// The built CLI end to end: check, build, init, --help, exit codes, and that
// `nnc check` loads neither TensorFlow.js nor SQLite, chokidar or ws.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'nnc-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nnc(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? process.cwd(), encoding: 'utf8', env: { ...process.env, ...options.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function initProject(name: string): string {
  const dir = join(tmp, name);
  expect(nnc(['init', dir]).code).toBe(0);
  return dir;
}

describe('nnc check', () => {
  it('passes on a fresh `nnc init` project, with resolvable schema modelines', () => {
    const dir = initProject('fresh');
    const r = nnc(['check', dir]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    for (const rel of ['nnc.yaml', 'layers.yaml', 'heads.yaml', 'tokens.yaml', 'datasets/reviews.yaml']) {
      const first = readFileSync(join(dir, rel), 'utf8').split('\n')[0];
      const schema = first.match(/\$schema=(\S+)/)?.[1];
      expect(schema, rel).toBeDefined();
      expect(existsSync(resolve(dirname(join(dir, rel)), schema!)), `${rel} -> ${schema}`).toBe(true);
    }
  });

  it('prints diagnostics in the FORMAT.md line format, relative to cwd, and exits 1', () => {
    const dir = initProject('broken');
    const layers = readFileSync(join(dir, 'layers.yaml'), 'utf8').replace('in: 16', 'in: 32');
    writeFileSync(join(dir, 'layers.yaml'), layers);
    const r = nnc(['check', 'broken'], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe("broken/layers.yaml:7:66 - error NNC3002: Layer 'hidden' declares in: 32, but 'pool' outputs 16. Write 'in: 16', or give 'embed', where this width comes from, 32 units.");
    const json = JSON.parse(nnc(['check', 'broken', '--format', 'json'], { cwd: tmp }).stdout);
    expect(json).toEqual([expect.objectContaining({ file: 'broken/layers.yaml', line: 7, column: 66, code: 3002, severity: 'error' })]);
  });

  it('exits 2 on a bad command line', () => {
    expect(nnc(['check', '--bogus']).code).toBe(2);
    expect(nnc(['check', '--format', 'xml']).code).toBe(2);
    expect(nnc(['check', join(tmp, 'does-not-exist')]).code).toBe(2);
    expect(nnc(['frobnicate']).code).toBe(2);
  });

  it('never loads TensorFlow.js, SQLite, chokidar or ws', () => {
    const dir = initProject('trace');
    const trace = join(tmp, 'trace.txt');
    const r = spawnSync(process.execPath, ['--import', resolve('test/fixtures/trace-loads.mjs'), CLI, 'check', dir], { encoding: 'utf8', env: { ...process.env, NNC_TRACE_LOADS: trace } });
    expect(r.status).toBe(0);
    const loaded = readFileSync(trace, 'utf8');
    expect(loaded).toContain('/dist/'); // the tracer saw our own modules
    for (const heavy of ['@tensorflow', 'better-sqlite3', 'chokidar', '/ws/', 'ajv/']) expect(loaded).not.toContain(heavy);
  });
});

describe('every command', () => {
  for (const command of ['init', 'check', 'build', 'train', 'watch', 'view', 'diff', 'predict', 'export', 'runs', 'logs', 'backup']) {
    it(`${command} --help`, () => {
      const r = nnc([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: nnc ${command}`));
    });
  }
});

describe('nnc build', () => {
  it('prints a summary whose totals match the plan and writes plan.json and the untrained model', () => {
    const dir = initProject('built');
    const out = join(tmp, 'built-out');
    const r = nnc(['build', dir, '--out', out, '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(r.stdout).toContain(`Total params: ${plan.totals.params.toLocaleString('en-US')}`);
    for (const layer of plan.layers) expect(r.stdout).toMatch(new RegExp(`${layer.name}\\s+${layer.type}\\s+\\[${layer.outputShape.join(', ')}\\]\\s+${layer.params}`));
    expect(readdirSync(out).sort()).toEqual(['model.json', 'plan.json', 'weights.bin']);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const bytes = model.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(bytes).toBe(plan.totals.weightBytes);
  });
});
