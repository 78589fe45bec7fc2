// A stored model of an older configuration: predict and export name the run
// and its plan hash in a warning (stderr), --strict refuses it (exit 1); so do
// files that no longer compile. --checkpoint picks the best or last epoch.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const cli = join(process.cwd(), 'dist', 'cli.js');
type Outcome = { code: number; stdout: string; stderr: string };
const nnc = (...args: string[]): Promise<Outcome> =>
  exec(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Outcome) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const root = mkdtempSync(join(tmpdir(), 'nnc-stale-'));
const dir = join(root, 'tiny');
let run: { id: string; planHash: string };
beforeAll(async () => {
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  const trained = await nnc('train', dir, '--epochs', '3', '--backend', 'cpu', '--format', 'json');
  expect(trained.code, trained.stderr).toBe(0);
  run = (JSON.parse(trained.stdout) as { run: { id: string; planHash: string } }).run;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a model of another configuration', () => {
  it('predicts without a word while the files still compile to its plan', async () => {
    const fresh = await nnc('predict', dir, 'tasty soup', '--backend', 'cpu');
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toBe('');
    const last = await nnc('predict', dir, 'tasty soup', '--backend', 'cpu', '--checkpoint', 'last', '--format', 'json');
    expect(last.code).toBe(0);
    expect(Object.keys(JSON.parse(last.stdout))).toEqual(['class', 'probabilities']);
    const bad = await nnc('predict', dir, 'tasty soup', '--checkpoint', 'newest');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--checkpoint' is 'best' (the run's best epoch, the default) or 'last' (its last epoch), not 'newest'.");
  }, 60_000);

  it('warns naming the run and its plan when the files changed, and refuses with --strict', async () => {
    const yaml = join(dir, 'nnc.yaml');
    const original = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, original.replace('learningRate: 0.02', 'learningRate: 0.01'));
    try {
      const warned = await nnc('predict', dir, 'tasty soup', '--backend', 'cpu');
      expect(warned.code).toBe(0);
      expect(warned.stdout).toMatch(/^(good|bad) {2}\(/);
      expect(warned.stderr).toContain(`warning: The model of run ${run.id} (plan ${run.planHash.slice(0, 8)}) was trained on an older configuration: the project's files now compile to plan `);
      const strict = await nnc('predict', dir, 'tasty soup', '--backend', 'cpu', '--strict');
      expect(strict.code).toBe(1);
      expect(strict.stdout).toBe('');
      expect(strict.stderr).toContain(`run ${run.id} (plan ${run.planHash.slice(0, 8)})`);
      const exported = await nnc('export', dir, '--out', join(root, 'out'), '--strict');
      expect(exported.code).toBe(1);
      expect(exported.stderr).toContain('was trained on an older configuration');

      writeFileSync(yaml, original.replace('learningRate: 0.02', 'learningRate: [0.02'));
      const broken = await nnc('predict', dir, 'tasty soup', '--backend', 'cpu');
      expect(broken.code).toBe(0);
      expect(broken.stderr).toMatch(new RegExp(`warning: The project's files do not compile \\(\\d+ errors?; 'nnc check' lists them\\), so the model of run ${run.id} \\(plan ${run.planHash.slice(0, 8)}\\) may not match them\\.`));
      expect((await nnc('predict', dir, 'tasty soup', '--strict')).code).toBe(1);
    } finally {
      writeFileSync(yaml, original);
    }
  }, 60_000);
});
