// `nnc view --store postgres://…` in real Chromium over a real PostgreSQL
// store: two project folders enqueue a run each with `nnc train --queue`,
// two `nnc worker` processes (one job each) train them, and the viewer,
// started on no folder, lists both projects from the store and shows each
// one's run with the worker that trained it. Read-only, on loopback, and no
// password in anything it prints.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProjectView, RunView } from '../../src/shared/protocol.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';

const started = await startPostgres();
if (started.skip) console.warn(`team-view browser test skipped: ${started.skip}`);
if (!hasChromium) console.warn(SKIP_MESSAGE);

const CLI = resolve('dist/cli.js');
const SHOTS = resolve('test/.tmp/screenshots');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));
}

describe.skipIf(!started.server || !hasChromium)('nnc view --store in Chromium: two projects, two workers', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  let view: ChildProcess;
  let viewUrl: string;
  let viewOut = '';
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const printed: string[] = [];

  beforeAll(async () => {
    server = started.server!;
    url = server.createDatabase('team_view');
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'team-view-'));
    for (const name of ['alpha', 'beta']) {
      const dir = join(work, name);
      cpSync('test/fixtures/tiny', dir, { recursive: true, filter: (src) => !src.includes('/.nnc') });
      const file = join(dir, 'nnc.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: tiny$/m, `name: ${name}`));
      const r = spawnSync(process.execPath, [CLI, 'train', dir, '--queue', '--store', url, '--epochs', '3'], { encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      printed.push(r.stdout, r.stderr);
    }
    // one job each: both workers train, one project each
    const workers = ['worker-one', 'worker-two'].map((name) => {
      const child = spawn(process.execPath, [CLI, 'worker', '--store', url, '--name', name, '--max-jobs', '1'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (b) => printed.push(String(b)));
      child.stderr!.on('data', (b) => printed.push(String(b)));
      return child;
    });
    for (const w of workers) expect(await exited(w)).toBe(0);

    view = spawn(process.execPath, [CLI, 'view', '--store', url, '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    view.stderr!.on('data', (b) => (viewOut += b));
    viewUrl = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`nnc view printed no address:\n${viewOut}`)), 30_000);
      view.stdout!.on('data', (b) => {
        viewOut += b;
        const m = viewOut.match(/viewer at (http:\/\/[^\s;]+)/);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]!.replace(/\/$/, ''));
        }
      });
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  }, 120_000);

  afterAll(async () => {
    if (pageErrors.length) console.error(`errors in the page:\n${pageErrors.join('\n')}`);
    await browser?.close();
    view?.kill('SIGINT');
    if (view) await exited(view);
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('lists the store projects over the API, read-only, on loopback, without the password', async () => {
    expect(viewUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(viewOut).toMatch(/alpha.*: 1 stored run in 'postgres:\/\/nnc:\*\*\*@/);
    expect(viewOut).toMatch(/beta.*: 1 stored run in/);
    for (const text of [...printed, viewOut]) expect(text).not.toContain(server.password);
    const projects = (await (await fetch(`${viewUrl}/api/projects`)).json()) as ProjectView[];
    expect(projects.map((p) => [p.name, p.title, p.live])).toEqual([['alpha', 'alpha', false], ['beta', 'beta', false]]);
    for (const p of projects) expect(p.storedIn).toMatch(/^postgres:\/\/nnc:\*\*\*@127\.0\.0\.1:\d+\//);
    const workers = [];
    for (const name of ['alpha', 'beta']) {
      const runs = (await (await fetch(`${viewUrl}/api/runs?project=${name}`)).json()) as RunView[];
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ project: name, status: 'completed' });
      workers.push((runs[0]!.info.queue as { worker: string }).worker);
      const metrics = (await (await fetch(`${viewUrl}/api/runs/${runs[0]!.id}/metrics?project=${name}`)).json()) as { metrics: Record<string, unknown[]> };
      expect(metrics.metrics.loss?.length).toBeGreaterThan(0);
    }
    expect(workers.sort()).toEqual(['worker-one', 'worker-two']);
    const post = await fetch(`${viewUrl}/api/runs?project=alpha`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('shows each project with its run and the worker that trained it', async () => {
    const seen: Array<{ project: string; worker: string }> = [];
    await page.goto(`${viewUrl}/#runs`);
    await page.waitForSelector('select.project');
    const options = await page.$$eval('select.project option', (els) => els.map((el) => (el as unknown as { value: string }).value));
    expect(options).toEqual(['alpha', 'beta']);
    for (const project of options) {
      await page.selectOption('select.project', project);
      await page.waitForSelector('table.run-table tbody tr[data-run] .worker');
      const rows = await page.$$eval('table.run-table tbody tr[data-run]', (trs) => trs.map((tr) => ({ run: tr.getAttribute('data-run'), text: tr.textContent ?? '', worker: tr.querySelector('.worker')?.textContent ?? '' })));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.text).toContain('completed');
      // the note under the table names the shared store (without its password), not the folder's file
      const note = await page.textContent('section.runs .source-note');
      expect(note).toMatch(/^Stored in postgres:\/\/nnc:\*\*\*@127\.0\.0\.1:\d+\/\S+\. Tick/);
      seen.push({ project, worker: rows[0]!.worker.replace(/^\s*·\s*/, '').trim() });
      // its curves come from the store too
      await page.waitForSelector('select[aria-label="Metric to compare"] option[value="loss"]', { state: 'attached' });
      await page.screenshot({ path: join(SHOTS, `team-view-${project}.png`), fullPage: true });
    }
    expect(seen.map((s) => s.worker).sort()).toEqual(['worker-one', 'worker-two']);
    expect(pageErrors).toEqual([]);
  });
});
