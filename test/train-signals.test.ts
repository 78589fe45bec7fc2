// SIGTERM (docker stop, CI, systemd) and SIGHUP (a closed terminal) stop a
// real `nnc train` like the first Ctrl-C: the current batch ends, both
// checkpoints are written, the run is 'stopped', the process exits 0 in
// bounded time; `nnc train --resume` then continues that run.
import * as tf from '@tensorflow/tfjs';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { registerNncLayers } from '../src/runtime/emit/index.js';
import { checkpointHandler } from '../src/runtime/store/checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-signal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = resolve('dist/cli.js');

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  it(`stops on ${signal} with both checkpoints and status 'stopped', and the run resumes`, async () => {
    const dir = join(tmp, signal);
    cpSync('test/fixtures/tiny', dir, { recursive: true });
    const child = spawn(process.execPath, [cli, 'train', dir, '--epochs', '100000', '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const runs = join(dir, '.nnc', 'runs');
    const lastCheckpoint = () => existsSync(runs) && readdirSync(runs).some((id) => existsSync(join(runs, id, 'last', 'model.json')));
    await waitFor(lastCheckpoint, 60_000);
    const sent = Date.now();
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(code, output).toBe(0);
    if (signal === 'SIGTERM') expect(output).toContain('SIGTERM: stopping after the current batch');
    expect(output).toMatch(/Run r\w+ stopped in/);

    const listed = spawnSync(process.execPath, [cli, 'runs', dir, '--format', 'json'], { encoding: 'utf8' });
    const [run] = JSON.parse(listed.stdout) as { id: string; status: string; bestEpoch: number | null; info: { epochs: number } }[];
    expect(run.status).toBe('stopped');
    expect(run.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(run.bestEpoch).toBeLessThanOrEqual(run.info.epochs);

    tf.setBackend('cpu');
    registerNncLayers(tf);
    for (const folder of [join(runs, run.id), join(runs, run.id, 'last')]) {
      const model = await tf.loadLayersModel(checkpointHandler(folder));
      const out = model.predict(tf.zeros([1, 8], 'int32')) as tf.Tensor;
      const p = await out.data();
      expect(p[0] + p[1]).toBeCloseTo(1, 5);
      model.dispose();
    }

    // continue it for one more epoch: a new run whose parent is the stopped one
    const target = run.info.epochs + 1;
    const resumed = spawnSync(process.execPath, [cli, 'train', dir, '--resume', run.id, '--epochs', String(target), '--backend', 'cpu', '--format', 'json'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const next = (JSON.parse(resumed.stdout) as { run: { status: string; parentId: string; info: Record<string, unknown> } }).run;
    expect(next).toMatchObject({ status: 'completed', parentId: run.id });
    expect(next.info).toMatchObject({ resumedFrom: run.id, epochs: target });
  }, 120_000);
}
