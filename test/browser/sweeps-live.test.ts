// The Sweeps tab follows a sweep by push, not by polling: real Chromium on a
// real `nnc view` (its store follower) and on a real `nnc watch` (its sweep
// follower), while a real `nnc sweep` trains in another process. Each
// trial that finishes shows up in the table without a reload, the page
// receives `sweep_updated` WebSocket frames, and it reads /api/sweeps only
// when it opens (no refetch loop: the old tab asked every two seconds).
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ServerMessage } from '../../src/shared/protocol.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';
import { startViewer } from '../helpers/cli-process.js';
import { copyFixture, scratchDir } from '../helpers/scratch-project.js';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const start = (args: string[]) => startViewer(args, 60_000);

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGINT');
  });
}

const SWEEP = `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 8, 12]
  training.epochs: [3]
metric: verdict.val_loss
`;

describe.skipIf(!hasChromium)('Sweeps tab, live by push', () => {
  let work: string;
  let browser: Browser;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    work = scratchDir('sweeps-live-');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map(stop));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function project(name: string): string {
    const dir = join(work, name);
    copyFixture('tiny', dir);
    writeFileSync(join(dir, 'sweep.yaml'), SWEEP);
    return dir;
  }

  /** Opens the Sweeps tab, runs a sweep of three trials one at a time, and records what the page saw and asked for. */
  async function watchSweep(url: string, dir: string) {
    const page: Page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/sweeps')) requests.push(path);
    });
    const pushed: Array<Extract<ServerMessage, { type: 'sweep_updated' }>> = [];
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const frame = JSON.parse(String(payload)) as ServerMessage | { type: 'batch'; messages: ServerMessage[] };
        for (const m of frame.type === 'batch' ? frame.messages : [frame]) if (m.type === 'sweep_updated') pushed.push(m);
      }),
    );
    await page.goto(`${url}/#sweeps`);
    await page.waitForSelector('section.tab.sweeps');
    await page.waitForFunction("document.querySelector('section.tab.sweeps')?.textContent?.includes('No sweep is stored yet')");
    // settled: under nnc watch the page may read the list twice while the watcher registers its project
    // (the page asks for the projects again and switches to it); wait until 1.5 s pass without a request
    for (let seen = -1; seen !== requests.length; ) {
      seen = requests.length;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const opened = requests.length;
    const openedAt = Date.now();

    const sweep = spawn(process.execPath, ['dist/cli.js', 'sweep', dir, '--parallel', '1', '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    sweep.stdout.on('data', (b) => (output += b));
    sweep.stderr.on('data', (b) => (output += b));
    const exited = new Promise<number | null>((r) => sweep.once('exit', (c) => r(c)));
    // what the table shows, as it changes: completed trials by number
    const seen: string[] = [];
    let done = false;
    void exited.then(() => (done = true));
    const started = Date.now();
    for (let settled = 0; settled < 20 && Date.now() - started < 90_000; ) {
      const shown = await page.$$eval('table.sweep-trials tbody tr', (rows) => rows.map((r) => `${r.getAttribute('data-trial')}:${r.querySelectorAll('td')[2]?.textContent?.trim()}`).sort().join(' '));
      if (shown && shown !== seen[seen.length - 1]) seen.push(shown);
      // after the sweep ended, give the last push a moment, then stop looking
      if (done) settled++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await exited, output).toBe(0);
    await page.waitForSelector('[data-sweep-status=completed]', { timeout: 10_000 });
    const final = await page.$$eval('table.sweep-trials tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    const apiDetail = (await (await fetch(`${url}/api/sweeps/${pushed[pushed.length - 1]?.sweep.id}`)).json()) as { trials: Array<{ rank: number; trial: number; runId: string }> };
    // watch the page for at least 4.5 s after it settled, however fast the sweep was: a 2 s refetch loop would show
    await new Promise((r) => setTimeout(r, Math.max(0, 4500 - (Date.now() - openedAt))));
    const watched = (Date.now() - openedAt) / 1000;
    await page.close();
    return { seen, requests: [...requests], opened, pushed, final, apiDetail, errors, seconds: watched };
  }

  function expectLive(r: Awaited<ReturnType<typeof watchSweep>>) {
    expect(r.errors).toEqual([]);
    // the table went through the trials finishing, without a reload: never fewer completed than before,
    // some but not all at some point, all three at the end (two trials that end within one follower
    // poll of each other on a loaded machine arrive in one push, so not necessarily 1, 2, 3)
    const completedCounts = r.seen.map((s) => s.split(' ').filter((c) => c.endsWith(':completed')).length);
    expect(completedCounts.every((n, i) => i === 0 || n >= completedCounts[i - 1]), completedCounts.join(',')).toBe(true);
    expect(completedCounts.some((n) => n > 0 && n < 3), completedCounts.join(',')).toBe(true);
    expect(completedCounts[completedCounts.length - 1]).toBe(3);
    expect(r.seen.some((s) => s.includes(':completed') && (s.includes(':running') || s.includes(':pending')))).toBe(true);
    // by push: frames with the trials, the last one the finished sweep as the API ranks it
    // (how many frames depends on how the trials' changes fall into the follower's polls: at least one
    // with a trial done and the sweep not, and the last one)
    expect(r.pushed.length).toBeGreaterThanOrEqual(2);
    expect(r.pushed.some((m) => m.sweep.status === 'running' && m.trials.some((t) => t.status === 'completed'))).toBe(true);
    const last = r.pushed[r.pushed.length - 1];
    expect(last.sweep.status).toBe('completed');
    expect(last.trials.map((t) => [t.rank, t.trial, t.runId])).toEqual(r.apiDetail.trials.map((t) => [t.rank, t.trial, t.runId]));
    expect(r.final.map((row) => [Number(row[0]), Number(row[1]), row[7]])).toEqual(r.apiDetail.trials.map((t) => [t.rank, t.trial, t.runId]));
    // no polling: the list was read when the tab opened, and nothing since (a 2 s loop would have asked every 2 s)
    expect(r.seconds).toBeGreaterThanOrEqual(4.5);
    expect(r.opened).toBeGreaterThanOrEqual(1);
    expect(r.opened).toBeLessThanOrEqual(2);
    expect(r.requests).toEqual(Array.from({ length: r.opened }, () => '/api/sweeps'));
  }

  it('under nnc view: trials finishing in another process fill the table by push', async () => {
    const dir = project('viewed');
    const view = await start(['view', dir]);
    servers.push(view.child);
    expectLive(await watchSweep(view.url, dir));
  });

  it('under nnc watch: the same, beside the training nnc watch does itself', async () => {
    const dir = project('watched');
    const watch = await start(['watch', dir, '--backend', 'wasm']);
    servers.push(watch.child);
    expectLive(await watchSweep(watch.url, dir));
  });
});
