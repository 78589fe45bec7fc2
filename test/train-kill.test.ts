// `nnc train` killed with SIGKILL mid-run: the store stays consistent, the
// run is marked interrupted on the next start, and its last checkpoint loads.
import * as tf from '@tensorflow/tfjs';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { registerNncLayers } from '../src/runtime/emit/index.js';
import { checkpointHandler } from '../src/runtime/store/checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-kill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('survives kill -9 during training', async () => {
  const dir = join(tmp, 'tiny');
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  const child = spawn(process.execPath, [resolve('dist/cli.js'), 'train', dir, '--epochs', '100000', '--backend', 'cpu'], { stdio: 'ignore' });
  const runs = join(dir, '.nnc', 'runs');
  const checkpoint = () => existsSync(runs) && readdirSync(runs).some((id) => existsSync(join(runs, id, 'model.json')));
  await waitFor(checkpoint, 60_000);
  await new Promise((r) => setTimeout(r, 300)); // let it write a few more epochs and checkpoints
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const db = new Database(join(dir, '.nnc', 'nnc.db'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const before = db.prepare('SELECT status, (SELECT COUNT(*) FROM metrics) AS metrics FROM runs').get() as { status: string; metrics: number };
  db.close();
  expect(before.status).toBe('running'); // nobody has looked yet
  expect(before.metrics).toBeGreaterThan(0);

  const listed = spawnSync(process.execPath, [resolve('dist/cli.js'), 'runs', dir, '--format', 'json'], { encoding: 'utf8' });
  expect(listed.status).toBe(0);
  const [run] = JSON.parse(listed.stdout);
  expect(run.status).toBe('interrupted');

  tf.setBackend('cpu');
  registerNncLayers(tf);
  const model = await tf.loadLayersModel(checkpointHandler(join(runs, run.id)));
  const out = model.predict(tf.zeros([1, 8], 'int32')) as tf.Tensor;
  expect(out.shape).toEqual([1, 2]);
  const probabilities = await out.data();
  expect(probabilities[0] + probabilities[1]).toBeCloseTo(1, 5);
}, 90_000);
