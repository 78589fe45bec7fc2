// The viewer in real Chromium against a real `nnc watch` on a copy of the
// tiny fixture: every tab shows the project's data, loss points arrive while
// training runs, a broken config raises the error overlay and the fix clears
// it, and the page recovers after the server restarts. Screenshots go to
// test/.tmp/screenshots/.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseAllDocuments } from 'yaml';
import type { DatasetView, HeadView, LayerView, LogView, ProjectView, RunView, TokensView, WeightsView } from '../../src/shared/protocol.js';
import { buildViewer } from './build-viewer.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';
import { startWatch, type WatchProcess } from './watch-process.js';

const SHOTS = resolve('test/.tmp/screenshots');
const FIXTURE = resolve('test/fixtures/tiny');
// long enough that training is still running while the tests look at it; the process is stopped at the end
const EPOCHS = '3000';

if (!hasChromium) console.warn(SKIP_MESSAGE);

describe.skipIf(!hasChromium)('viewer in Chromium against nnc watch', () => {
  let work: string;
  let project: string;
  let viewerDir: string | undefined;
  let watch: WatchProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${watch.url}${path}`);
    expect(res.status, `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  };
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const openTab = async (id: string) => {
    await page.click(`nav.tabs a[href="#${id}"]`);
    await page.waitForSelector(`section.tab.${id}`);
  };
  /** points of the first line of the loss chart (the canvas says how many it drew) */
  const lossPoints = () => page.$eval('.chart canvas', (c) => Number(c.getAttribute('data-points')?.split(' ')[0] || 0));
  const start = () => startWatch(project, { port: watch?.port ?? 0, args: ['--epochs', EPOCHS], env: viewerDir ? { NNC_VIEWER_DIR: viewerDir } : {} });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'viewer-e2e-'));
    project = join(work, 'tiny');
    if (existsSync(FIXTURE)) cpSync(FIXTURE, project, { recursive: true, filter: (src) => !src.includes(`${'/'}.nnc`) });
    else execFileSync(process.execPath, ['dist/cli.js', 'init', project], { stdio: 'ignore' }); // until test/fixtures/tiny exists
    if (!existsSync('dist/viewer/index.html')) {
      // scripts/build.mjs does not copy index.html yet: serve an identical build that has it
      viewerDir = join(work, 'viewer');
      await buildViewer(viewerDir);
    }
    watch = await start();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
    await page.goto(`${watch.url}/#tokens`);
    await page.waitForSelector('.conn[data-state=open]');
  });

  afterAll(async () => {
    if (pageErrors.length) console.error(`errors in the page:\n${pageErrors.join('\n')}`);
    await browser?.close();
    await watch?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the fixture on every tab', async () => {
    // Tokens: every category with all its tokens, and the filter narrows them
    const tokens = await api<TokensView>('/api/tokens');
    await page.waitForSelector('.category');
    const shown = await page.$$eval('.category', (els) =>
      els.map((el) => ({ name: el.getAttribute('data-category'), tokens: [...el.querySelectorAll('.token .text')].map((t) => t.textContent) })),
    );
    expect(shown).toEqual(Object.entries(tokens.categories).map(([name, list]) => ({ name, tokens: [...list] })));
    const yamlTokens = yamlDoc(project, 'Tokens')?.categories as Record<string, string[]> | undefined;
    if (yamlTokens) for (const [cat, list] of Object.entries(yamlTokens)) expect(shown.find((c) => c.name === cat)?.tokens).toEqual(expect.arrayContaining(list));
    await shot('tokens');
    const someToken = Object.values(tokens.categories).flat().find((t) => /^[a-z]{3,}$/.test(t))!;
    await page.fill('input.filter', someToken);
    const filtered = await page.$$eval('.token .text', (els) => els.map((e) => e.textContent!));
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((t) => t.includes(someToken))).toBe(true);

    // Architecture: layers in YAML order with shapes and params, heads after the layer they attach to, totals
    const layers = await api<LayerView[]>('/api/layers');
    const heads = await api<HeadView[]>('/api/heads');
    await openTab('architecture');
    const yamlLayers = (yamlDoc(project, 'Layers')!.layers as Array<{ name: string }>).map((l) => l.name);
    const rows = await page.$$eval('table.layers tbody tr.layer, table.layers tbody tr.head', (els) =>
      els.map((el) => ({ layer: el.getAttribute('data-layer'), head: el.getAttribute('data-head'), cells: [...el.querySelectorAll('td')].map((td) => td.textContent!.trim()) })),
    );
    expect(rows.filter((r) => r.layer).map((r) => r.layer)).toEqual(yamlLayers);
    for (const l of layers) {
      const row = rows.find((r) => r.layer === l.name)!;
      expect(row.cells[2]).toBe(l.type);
      expect(row.cells[4]).toBe(`[${l.outputShape.join(', ')}]`);
      expect(row.cells[5]).toBe(l.params.toLocaleString('en-US'));
      expect(row.cells[6]).toBe(`${l.file}:${l.line}`);
    }
    for (const h of heads) {
      const i = rows.findIndex((r) => r.head === h.name);
      const attachedAt = rows.findIndex((r) => r.layer === h.attach);
      expect(i).toBeGreaterThan(attachedAt);
      expect(rows.slice(attachedAt + 1, i).every((r) => r.head)).toBe(true);
      expect(rows[i].cells[3]).toContain(`${h.task}, loss ${h.loss}`);
    }
    const total = layers.reduce((n, l) => n + l.params, 0) + heads.reduce((n, h) => n + h.params, 0);
    expect(await page.textContent('.total-params')).toBe(total.toLocaleString('en-US'));
    expect(await page.textContent('.source-note')).toContain('layers.yaml');
    await shot('architecture');

    // Datasets: type, head, count and a preview per dataset
    const datasets = await api<DatasetView[]>('/api/datasets');
    await openTab('datasets');
    for (const d of datasets) {
      const card = page.locator(`article.dataset[data-dataset="${d.name}"]`);
      await expect.poll(() => card.locator('.sample-count').textContent()).toBe(d.count.toLocaleString('en-US'));
      expect(await card.locator('.facts').textContent()).toContain(d.type);
      expect(await card.locator('table.samples tbody tr').count()).toBe(d.preview.length);
      expect(d.validationCount).toBe(Math.round(d.count * d.validationSplit));
      expect(await card.locator('.split').textContent()).toBe(`${Math.round(d.validationSplit * 100)}% (${d.validationCount} validation, ${d.count - d.validationCount} training)`);
    }
    await shot('datasets');

    // Monitoring: loss points and the weight sheet of the running run
    await openTab('monitoring');
    await expect.poll(lossPoints, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForSelector('table.weights tbody tr', { timeout: 30_000 });
    const weights = await api<WeightsView>(`/api/models/${encodeURIComponent((await api<ProjectView[]>('/api/projects'))[0].name)}/weights`);
    const tensorNames = await page.$$eval('table.weights tbody tr', (els) => els.map((e) => e.getAttribute('data-tensor')));
    expect(new Set(tensorNames)).toEqual(new Set(weights.tensors.map((t) => t.name)));
    expect(await page.textContent('.param-count')).toBe(total.toLocaleString('en-US'));
    expect(await page.textContent('.run-state')).toBe('running');
    await shot('monitoring');

    // Logs: lines from the store; the spam toggle and the level filter change what shows
    const spamLines = await api<LogView[]>('/api/logs?spam=true&limit=2000');
    await openTab('logs');
    await page.waitForSelector('.log-box .log');
    const quiet = await page.locator('.log-box .log').count();
    expect(await page.locator('.log-box .log.spam').count()).toBe(0);
    if (spamLines.some((l) => l.spam)) {
      await page.check('.toggle input');
      await expect.poll(() => page.locator('.log-box .log.spam').count()).toBeGreaterThan(0);
      await page.uncheck('.toggle input');
    }
    await page.selectOption('select[aria-label=Level]', 'error');
    const errorsOnly = await page.locator('.log-box .log').count();
    expect(errorsOnly).toBeLessThanOrEqual(quiet);
    expect(await page.locator('.log-box .log:not([data-level=error])').count()).toBe(0);
    await page.selectOption('select[aria-label=Level]', 'debug');
    await shot('logs');

    // Runs: one row per stored run
    const runs = await api<RunView[]>('/api/runs');
    await openTab('runs');
    await expect.poll(() => page.locator('tr[data-run]').count()).toBe(runs.length);
    expect(await page.getAttribute('tr[data-run]', 'data-run')).toBe([...runs].sort((a, b) => b.startedAt - a.startedAt)[0].id);
    await shot('runs');
    expect(pageErrors).toEqual([]);
  });

  it('plots new loss points while training runs', async () => {
    await openTab('monitoring');
    const before = await lossPoints();
    await expect.poll(lossPoints, { timeout: 20_000 }).toBeGreaterThan(before);
    const progress = await page.textContent('.run-facts');
    expect(progress).toMatch(/epoch \d+ · step \d+/);
  });

  it('shows the error overlay while the config is broken and clears it when fixed', async () => {
    const file = join(project, 'heads.yaml');
    const good = readFileSync(file, 'utf8');
    const broken = good.replace(/attach:\s*([a-z_0-9]+)/, 'attach: nowhere_layer');
    expect(broken).not.toBe(good);
    writeFileSync(file, broken);
    const overlay = page.locator('.overlay');
    await overlay.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await overlay.textContent())!;
    expect(text).toContain('heads.yaml:');
    expect(text).toContain('nowhere_layer');
    expect(text).toMatch(/error NNC\d{4}/);
    await shot('overlay');
    writeFileSync(file, good);
    await overlay.waitFor({ state: 'detached', timeout: 15_000 });
    await shot('overlay-cleared');

    // broken again and the overlay dismissed: the diagnostic shows beside the head it concerns
    writeFileSync(file, broken);
    await overlay.waitFor({ state: 'visible', timeout: 15_000 });
    await page.click('.overlay-close');
    await overlay.waitFor({ state: 'detached' });
    await openTab('architecture');
    const headName = (yamlDoc(project, 'Heads')!.heads as Array<{ name: string }>)[0].name;
    const beside = page.locator(`tr.head[data-head="${headName}"] + tr.diag-row`);
    await expect.poll(() => beside.textContent()).toContain('nowhere_layer');
    expect(await beside.textContent()).toMatch(/heads\.yaml:\d+:\d+ error NNC\d{4}/);
    await shot('architecture-diagnostic');
    writeFileSync(file, good);
    await beside.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await overlay.count()).toBe(0);
  });

  it('reconnects and refreshes its state after the server restarts', async () => {
    await openTab('runs');
    const before = await page.locator('tr[data-run]').count();
    await watch.stop();
    await page.waitForSelector('.conn[data-state=closed]', { timeout: 10_000 });
    await shot('disconnected');
    watch = await start();
    await page.waitForSelector('.conn[data-state=open]', { timeout: 20_000 });
    // the restart started a new run: the page learns about it from the refresh and the live messages
    const runs = await (async () => {
      for (let i = 0; i < 100; i++) {
        // the server answers 404 for a moment while the watcher registers the project
        const res = await fetch(`${watch.url}/api/runs`);
        const list = res.ok ? ((await res.json()) as RunView[]) : [];
        if (list.length > before) return list;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no new run after the restart');
    })();
    await expect.poll(() => page.locator('tr[data-run]').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(runs.length);
    const running = runs.find((r) => r.status === 'running');
    if (running) {
      await openTab('monitoring');
      await expect.poll(() => page.textContent('.tab-head h2'), { timeout: 15_000 }).toContain(running.id.slice(0, 8));
      await expect.poll(lossPoints, { timeout: 30_000 }).toBeGreaterThan(0);
    }
    await shot('reconnected');
    expect(pageErrors).toEqual([]);
  });
});

/** The first YAML document of a kind in the project, parsed. */
function yamlDoc(dir: string, kind: string): Record<string, unknown> | undefined {
  const files = ['nnc.yaml', 'tokens.yaml', 'layers.yaml', 'heads.yaml'].map((f) => join(dir, f)).filter(existsSync);
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const js = doc.toJS() as Record<string, unknown> | null;
      if (js?.kind === kind) return js;
    }
  }
  return undefined;
}
