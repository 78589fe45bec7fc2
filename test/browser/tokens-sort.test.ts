// The Tokens tab in real Chromium over a real `nnc view`: each token shows
// how often it occurs in the training data (the counts of GET /api/tokens,
// exact for this small project), the data's words sit in their automatic
// categories, and the tab sorts by count, by id, by text and back to the
// order they are listed in.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TokensView } from '../../src/shared/protocol.js';
import { textProject } from '../helpers/text-project.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const TEXTS = ['good good good movie', 'good movie plot movie', 'bad plot 42 42', 'bad bad 42 !'];

function startView(project: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'view', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`nnc view printed no address:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = out.match(/viewer at (http:\/\/[^\s;]+)/);
      if (m) {
        clearTimeout(timer);
        done({ child, url: m[1].replace(/\/$/, '') });
      }
    });
    child.stderr!.on('data', (b) => (out += b));
  });
}

describe.skipIf(!hasChromium)('Tokens tab: counts and sorting', () => {
  let work: string;
  let view: { child: ChildProcess; url: string };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync('test/.tmp', { recursive: true });
    work = mkdtempSync(join(resolve('test/.tmp'), 'tokens-sort-'));
    const project = join(work, 'words');
    const files = {
      ...textProject({ name: 'words', settings: 'training: {validationSplit: 0}\n', samples: TEXTS.map((t, i) => `{input: "${t}", label: ${i % 2}}`) }),
      'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [plot, movie]\nfromDatasets: {minCount: 1}\n',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(project, file)), { recursive: true });
      writeFileSync(join(project, file), text);
    }
    view = await startView(project);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${view.url}/#tokens`);
    await page.waitForSelector('.category[data-category=general] .token');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (view && view.child.exitCode === null) {
      const exited = new Promise((r) => view.child.once('exit', r));
      view.child.kill('SIGINT');
      await exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Per category, its tokens as shown: text and the count the page shows. */
  const shown = () =>
    page.$$eval('.category', (els) =>
      els.map((el) => ({
        name: el.getAttribute('data-category'),
        tokens: [...el.querySelectorAll('.token')].map((t) => [t.querySelector('.text')!.textContent, t.querySelector('.tcount')?.textContent ?? null]),
      })),
    );
  const sortBy = async (order: string) => {
    await page.selectOption('select.token-order', order);
    return Object.fromEntries((await shown()).map((c) => [c.name, c.tokens.map(([text]) => text)]));
  };

  it('GET /api/tokens counts the training data exactly', async () => {
    const api = (await (await fetch(`${view.url}/api/tokens`)).json()) as TokensView;
    // the data's words by frequency (good 4, bad 3, 42 3, ! 1) after the listed ones
    expect(api.tokens).toEqual(['<pad>', '<unk>', 'plot', 'movie', 'good', 'bad', '42', '!']);
    expect(api.categories).toEqual({ special: ['<pad>', '<unk>'], general: ['plot', 'movie'], numeric: ['42'], alphabetic: ['good', 'bad'], punctuation: ['!'] });
    expect(api.counts).toEqual({ split: 'train', samples: 4, tokens: 16, byId: [0, 0, 2, 3, 4, 3, 3, 1] });
  });

  it('shows each count and sorts by count, id and text', async () => {
    const listed = await shown();
    expect(listed).toEqual([
      { name: 'special', tokens: [['<pad>', '×0'], ['<unk>', '×0']] },
      { name: 'general', tokens: [['plot', '×2'], ['movie', '×3']] },
      { name: 'numeric', tokens: [['42', '×3']] },
      { name: 'alphabetic', tokens: [['good', '×4'], ['bad', '×3']] },
      { name: 'punctuation', tokens: [['!', '×1']] },
    ]);
    expect(await page.$$eval('.token[data-from-data] .text', (els) => els.map((e) => e.textContent))).toEqual(['42', 'good', 'bad', '!']);

    expect((await sortBy('count')).general).toEqual(['movie', 'plot']);
    mkdirSync('test/.tmp/screenshots', { recursive: true });
    await page.screenshot({ path: 'test/.tmp/screenshots/tokens-by-count.png' });
    const counts = await page.$$eval('.category[data-category=general] .token', (els) => els.map((e) => Number(e.getAttribute('data-count'))));
    expect(counts).toEqual([3, 2]);
    expect((await sortBy('id')).general).toEqual(['plot', 'movie']);
    const byText = await sortBy('text');
    expect([byText.general, byText.alphabetic]).toEqual([['movie', 'plot'], ['bad', 'good']]);
    expect((await sortBy('listed')).general).toEqual(['plot', 'movie']);

    // the filter keeps the order chosen
    await sortBy('count');
    await page.fill('input.filter', 'o');
    expect(Object.fromEntries((await shown()).map((c) => [c.name, c.tokens.map(([t]) => t)]))).toEqual({ general: ['movie', 'plot'], alphabetic: ['good'], punctuation: [] });
    expect(pageErrors).toEqual([]);
  });
});
