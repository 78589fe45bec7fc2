// nnc serve <project> --follow: a real server over a real store. A better run
// stored by nnc train is picked up and swapped in while requests keep coming
// (none fails, each answered by one model or the other); a worse run is not;
// an export cannot be followed. betterRun's rules on stored records.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/runtime/store/types.js';
import { betterRun } from '../src/runtime/serve/follow.js';
import { CLI, nnc } from './helpers/portable-export.js';

let root: string;
let dir: string;
let server: ChildProcess | null = null;
let output = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nnc-follow-'));
  dir = join(root, 'tiny');
  cpSync('test/fixtures/tiny', dir, { recursive: true, filter: (p) => !p.includes('.nnc') });
});
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const until = async <T>(what: string, check: () => Promise<T | null>, ms = 60_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; server output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

type Run = { id: string; best: Record<string, number>; info: { checkpoint: { value: number } } };
const runs = async () => JSON.parse((await nnc('runs', dir, '--format', 'json')).stdout) as Run[];

describe('nnc serve --follow', () => {
  it('swaps in a better run stored by nnc train, without failing a request; ignores a worse one', async () => {
    await nnc('train', dir, '--epochs', '1');
    const [first] = await runs();
    server = spawn(process.execPath, [CLI, 'serve', dir, '--port', '0', '--follow', '--follow-every', '0.2', '--backend', 'cpu'], { env: { ...process.env, NO_COLOR: '1' } });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const url = await until('the server', async () => /at (http:\/\/\S+) /.exec(output)?.[1] ?? null);
    expect(output).toContain('following better runs every 0.2 s');
    const health = async () => (await (await fetch(`${url}/health`)).json()) as { run: string };
    expect((await health()).run).toBe(first.id);

    const predict = async (text: string) => {
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [text] }) });
      return { status: res.status, body: (await res.json()) as { predictions: { class: string; probabilities: Record<string, number> }[] } };
    };
    // requests all along: while the better run trains, is loaded and swapped in
    let answered = 0;
    const failures: unknown[] = [];
    let load = true;
    const background = (async () => {
      while (load) {
        const results = await Promise.all(Array.from({ length: 8 }, () => predict('the soup was tasty').catch((e: Error) => ({ status: 0, body: e.message }))));
        for (const r of results) (r.status === 200 ? answered++ : failures.push(r));
      }
    })();

    await nnc('train', dir, '--epochs', '8');
    const second = (await runs()).find((r) => r.id !== first.id)!;
    expect(second.info.checkpoint.value).toBeLessThan(first.info.checkpoint.value);
    await until('the swap', async () => ((await health()).run === second.id ? true : null));
    await new Promise((r) => setTimeout(r, 300));
    load = false;
    await background;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(8);
    expect(output).toMatch(new RegExp(`now serving run ${second.id} \\(val_loss \\S+, better than \\S+ of run ${first.id}\\)`));

    // what it serves now is the better run's model: nnc predict --run <it>
    const printed = JSON.parse((await nnc('predict', dir, 'the soup was tasty', '--run', second.id, '--format', 'json')).stdout) as { class: string; probabilities: Record<string, number> };
    const served = (await predict('the soup was tasty')).body.predictions[0];
    expect(served.class).toBe(printed.class);
    for (const [name, p] of Object.entries(printed.probabilities)) expect(served.probabilities[name]).toBeCloseTo(p, 5);
    expect(((await (await fetch(`${url}/model`)).json()) as { run: { id: string } }).run.id).toBe(second.id);

    // a worse run (one epoch again) is stored but not served
    await nnc('train', dir, '--epochs', '1');
    expect((await runs()).length).toBe(3);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await health()).run).toBe(second.id);

    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = null;
  }, 240_000);

  it('an export is one fixed model: --follow with an export folder is refused (exit 2); --follow-every needs --follow', async () => {
    const out = join(root, 'export');
    await nnc('export', dir, '--out', out);
    const refused = await nnc('serve', out, '--follow', '--port', '0').then(() => null, (e: { code: number; stderr: string }) => e);
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(/is an export, one fixed model: --follow follows the runs of a project folder\./);
    const alone = await nnc('serve', dir, '--follow-every', '1', '--port', '0').then(() => null, (e: { code: number; stderr: string }) => e);
    expect(alone?.code).toBe(2);
    expect(alone?.stderr).toMatch(/give --follow too/);
  }, 120_000);

  it('betterRun: a newer completed run that beats the served one by the same metric and mode; the best of several', () => {
    const run = (id: string, endedAt: number, value: number, extra: Partial<RunRecord> = {}, monitor = 'val_loss', mode = 'min'): RunRecord =>
      ({ id, project: 'p', planHash: 'h', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', status: 'completed', parentId: null, startedAt: endedAt - 10, endedAt, best: { [monitor]: value }, info: { checkpoint: { monitor, mode, value } }, ...extra }) as RunRecord;
    const served = run('a', 100, 0.5);
    expect(betterRun([served, run('b', 200, 0.4)], served)?.id).toBe('b');
    expect(betterRun([served, run('b', 200, 0.6)], served)).toBeNull(); // worse
    expect(betterRun([served, run('b', 50, 0.1)], served)).toBeNull(); // older
    expect(betterRun([served, run('b', 200, 0.1, { status: 'stopped' })], served)).toBeNull(); // not completed
    expect(betterRun([served, run('b', 200, 0.1, {}, 'sentiment.val_loss')], served)).toBeNull(); // another metric
    expect(betterRun([served, run('b', 200, 0.4), run('c', 300, 0.3), run('d', 400, 0.45)], served)?.id).toBe('c');
    const accuracy = run('a', 100, 0.8, {}, 'val_accuracy', 'max');
    expect(betterRun([accuracy, run('b', 200, 0.9, {}, 'val_accuracy', 'max')], accuracy)?.id).toBe('b');
    expect(betterRun([accuracy, run('b', 200, 0.7, {}, 'val_accuracy', 'max')], accuracy)).toBeNull();
  });
});
