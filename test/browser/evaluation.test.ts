// The Evaluation view in real Chromium over `nnc view`: a run of the tiny
// fixture is trained and scored with `nnc evaluate`, and the view (opened
// from the Runs tab) shows the confusion matrix with the counts that
// `nnc evaluate --format json` printed, the metrics, and the ROC curve.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildViewer } from './build-viewer.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';

const SHOTS = resolve('test/.tmp/screenshots');
const FIXTURE = resolve('test/fixtures/tiny');
const CLI = resolve('dist/cli.js');

if (!hasChromium) console.warn(SKIP_MESSAGE);

const nnc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`nnc ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

describe.skipIf(!hasChromium)('the Evaluation view', () => {
  let work: string;
  let project: string;
  let view: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  let summary: { run: string; heads: Record<string, { report: { classes: string[]; confusion: number[][]; count: number }; metrics: Record<string, number> }> };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'evaluation-'));
    project = join(work, 'tiny');
    cpSync(FIXTURE, project, { recursive: true, filter: (src) => !src.includes('/.nnc') });
    nnc('train', project, '--epochs', '3');
    summary = JSON.parse(nnc('evaluate', project, '--split', 'validation', '--format', 'json').trim().split('\n')[0]);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: '1' };
    if (!existsSync('dist/viewer/index.html')) {
      env.NNC_VIEWER_DIR = join(work, 'viewer');
      await buildViewer(env.NNC_VIEWER_DIR);
    }
    view = spawn(process.execPath, [CLI, 'view', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`nnc view printed no address:\n${out}`)), 30_000);
      view.stdout!.on('data', (b) => {
        out += b;
        const m = out.match(/viewer at (http:\/\/[^\s;]+)/);
        if (m) {
          clearTimeout(timer);
          done(m[1].replace(/\/$/, ''));
        }
      });
      view.stderr!.on('data', (b) => (out += b));
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (view && view.exitCode === null) {
      const exited = new Promise((r) => view.once('exit', r));
      view.kill('SIGINT');
      await exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('GET /api/runs/{id}/evaluations answers what nnc evaluate stored, and 404s an unknown run', async () => {
    const res = await fetch(`${url}/api/runs/${summary.run}/evaluations`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; evaluations: { split: string; heads: Record<string, { report: { confusion: number[][] } }> }[] };
    expect(body.runId).toBe(summary.run);
    expect(body.evaluations).toHaveLength(1);
    expect(body.evaluations[0].heads.verdict.report.confusion).toEqual(summary.heads.verdict.report.confusion);
    const missing = await fetch(`${url}/api/runs/rnope/evaluations`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain("There is no run 'rnope'");
    expect((await fetch(`${url}/api/runs/%E0%A4%A/evaluations`)).status).toBe(400);
  });

  it('opens from the Runs tab and shows the confusion counts nnc evaluate printed', async () => {
    await page.goto(`${url}/#runs`);
    await page.waitForSelector(`tr[data-run="${summary.run}"] button.open-evaluation`);
    await page.click(`tr[data-run="${summary.run}"] button.open-evaluation`);
    await page.waitForSelector('section.evaluation table.confusion td[data-count]');
    const cells = await page.$$eval('section.evaluation [data-head="verdict"] table.confusion td[data-count]', (tds) =>
      tds.map((td) => ({ expected: td.getAttribute('data-expected'), predicted: td.getAttribute('data-predicted'), count: Number(td.textContent) })),
    );
    const { classes, confusion, count } = summary.heads.verdict.report;
    expect(cells).toEqual(classes.flatMap((expected, i) => classes.map((predicted, j) => ({ expected, predicted, count: confusion[i][j] }))));
    expect(cells.reduce((n, c) => n + c.count, 0)).toBe(count);
    const f1 = await page.$$eval('section.evaluation [data-head="verdict"] table.eval-metrics tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(f1).toContainEqual(expect.arrayContaining(['f1', String(Number(summary.heads.verdict.metrics.f1.toPrecision(4)))]));
    // two classes: a ROC curve
    expect(await page.$('section.evaluation svg[aria-label="ROC curve"] polyline')).not.toBeNull();
    await page.screenshot({ path: join(SHOTS, 'evaluation.png'), fullPage: true });
  });
});
