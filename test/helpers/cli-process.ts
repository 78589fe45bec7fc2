// The built CLI started as a child process, its stdout and stderr collected
// in `out` as they come, and a wait for what a test expects to appear.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { expect } from 'vitest';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli.js');

export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived */
  out: string;
  readonly exited: Promise<number | null>;
}

/** `node dist/cli.js ...args` in `cwd`, with `env` over this process's environment (an undefined value leaves that variable out). */
export function startCli(args: readonly string[], cwd: string, env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: CliProcess = { child, out: '', exited: new Promise((r) => child.on('exit', (code) => r(code))) };
  child.stdout!.on('data', (b) => (proc.out += b));
  child.stderr!.on('data', (b) => (proc.out += b));
  return proc;
}

/**
 * `node dist/cli.js ...args` to its end in `cwd`, without NNC_STORE from this environment (a test names its
 * store with --store); fails the test when its output contains `secret` (a store's password).
 */
export function runCli(args: readonly string[], cwd: string, secret: string): SpawnSyncReturns<string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.NNC_STORE;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env });
  expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
}

/** Polls `check` every `everyMs` until it holds; throws `timed out waiting for <what>` after `ms`. */
export async function until(what: string, check: () => boolean, ms: number, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * `nnc <args> --port 0` (view or watch), resolved once it prints where its
 * viewer is; rejected after `ms` with what it printed.
 */
export function startViewer(args: readonly string[], ms: number): Promise<{ child: ChildProcess; url: string }> {
  const proc = startCli([...args, '--port', '0'], process.cwd(), { NO_COLOR: '1' });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`nnc ${args[0]} printed no address:\n${proc.out}`)), ms);
    proc.child.stdout!.on('data', () => {
      const m = proc.out.match(/viewer at (http:\/\/[^\s;]+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child: proc.child, url: m[1]!.replace(/\/$/, '') });
      }
    });
  });
}
