// Monitoring live, in real Chromium: under `nnc watch` the resource plots
// (CPU, memory, tensors, throughput) and the Samples panel fill while training
// runs; `nnc view` beside a separate `nnc train` process shows the loss growing
// without a reload (the store follower pushes the writer's new rows).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer } from './build-viewer.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';
import { existsSync } from 'node:fs';

const SHOTS = resolve('test/.tmp/screenshots');
const FIXTURE = resolve('test/fixtures/tiny');
const EPOCHS = '3000';

if (!hasChromium) console.warn(SKIP_MESSAGE);

interface Cli {
  readonly url: string | null;
  output(): string;
  stop(): Promise<void>;
}

/** `node dist/cli.js <args>`; with `waitForUrl`, resolves once it prints the viewer's address. */
async function cli(args: string[], env: Record<string, string>, waitForUrl: boolean): Promise<Cli> {
  const child: ChildProcess = spawn(process.execPath, ['dist/cli.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = !waitForUrl
    ? null
    : await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`nnc ${args[0]} did not print its address within 30 s:\n${out}`)), 30_000);
        child.stdout!.on('data', () => {
          const m = out.match(/viewer at (http:\/\/[^\s;]+)/);
          if (m) {
            clearTimeout(timer);
            done(m[1].replace(/\/$/, ''));
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`nnc ${args[0]} exited with ${code}:\n${out}`));
        });
      });
  return {
    url,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

describe.skipIf(!hasChromium)('monitoring live in Chromium', () => {
  let work: string;
  let env: Record<string, string> = {};
  let browser: Browser;
  const running: Cli[] = [];
  const pageErrors: string[] = [];

  const copy = (name: string) => {
    const dir = join(work, name);
    cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !src.includes(`${'/'}.nnc`) });
    return dir;
  };
  const newPage = async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
    return page;
  };
  /** points per line of the chart with this title (the canvas says how many it drew) */
  const chartPoints = (page: Page, title: string) =>
    page.$$eval('figure.chart', (figs, t) => {
      const fig = figs.find((f) => f.querySelector('figcaption')?.textContent?.startsWith(t as string));
      return (fig?.querySelector('canvas')?.getAttribute('data-points') ?? '').split(' ').filter(Boolean).map(Number);
    }, title);
  const grows = async (read: () => Promise<number>, what: string) => {
    const first = await read();
    await expect.poll(read, { timeout: 30_000, interval: 300, message: `${what} keeps growing` }).toBeGreaterThan(first);
    const second = await read();
    await expect.poll(read, { timeout: 30_000, interval: 300, message: `${what} keeps growing` }).toBeGreaterThan(second);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'monitoring-live-'));
    if (!existsSync('dist/viewer/index.html')) {
      const viewerDir = join(work, 'viewer');
      await buildViewer(viewerDir);
      env = { NNC_VIEWER_DIR: viewerDir };
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (pageErrors.length) console.error(`errors in the page:\n${pageErrors.join('\n')}`);
    await browser?.close();
    for (const p of running) await p.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('nnc watch: resource plots and logged samples appear while training runs', async () => {
    const watch = await cli(['watch', copy('watched'), '--port', '0', '--epochs', EPOCHS], env, true);
    running.push(watch);
    const page = await newPage();
    await page.goto(`${watch.url}/#monitoring`);
    await page.waitForSelector('.conn[data-state=open]');
    await page.waitForSelector('section.tab.monitoring');
    for (const title of ['CPU', 'Memory (MiB)', 'Tensors in memory', 'Throughput']) {
      await expect.poll(async () => (await chartPoints(page, title))[0] ?? 0, { timeout: 30_000, message: `'${title}' gets points` }).toBeGreaterThan(2);
    }
    // three memory lines: RSS, heap, tensors
    expect(await chartPoints(page, 'Memory (MiB)')).toHaveLength(3);
    await grows(async () => (await chartPoints(page, 'CPU'))[0] ?? 0, 'the CPU plot');
    expect(await page.textContent('.fact-rss')).toMatch(/^\d+(\.\d+)? MiB/);
    expect(await page.textContent('.fact-tensors')).toMatch(/^\d+ · /);
    expect(await page.textContent('.fact-throughput')).toMatch(/samples\/s$/);
    await page.screenshot({ path: join(SHOTS, 'monitoring-resources.png'), fullPage: true });

    await page.click('nav.tabs a[href="#logs"]');
    await page.waitForSelector('section.tab.logs .samples-panel');
    const rows = () => page.$$eval('.samples-panel tr[data-step]', (trs) => trs.length);
    await grows(rows, 'the followed sample');
    const steps = await page.$$eval('.samples-panel tr[data-step]', (trs) => trs.map((t) => Number(t.getAttribute('data-step'))));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(await page.textContent('.samples-panel .sample-expected')).toMatch(/^(good|bad)$/);
    await page.screenshot({ path: join(SHOTS, 'logs-samples.png'), fullPage: true });
    const outputs = await page.$$eval('.samples-panel .sample-output', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(outputs.filter((o) => !/^(good|bad) \(p [01]\.\d{3}\)$/.test(o))).toEqual([]);
    expect(await page.$$eval('.samples-panel .sample-output', (tds) => tds.every((td) => /^(good|bad) \(p [01]\.\d{3}\)$/.test(td.textContent ?? '')))).toBe(true);
    // another sample can be followed
    const options = await page.$$eval('.samples-panel select option', (os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(options.length).toBeGreaterThanOrEqual(2);
    await page.selectOption('.samples-panel select', options[1]);
    await expect.poll(() => page.$eval('.samples-panel select', (s) => (s as unknown as { value: string }).value)).toBe(options[1]);
    await page.screenshot({ path: join(SHOTS, 'logs-samples.png'), fullPage: true });
    await page.close();
    await watch.stop();
  });

  it('nnc view beside a separate nnc train: the loss grows without a reload', async () => {
    const dir = copy('trained');
    const view = await cli(['view', dir, '--port', '0'], env, true);
    running.push(view);
    const page = await newPage();
    await page.goto(`${view.url}/#monitoring`);
    await page.waitForSelector('.conn[data-state=open]');
    await page.evaluate(() => ((globalThis as unknown as { __sameLoad: boolean }).__sameLoad = true));
    const train = await cli(['train', dir, '--epochs', EPOCHS], env, false);
    running.push(train);
    // the run appears, then its loss grows, pushed over the WebSocket
    await page.waitForFunction(() => /running/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('.run-state')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await grows(async () => (await chartPoints(page, 'Loss per head'))[0] ?? 0, 'the loss plot');
    await grows(async () => (await chartPoints(page, 'Memory (MiB)'))[0] ?? 0, 'the memory plot');
    expect(await page.evaluate(() => (globalThis as unknown as { __sameLoad?: boolean }).__sameLoad)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'view-beside-train.png'), fullPage: true });
    await train.stop();
    // the run's end reaches the page too
    await page.waitForFunction(() => /stopped|completed/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('.run-state')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.close();
    await view.stop();
  });
});
