// The portable export in real Chromium: a page that imports @tensorflow/tfjs
// (through an import map) and the export's predict.js loads the model over
// HTTP and predicts, per head, what `nnc predict --format json` prints.
// The fixture has every layer type nnc-layers.js defines and every head task.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cliPredictions, expectSamePredictions, readPreprocess, REPO_NODE_MODULES, sampleInputs, trainAndExport, type Input, type Prediction } from '../helpers/portable-export.js';
import { hasChromium, launchChromium, SKIP_MESSAGE, type Browser } from './chromium.js';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const PAGE = `<!doctype html><meta charset="utf-8"><title>nnc export</title>
<script type="importmap">{"imports": {"@tensorflow/tfjs": "/tfjs.js"}}</script>
<script type="module">
  import * as tf from '@tensorflow/tfjs';
  import { load } from './export/predict.js';
  try {
    // the CPU backend: the same arithmetic as Node's, whatever GPU the machine has
    await tf.setBackend('cpu');
    const inputs = await (await fetch('./inputs.json')).json();
    const model = await load('./export/');
    const predictions = {};
    for (const head of model.heads) predictions[head] = await model.predict(inputs, { head });
    window.result = { predictions };
  } catch (error) {
    window.result = { error: String(error && error.stack || error) };
  }
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream', '.html': 'text/html' };

describe.skipIf(!hasChromium)('the portable export in Chromium', () => {
  let root: string;
  let server: Server;
  let browser: Browser;
  let inputs: Input[];
  let expected: Record<string, Prediction[]>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'nnc-export-browser-'));
    const dir = join(root, 'project');
    const out = join(root, 'export');
    await trainAndExport('test/fixtures/export-layers', dir, out, 2);
    const preprocess = readPreprocess(out);
    inputs = sampleInputs(preprocess);
    expected = await cliPredictions(dir, preprocess, inputs, root);
    const files: Record<string, () => Buffer | string> = {
      '/': () => PAGE,
      '/tfjs.js': () => readFileSync(join(REPO_NODE_MODULES, '@tensorflow/tfjs/dist/tf.fesm.js')),
      '/inputs.json': () => JSON.stringify(inputs),
    };
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const inExport = path.startsWith('/export/') && !normalize(path).includes('..');
      const body = files[path]?.() ?? (inExport ? readFileSync(join(out, path.slice('/export/'.length))) : null);
      if (body === null) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : (TYPES[extname(path)] ?? 'application/octet-stream') }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads with predict.js and predicts what nnc predict prints, per head', async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    const result = (await page.evaluate(() => (globalThis as { result?: unknown }).result)) as { predictions?: Record<string, Prediction[]>; error?: string };
    if (result.error) throw new Error(`the page failed: ${result.error}`);
    for (const [head, predictions] of Object.entries(expected)) expectSamePredictions(result.predictions![head], predictions, `chromium ${head}`);
  });
});
