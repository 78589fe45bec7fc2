// The Sweeps view in real Chromium against a real `nnc view`, while a real
// `nnc sweep` trains in another process: the tab fills in as trials end (it
// gets each change pushed as sweep_updated), the table matches the API's ranking and sorts by a
// parameter and by the metric, and the scatter draws one point per trial with
// a value. Also the endpoints' 404/400 answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SweepDetailView, SweepSummaryView } from '../../src/shared/protocol.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';
import { startViewer } from '../helpers/cli-process.js';
import { copyFixture, scratchDir } from '../helpers/scratch-project.js';

const SHOTS = resolve('test/.tmp/screenshots');
if (!hasChromium) console.warn(SKIP_MESSAGE);

const startView = (project: string) => startViewer(['view', project], 30_000);

describe.skipIf(!hasChromium)('Sweeps view in Chromium', () => {
  let work: string;
  let project: string;
  let view: { child: ChildProcess; url: string };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = scratchDir('sweeps-e2e-');
    project = join(work, 'tiny');
    copyFixture('tiny', project);
    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 8, 16]
  training.learningRate: [0.002, 0.02]
  training.epochs: [3]
metric: verdict.val_accuracy
`);
    view = await startView(project);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  });

  afterAll(async () => {
    if (pageErrors.length) console.error(`errors in the page:\n${pageErrors.join('\n')}`);
    await browser?.close();
    view?.child.kill('SIGINT');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const rows = () => page.$$eval('table.sweep-trials tbody tr', (els) => els.map((el) => [...el.querySelectorAll('td')].map((td) => td.textContent!.trim())));

  it('fills in while nnc sweep trains, ranks, sorts and plots the trials', async () => {
    await page.goto(`${view.url}/#sweeps`);
    await page.waitForSelector('section.tab.sweeps');
    expect(await page.textContent('section.tab.sweeps')).toContain('No sweep is stored yet');

    const sweep = spawn(process.execPath, ['dist/cli.js', 'sweep', project, '--parallel', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    sweep.stdout.on('data', (b) => (output += b));
    sweep.stderr.on('data', (b) => (output += b));
    const exited = new Promise<number | null>((r) => sweep.once('exit', (c) => r(c)));
    // the tab picks the sweep up by itself while it runs
    await page.waitForSelector('table.sweep-trials tbody tr', { timeout: 60_000 });
    expect(await page.getAttribute('[data-sweep-status]', 'data-sweep-status')).toBe('running');
    await page.screenshot({ path: join(SHOTS, 'sweeps-running.png'), fullPage: true });
    expect(await exited, output).toBe(0);
    await page.waitForSelector('[data-sweep-status=completed]', { timeout: 10_000 });

    const list = (await (await fetch(`${view.url}/api/sweeps`)).json()) as SweepSummaryView[];
    expect(list).toHaveLength(1);
    const detail = (await (await fetch(`${view.url}/api/sweeps/${list[0].id}`)).json()) as SweepDetailView;
    expect(detail.trials).toHaveLength(6);
    expect(detail.sweep).toMatchObject({ name: 'widths', status: 'completed', metric: 'verdict.val_accuracy', mode: 'max', parameters: ['layers.hidden.units', 'training.learningRate', 'training.epochs'] });
    const allCompleted = async () => {
      const statuses = (await rows()).map((r) => r[2]);
      return statuses.length === 6 && statuses.every((s) => s === 'completed');
    };
    for (let waited = 0; !(await allCompleted()); waited += 100) {
      if (waited > 10_000) throw new Error(`the table did not show 6 completed trials: ${JSON.stringify(await rows())}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // ranked as the API ranks them: rank, trial, status, 3 parameters, metric, epochs, run
    const ranked = await rows();
    expect(ranked.map((r) => [Number(r[0]), Number(r[1]), r[8]])).toEqual(detail.trials.map((t) => [t.rank, t.trial, t.runId]));
    const values = detail.trials.map((t) => t.value!);
    expect([...values].sort((a, b) => b - a)).toEqual(values);

    // sort by a parameter, then the other way, then by the metric
    await page.click('th[data-sort="param:layers.hidden.units"]');
    const byUnits = (await rows()).map((r) => Number(r[3]));
    expect(byUnits).toEqual([4, 4, 8, 8, 16, 16]);
    await page.click('th[data-sort="param:layers.hidden.units"]');
    expect((await rows()).map((r) => Number(r[3]))).toEqual([16, 16, 8, 8, 4, 4]);
    await page.click('th[data-sort="value"]');
    const shownValues = (await rows()).map((r) => Number(r[6]));
    expect([...shownValues].sort((a, b) => b - a)).toEqual(shownValues);

    // the scatter: one point per trial, whatever the x parameter
    expect(await page.getAttribute('canvas.sweep-scatter', 'data-points')).toBe('6');
    await page.selectOption('select[aria-label="Parameter on the x axis"]', 'training.learningRate');
    expect(await page.getAttribute('canvas.sweep-scatter', 'data-points')).toBe('6');
    await page.screenshot({ path: join(SHOTS, 'sweeps.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('answers an unknown sweep with 404 and a bad id with 400, as JSON', async () => {
    const missing = await fetch(`${view.url}/api/sweeps/snosuch`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/There is no sweep 'snosuch'/);
    const bad = await fetch(`${view.url}/api/sweeps/%zz`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toHaveProperty('error');
  });
});
