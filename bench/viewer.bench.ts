// The viewer: bundle size (raw and gzipped, JS and CSS), and on a loaded page
// (a mock server with 100,000 points per metric series) the time to the first
// plot and the frame times while live stats stream in at 20 messages/s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ServerMessage } from '../src/shared/protocol.js';
import { buildViewer } from '../test/browser/build-viewer.js';
import { hasChromium, launchChromium, SKIP_MESSAGE } from '../test/browser/chromium.js';
import { mockState, PROJECT } from '../test/browser/mock-data.js';
import { createMockServer } from '../test/browser/mock-server.js';

const BUDGET_GZIP = 40 * 1024;
const POINTS = 100_000;
const dir = 'bench/.tmp/viewer';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

await buildViewer(dir);
const js = readFileSync(join(dir, 'main.js'));
const css = readFileSync(join(dir, 'main.css'));
const jsGz = gzipSync(js, { level: 9 }).length;
const cssGz = gzipSync(css, { level: 9 }).length;
console.log('| file | raw | gzipped |\n|---|---:|---:|');
console.log(`| main.js | ${kb(js.length)} | ${kb(jsGz)} |`);
console.log(`| main.css | ${kb(css.length)} | ${kb(cssGz)} |`);
console.log(`\nJavaScript gzipped: ${kb(jsGz)} of the ${kb(BUDGET_GZIP)} budget (${jsGz <= BUDGET_GZIP ? 'within' : 'OVER'}).`);

if (!hasChromium) {
  console.log(`\n${SKIP_MESSAGE}`);
} else {
  const browser = await launchChromium();
  // the small page shows the viewer's own start-up; the large one adds the metrics download and parse
  const small = await createMockServer(dir, mockState(1000));
  const smallPlot = await firstPlotTimes(small.url);
  await small.close();
  const state = mockState(POINTS);
  const server = await createMockServer(dir, state);
  const payload = JSON.stringify(state.api['/api/runs/run2/metrics']).length;
  try {
    const firstPlot = await firstPlotTimes(server.url);
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/#monitoring`);
    await page.waitForFunction(() => document.querySelectorAll('.legend li').length >= 4, null, { timeout: 30_000 });
    // stream stats at 20/s for 3 s while the page records its frame times
    await page.evaluate(() => {
      const w = window as unknown as { frames_: number[] };
      w.frames_ = [];
      let last = performance.now();
      const tick = (t: number) => {
        w.frames_.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    let step = POINTS;
    const timer = setInterval(() => {
      step += 10;
      const m: ServerMessage = {
        type: 'training_stats', project: PROJECT,
        stats: { runId: 'run2', step, epoch: 20, losses: { sentiment: 0.1 + Math.random() * 0.02 }, metrics: { 'sentiment.accuracy': 0.95 }, learningRate: 0.003, gradNorm: 0.3, samplesPerSecond: 900, progress: 0.99, numTensors: 40, memoryBytes: 1e6 },
      };
      server.broadcast(m);
    }, 50);
    await new Promise((r) => setTimeout(r, 3000));
    clearInterval(timer);
    const frames = (await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_)).slice(5);
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    const slow = frames.filter((f) => f > 50).length;
    const points = await page.evaluate(() => document.querySelector('.legend b')?.textContent);
    console.log(`\n| on a loaded page (${POINTS.toLocaleString('en-US')} points per series, 4 series) | value |\n|---|---:|`);
    console.log(`| time to first plot, 1,000 points per series, median of 5 (navigation start to first chart drawn) | ${median(smallPlot).toFixed(0)} ms |`);
    console.log(`| time to first plot, ${POINTS.toLocaleString('en-US')} points per series (metrics JSON ${(payload / 1e6).toFixed(1)} MB) | ${median(firstPlot).toFixed(0)} ms |`);
    console.log(`| frames while streaming 20 stats/s: median / p95 | ${median(frames).toFixed(1)} ms / ${p95.toFixed(1)} ms |`);
    console.log(`| frames over 50 ms in 3 s | ${slow} of ${frames.length} |`);
    console.log(`\n(last loss shown: ${points})`);
  } finally {
    await browser.close();
    await server.close();
  }

  async function firstPlotTimes(url: string): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.context.newPage();
      await page.goto(`${url}/#monitoring`);
      await page.waitForFunction(() => window.__nncFirstPlot != null && document.querySelectorAll('.legend li').length >= 4, null, { timeout: 30_000 });
      times.push(await page.evaluate(() => window.__nncFirstPlot!));
      await page.close();
    }
    return times;
  }
}
