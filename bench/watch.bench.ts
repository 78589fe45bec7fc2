// `nnc watch` latency and throughput, with the real watcher (chokidar), a
// training worker thread, the real server and real WebSocket clients:
//   save -> `diagnostics` on a client, and save -> first `training_stats` of
//   the new run (p50 / p95 over many edits); training samples/s with 10
//   connected clients versus none; the main thread's event-loop delay while
//   training (the watcher and server stay responsive).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { createViewerServer, type ViewerServer } from '../src/runtime/server/server.js';
import { createWorkerDriver } from '../src/runtime/watch/worker-driver.js';
import { createWatcher, type Watcher } from '../src/runtime/watch/watcher.js';
import type { ServerMessage } from '../src/shared/protocol.js';
import { bundleTrainWorker } from '../test/helpers/train-worker.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;

async function workerUrl(): Promise<URL> {
  if (existsSync('dist/train-worker.js')) return pathToFileURL(resolve('dist/train-worker.js'));
  const outfile = resolve('bench/.tmp/train-worker.js');
  await bundleTrainWorker(resolve('.'), outfile);
  return pathToFileURL(outfile);
}

function project(options: { samples: number; epochs: number; units: number; embed: number }): { dir: string; files: Record<string, string> } {
  const good = ['great', 'good', 'fine', 'lovely', 'superb', 'fun', 'moving', 'clever'];
  const bad = ['awful', 'bad', 'dull', 'boring', 'weak', 'silly', 'flat', 'messy'];
  const fill = ['the', 'movie', 'was', 'and', 'plot', 'acting', 'a', 'very'];
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  const lines = Array.from({ length: options.samples }, (_, i) => {
    const p = i % 2 === 0;
    return JSON.stringify({ input: [pick(fill), pick(p ? good : bad), pick(fill), pick(p ? good : bad), pick(p ? bad : good), pick(fill)].join(' '), label: p ? 1 : 0 });
  });
  const files: Record<string, string> = {
    'nnc.yaml': `apiVersion: nnc/v1\nkind: Project\nname: bench\ninput: {type: text, maxLength: 8}\ntraining: {seed: 1, epochs: ${options.epochs}, batchSize: 32, learningRate: 0.01}\nmonitor: {weightsEvery: 20}\n`,
    'layers.yaml': `apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: ${options.embed}}\n  - {name: pool, type: pool, mode: mean}\n  - {name: hidden, type: dense, units: ${options.units}, activation: relu}\n`,
    'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: sentiment, attach: hidden, task: classification, loss: crossentropy}\n',
    'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n',
    'datasets/reviews.jsonl': lines.join('\n') + '\n',
  };
  const dir = join(mkdtempSync(join(tmpdir(), 'nnc-watch-bench-')), 'bench');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, files };
}

interface Client {
  readonly received: Array<{ message: ServerMessage; at: number }>;
  close(): void;
}

async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + 'ws');
  const received: Client['received'] = [];
  ws.on('message', (data) => received.push({ message: JSON.parse(String(data)) as ServerMessage, at: performance.now() }));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return { received, close: () => ws.terminate() };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000, everyMs = 1): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error('timed out');
    await sleep(everyMs);
  }
}

async function start(dir: string, url: URL, options: { watchFiles?: boolean; epochs?: number } = {}): Promise<{ watcher: Watcher; server: ViewerServer }> {
  let server: ViewerServer | null = null;
  const watcher = await createWatcher({
    projects: [dir],
    driver: (o) => createWorkerDriver({ ...o, workerUrl: url }),
    emit: (m) => server?.broadcast(m),
    ...(options.watchFiles === false ? { watchFiles: false } : {}),
    ...(options.epochs ? { epochs: options.epochs } : {}),
  });
  server = await createViewerServer({ projects: watcher.projects, bundleDir: join(dir, 'none'), port: 0 });
  return { watcher, server };
}

const url = await workerUrl();
let backend = '?';

// 1. latency: save -> diagnostics, save -> first stats of the new run
{
  const { dir, files } = project({ samples: 400, epochs: 200, units: 16, embed: 16 });
  const { watcher, server } = await start(dir, url);
  const client = await connect(server.url);
  await waitFor(() => client.received.find((r) => r.message.type === 'training_stats'), 60_000);
  backend = watcher.projects[0]!.running()?.backend ?? '?';

  const diagnostics: number[] = [];
  for (let i = 0; i < 60; i++) {
    const mark = client.received.length;
    // a comment (same plan: nothing restarts) or a broken width (errors: the run is left alone)
    const text = i % 2 ? files['layers.yaml']!.replace('units: 16, activation', 'units: x, activation') : `# edit ${i}\n${files['layers.yaml']}`;
    const t = performance.now();
    writeFileSync(join(dir, 'layers.yaml'), text);
    const got = await waitFor(() => client.received.slice(mark).find((r) => r.message.type === 'diagnostics'));
    diagnostics.push(got.at - t);
    await sleep(60 + (i % 5) * 13);
  }

  const restarts: number[] = [];
  const compiles: number[] = [];
  const oldEnded: number[] = [];
  const newStarted: number[] = [];
  for (let i = 0; i < 30; i++) {
    await sleep(250);
    const before = watcher.projects[0]!.running()?.id;
    const mark = client.received.length;
    const t = performance.now();
    writeFileSync(join(dir, 'layers.yaml'), files['layers.yaml']!.replace('units: 16, activation', `units: ${i % 2 ? 16 : 24}, activation`));
    const d = await waitFor(() => client.received.slice(mark).find((r) => r.message.type === 'diagnostics'));
    compiles.push(d.at - t);
    const got = await waitFor(() => client.received.slice(mark).find((r) => r.message.type === 'training_stats' && r.message.stats.runId !== before));
    restarts.push(got.at - t);
    const after = client.received.slice(mark);
    // the old run may have ended on its own just before the save: then there is nothing to supersede
    const ended = after.find((r) => r.message.type === 'run_ended');
    if (ended) oldEnded.push(ended.at - t);
    newStarted.push(after.find((r) => r.message.type === 'run_started')!.at - t);
  }
  client.close();
  await server.close();
  await watcher.close();
  rmSync(dirname(dir), { recursive: true, force: true });

  console.log(`backend ${backend}, training in a worker thread; times from writeFileSync to the message on a WebSocket client\n`);
  console.log('| save -> message | edits | p50 ms | p95 ms | max ms | aim |\n|---|---|---|---|---|---|');
  console.log(`| diagnostics (comment or broken layer; run left alone) | ${diagnostics.length} | ${pct(diagnostics, 0.5).toFixed(1)} | ${pct(diagnostics, 0.95).toFixed(1)} | ${Math.max(...diagnostics).toFixed(1)} | < 50 |`);
  console.log(`| diagnostics (plan changed) | ${compiles.length} | ${pct(compiles, 0.5).toFixed(1)} | ${pct(compiles, 0.95).toFixed(1)} | ${Math.max(...compiles).toFixed(1)} | < 50 |`);
  console.log(`| run_ended (superseded) of the old run | ${oldEnded.length} | ${pct(oldEnded, 0.5).toFixed(0)} | ${pct(oldEnded, 0.95).toFixed(0)} | ${Math.max(...oldEnded).toFixed(0)} | |`);
  console.log(`| run_started of the new (warm) run | ${newStarted.length} | ${pct(newStarted, 0.5).toFixed(0)} | ${pct(newStarted, 0.95).toFixed(0)} | ${Math.max(...newStarted).toFixed(0)} | |`);
  console.log(`| first training_stats of the new run | ${restarts.length} | ${pct(restarts, 0.5).toFixed(0)} | ${pct(restarts, 0.95).toFixed(0)} | ${Math.max(...restarts).toFixed(0)} | < 500 |`);
}

// 2. throughput with 10 clients versus none, and event-loop delay on the main thread
{
  const { dir } = project({ samples: 6000, epochs: 3, units: 64, embed: 32 });
  const rows: string[] = [];
  const results: Record<string, number[]> = { 0: [], 10: [] };
  for (const clients of [0, 10, 0, 10]) {
    const { watcher, server } = await start(dir, url, { watchFiles: false });
    const sockets = await Promise.all(Array.from({ length: clients }, () => connect(server.url)));
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const project = watcher.projects[0]!;
    const runId = await waitFor(() => project.running()?.id, 60_000);
    // samples/s per epoch, from the worker's epoch summaries, via the store
    await waitFor(() => (project.store()!.getRun(runId)?.status === 'completed' ? true : undefined), 300_000, 200);
    delay.disable();
    const run = project.store()!.getRun(runId)!;
    const sps = Number(run.info.samplesPerSecond);
    results[clients]!.push(sps);
    const got = sockets.reduce((n, s) => n + s.received.length, 0);
    const seconds = Number(run.info.durationMs) / 1000;
    rows.push(`| ${clients} | ${sps.toFixed(0)} | ${seconds.toFixed(1)} | ${clients ? (got / clients / seconds).toFixed(1) : '-'} | ${(delay.percentile(99) / 1e6).toFixed(1)} |`);
    for (const s of sockets) s.close();
    await server.close();
    await watcher.close();
  }
  rmSync(dirname(dir), { recursive: true, force: true });
  console.log('\ntraining throughput (6000 samples, 3 epochs, embed 32 + dense 64), alternating runs\n');
  console.log('| clients | samples/s | run s | messages/s per client | main event-loop delay p99 ms |\n|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n10 clients / none: ${(mean(results[10]!) / mean(results[0]!)).toFixed(3)}x samples/s`);
}
