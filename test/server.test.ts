// The viewer server with real HTTP and a real WebSocket client, over a real
// compiled project and a real run store (what `nnc view` serves).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerServer, isLoopback, originAllowed, type ViewerServer } from '../src/runtime/server/server.js';
import { createNamePolicy } from '../src/runtime/server/request-guard.js';
import { createStoredProject, type StoredProject } from '../src/runtime/server/stored-project.js';
import { createClientChannel } from '../src/runtime/server/client-channel.js';
import { createRunStore } from '../src/runtime/store/store.js';
import type { BatchFrame, ServerMessage, TrainingStatsView } from '../src/shared/protocol.js';
import { connect, DEMO, removeTempProjects, sleep, tempProject, until } from './watch-helpers.js';

let dir: string;
let bundle: string;
let project: StoredProject;
let server: ViewerServer;
let runId: string;

async function get(path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
/** Raw bytes to the server, the status line's code and the body back (a request line no HTTP client would send). */
function raw(text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(server.port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      got += d;
      if (/^HTTP\/1\.1 101 .*\r\n\r\n/s.test(got)) socket.destroy(); // upgraded: the status is all we wanted
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0);
      resolve({ status, body: got.slice(got.indexOf('\r\n\r\n') + 4) });
    });
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(text);
  });
}
const upgrade = (target: string, headers = `Host: 127.0.0.1:${server.port}\r\n`) =>
  raw(`GET ${target} HTTP/1.1\r\n${headers}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);

const json = async (path: string) => {
  const r = await get(path);
  return { status: r.status, body: JSON.parse(r.body) };
};

beforeAll(async () => {
  dir = tempProject();
  // a stored run with metrics, a snapshot and logs, as `nnc train` leaves them
  const store = createRunStore(dir);
  const run = store.createRun({ planHash: 'p1', modelHash: 'm1', gitCommit: null, gitDirty: false, backend: 'cpu', plan: { project: { name: 'demo' } } });
  runId = run.id;
  store.addMetrics(run.id, [
    { step: 1, epoch: 1, name: 'sentiment.loss', value: 0.7 },
    { step: 2, epoch: 1, name: 'sentiment.loss', value: 0.6 },
    { step: 2, epoch: 1, name: 'val_loss', value: 0.65 },
  ]);
  store.addSnapshot(run.id, { step: 2, epoch: 1, time: Date.now(), tensors: [{ name: 'hidden/kernel', layer: 'hidden', shape: [8, 8], mean: 0.01, std: 0.2, min: -0.5, max: 0.5, histogram: Array(20).fill(3), gradNorm: 0.1 }] });
  store.addLog(run.id, { time: Date.now(), level: 'info', category: 'train', message: 'Epoch 1/1: loss 0.6.', spam: false });
  store.addLog(run.id, { time: Date.now(), level: 'debug', category: 'train', message: 'step 1', spam: true });
  store.addLog(run.id, { time: Date.now(), level: 'warning', category: 'data', message: 'Most tokens are unknown.', spam: false });
  store.endRun(run.id, 'completed');
  store.close();

  bundle = mkdtempSync(join(tmpdir(), 'nnc-bundle-'));
  mkdirSync(join(bundle, 'assets'));
  writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(join(bundle, 'main.js'), 'console.log(1)');
  writeFileSync(join(bundle, '..', 'secret.txt'), 'do not serve');
  symlinkSync(join(bundle, '..', 'secret.txt'), join(bundle, 'assets', 'link.txt'));

  project = createStoredProject(dir, 'demo');
  server = await createViewerServer({ projects: [project], bundleDir: bundle, port: 0, version: '9.9.9' });
});

afterAll(async () => {
  await server?.close();
  project?.close();
  removeTempProjects();
});

describe('JSON API', () => {
  it('lists the project, and serves the layer graph, heads, tokens and datasets of its plan', async () => {
    const projects = await json('/api/projects');
    expect(projects.body).toEqual([expect.objectContaining({ name: 'demo', title: 'demo', errors: 0, live: false, running: null, storedIn: '.nnc/nnc.db' })]);
    const layers = await json('/api/layers');
    expect(layers.body.map((l: { name: string; outputShape: number[] }) => [l.name, l.outputShape])).toEqual([
      ['embed', [8, 8]],
      ['pool', [8]],
      ['hidden', [8]],
    ]);
    expect(layers.body[2]).toMatchObject({ type: 'dense', file: 'layers.yaml', line: 6, params: 72 });
    const heads = await json('/api/heads');
    expect(heads.body).toEqual([expect.objectContaining({ name: 'sentiment', attach: 'hidden', task: 'classification', file: 'heads.yaml' })]);
    const tokens = await json('/api/tokens');
    expect(tokens.body.tokens.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(tokens.body.vocabularySize).toBe(tokens.body.tokens.length);
    const datasets = await json('/api/datasets');
    expect(datasets.body).toEqual([
      expect.objectContaining({ name: 'reviews', count: 6, head: 'sentiment', file: 'datasets/reviews.yaml' }),
    ]);
    expect(datasets.body[0].preview).toHaveLength(5);
    expect(Object.values(datasets.body[0].labelCounts).reduce((a: number, b) => a + (b as number), 0)).toBe(6);
  });

  it('serves runs, a run\'s metrics by name, the latest weights snapshot and filtered logs from the store', async () => {
    const runs = await json('/api/runs');
    expect(runs.body).toEqual([expect.objectContaining({ id: runId, status: 'completed', backend: 'cpu' })]);
    const metrics = await json(`/api/runs/${runId}/metrics`);
    expect(metrics.body.metrics['sentiment.loss']).toEqual([
      { step: 1, epoch: 1, value: 0.7 },
      { step: 2, epoch: 1, value: 0.6 },
    ]);
    expect((await json('/api/runs/nope/metrics')).status).toBe(404);
    const weights = await json('/api/models/demo/weights');
    expect(weights.body).toMatchObject({ runId, step: 2, tensors: [expect.objectContaining({ name: 'hidden/kernel', std: 0.2 })] });
    expect((await json('/api/models/other/weights')).status).toBe(404);

    const all = await json('/api/logs');
    expect(all.body.map((l: { message: string }) => l.message)).toEqual(['Epoch 1/1: loss 0.6.', 'Most tokens are unknown.']);
    const withSpam = await json(`/api/logs?spam=1&run=${runId}`);
    expect(withSpam.body).toHaveLength(3);
    expect((await json('/api/logs?level=warning')).body.map((l: { level: string }) => l.level)).toEqual(['warning']);
    expect((await json('/api/logs?q=TOKENS')).body).toHaveLength(1);
    expect((await json('/api/logs?level=loud')).status).toBe(400);
  });

  it('answers diagnostics with project-relative paths, and unknown projects and endpoints with 404 sentences', async () => {
    const diagnostics = (await json('/api/diagnostics')).body as Array<{ file: string; severity: string }>;
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const d of diagnostics) expect(d.file).toMatch(/^[^/]+\.yaml$|^datasets\//);
    const unknown = await json('/api/layers?project=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/No project 'nope' is served/);
    expect((await json('/api/nothing')).status).toBe(404);
  });

  it('refuses every method but GET and HEAD with 405 and names the YAML file to edit', async () => {
    const post = await get('/api/layers', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body).error).toMatch(/edit layers\.yaml/);
    expect(JSON.parse((await get('/api/heads', { method: 'PUT' })).body).error).toMatch(/edit heads\.yaml/);
    expect(JSON.parse((await get('/api/datasets/reviews', { method: 'DELETE' })).body).error).toMatch(/edit datasets\/reviews\.yaml/);
    expect(JSON.parse((await get('/api/tokens', { method: 'PATCH' })).body).error).toMatch(/edit tokens\.yaml/);
    expect((await get('/', { method: 'POST' })).status).toBe(405);
    const head = await get('/api/layers', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(10);
  });
});

describe('bad requests get 4xx answers and the server keeps serving', () => {
  it('answers an upgrade whose target is not a URL with 400 instead of ending the process', async () => {
    for (const target of ['http://x:99999/ws', 'http://[::1/ws', 'http://%zz/ws', 'http://:80/ws', 'http://a b/ws', 'ftp://127.0.0.1/ws', '*', '127.0.0.1:80', 'ws']) {
      expect((await upgrade(target)).status, target).toBe(400);
    }
    // absolute-form stands for Host: a loopback authority upgrades, another name is refused
    expect((await upgrade(`http://127.0.0.1:${server.port}/ws`)).status).toBe(101);
    expect((await upgrade(`http://127.attacker.example:${server.port}/ws`)).status).toBe(403);
    expect((await upgrade('/elsewhere')).status).toBe(404);
    expect((await json('/api/projects')).status).toBe(200);
  });

  it('answers malformed targets of plain requests with a JSON 400', async () => {
    // (authority-form, 'localhost:80', is refused by Node's parser before the server sees it)
    for (const target of ['http://x:99999/api/projects', 'http://[::1/api/projects', 'http://%zz/', '*', 'gopher://127.0.0.1/', 'http://user:pw@127.0.0.1/api/projects']) {
      const r = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(r.status, target).toBe(400);
      expect(JSON.parse(r.body).error, target).toMatch(/request target/);
    }
    const absolute = await raw(`GET http://localhost:${server.port}/api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(absolute.status).toBe(200);
    expect(JSON.parse(absolute.body)[0].name).toBe('demo');
  });

  it('answers bad query parameters and malformed percent-encoding with a JSON 400, never 500', async () => {
    for (const path of ['/api/runs?limit=99999999999999999999', '/api/runs?limit=-1', '/api/runs?limit=0', '/api/runs?limit=ten', '/api/runs?limit=1.5', '/api/runs?limit=1e3', '/api/logs?limit=99999999999999999999', '/api/logs?after=-3', '/api/logs?after=x', '/api/logs?spam=maybe', '/api/runs/%E0%A4%A/metrics', '/api/runs/%E0%A4%A', '/api/models/%zz/weights']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.headers['content-type'], path).toMatch(/application\/json/);
      expect(JSON.parse(r.body).error, path).toMatch(/\.$/);
    }
    expect((await json('/api/runs?limit=1')).body).toHaveLength(1);
    expect((await json('/api/logs?limit=1&after=0')).body).toHaveLength(1);
  });

  it('answers a write method on a path that does not exist with 404, and on one that does with 405', async () => {
    for (const path of ['/api/nonexistent', '/api/runs/x/y/z', '/api', '/nope.js']) {
      const r = await get(path, { method: 'POST' });
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body).error, path).toMatch(/Not found/);
    }
    for (const path of ['/api/layers', '/api/runs', `/api/runs/${runId}`, '/api/models/demo/weights', '/api/datasets/reviews', '/', '/main.js', '/ws']) {
      expect((await get(path, { method: 'POST' })).status, path).toBe(405);
    }
  });
});

describe('the DNS-rebinding guard', () => {
  it('answers Host names that are loopback literals, and refuses names that only look like them', async () => {
    for (const host of [`127.attacker.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, '127.evil', 'localhost.attacker.example', '127.0.0.1.', '0x7f.0.0.1', '2130706433', '127.1', `[::2]:${server.port}`]) {
      const r = await get('/api/datasets', { headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.body, host).not.toContain('reviews');
    }
    for (const host of [`127.0.0.1:${server.port}`, `127.9.8.7:${server.port}`, `LOCALHOST:${server.port}`, 'localhost', `[::1]:${server.port}`, `[0:0:0:0:0:0:0:1]:${server.port}`]) {
      expect((await get('/api/datasets', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['a b', '127.0.0.1:99999', '127.0.0.1:x', '[::1', 'user@127.0.0.1']) {
      expect((await get('/api/datasets', { headers: { host } })).status, host).toBe(400);
    }
  });

  it('refuses requests and upgrades without a Host header with 400', async () => {
    const plain = await raw('GET /api/datasets HTTP/1.0\r\n\r\n');
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.body).error).toMatch(/no Host header/);
    expect((await upgrade('/ws', '')).status).toBe(400);
  });

  it('refuses WebSocket upgrades from Origins that only look like loopback', async () => {
    for (const origin of [`http://127.0.0.1.nip.io:${server.port}`, `http://127.attacker.example:${server.port}`, `http://localhost.attacker.example:${server.port}`]) {
      await expect(connect(server.url, { origin }), origin).rejects.toThrow(/403/);
    }
    await expect(connect(server.url, { host: `127.0.0.1.nip.io:${server.port}`, origin: `http://127.0.0.1.nip.io:${server.port}` })).rejects.toThrow(/403/);
    const ok = await connect(server.url, { origin: `http://127.0.0.1:${server.port}` });
    ok.close();
    expect(isLoopback('127.attacker.example')).toBe(false);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
  });

  it('a server bound elsewhere also answers to its own address; one bound to every address to IP literals', () => {
    const lan = createNamePolicy('192.168.1.5');
    expect([lan('192.168.1.5'), lan('localhost'), lan('evil.example'), lan('127.attacker.example'), lan('10.0.0.1')]).toEqual([true, true, false, false, false]);
    const any = createNamePolicy('0.0.0.0', ['nnc.lab.example']);
    expect([any('10.0.0.1'), any('[fe80::1]'), any('nnc.lab.example'), any('127.0.0.1.nip.io'), any('evil.example')]).toEqual([true, true, true, false, false]);
    expect(originAllowed('http://192.168.1.5:8000', '192.168.1.5:8000', 8000, lan)).toBe(true);
    expect(originAllowed('http://evil.example:8000', 'evil.example:8000', 8000, lan)).toBe(false);
  });

  it('closes a WebSocket that sends a frame over the limit and keeps serving', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + 'ws');
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(1 << 20));
    expect(await closed).toBe(1009);
    await until('the client to be dropped', () => server.clients() === 0);
    expect((await json('/api/projects')).status).toBe(200);
  });
});

describe('dataset previews', () => {
  it('show classification labels as class names, as the YAML writes them, not as indices', async () => {
    const files = { ...DEMO };
    files['heads.yaml'] = files['heads.yaml']!.replace('loss: crossentropy', 'loss: crossentropy\n    classes: [negative, positive]');
    files['datasets/reviews.yaml'] = files['datasets/reviews.yaml']!.replace(/label: 1/g, 'label: positive').replace(/label: 0/g, 'label: negative');
    const named = createStoredProject(tempProject(files), 'named');
    const other = await createViewerServer({ projects: [named], bundleDir: bundle, port: 0 });
    try {
      const body = await new Promise<string>((resolve) => request(new URL('/api/datasets', other.url), (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); }).end());
      const [dataset] = JSON.parse(body);
      expect(dataset.preview.map((s: { input: string; label: unknown }) => [s.input, s.label])).toEqual([
        ['a great movie', 'positive'],
        ['the plot was awful', 'negative'],
        ['great acting and a great plot', 'positive'],
        ['awful and boring', 'negative'],
        ['i loved it', 'positive'],
      ]);
      expect(dataset.labelCounts).toEqual({ negative: 3, positive: 3 });
    } finally {
      await other.close();
      named.close();
    }
  });
});

describe('static files', () => {
  it('serves the bundle and nothing outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toContain('<title>viewer</title>');
    expect((await get('/main.js')).headers['content-type']).toMatch(/javascript/);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/link.txt', '/..%5csecret.txt', '/a%00b']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('do not serve');
    }
  });

  it('the build puts a page that loads the bundle into dist/viewer/', () => {
    const page = readFileSync('dist/viewer/index.html', 'utf8');
    expect(page).toContain('<script type="module" src="main.js"></script>');
    expect(page).toContain('href="main.css"');
    expect(existsSync('dist/viewer/main.js') && existsSync('dist/viewer/main.css')).toBe(true);
  });

  it('serves a plain page pointing at the build when the bundle is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nnc-nobundle-'));
    const bare = await createViewerServer({ projects: [project], bundleDir: empty, port: 0 });
    try {
      const r = await new Promise<string>((resolve) => request(bare.url, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); }).end());
      expect(r).toContain('npm run build');
      expect(r).toContain('/api/projects');
    } finally {
      await bare.close();
    }
  });
});

describe('WebSocket', () => {
  it('greets a client with connected and the current state of each project', async () => {
    const client = await connect(server.url);
    try {
      await client.next('diagnostics');
      const types = client.messages.map((r) => r.message.type);
      expect(types.slice(0, 3)).toEqual(['connected', 'project_compiled', 'diagnostics']);
      expect(client.of('connected')[0]).toEqual({ type: 'connected', projects: ['demo'], version: '9.9.9' });
      expect(client.of('project_compiled')[0]!.summary).toMatchObject({ project: 'demo', vocabularySize: expect.any(Number), layers: expect.any(Array) });
      expect(server.clients()).toBe(1);
    } finally {
      client.close();
    }
    await until('the client to be dropped', () => server.clients() === 0);
  });

  it('answers loopback host names only, so DNS rebinding cannot reach it', async () => {
    const evil = await get('/api/projects', { headers: { host: `evil.example:${server.port}` } });
    expect(evil.status).toBe(403);
    expect((await get('/api/projects', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    await expect(connect(server.url, { host: `evil.example:${server.port}` })).rejects.toThrow(/403/);
  });

  it('refuses upgrades from a foreign Origin and accepts the page\'s own', async () => {
    await expect(connect(server.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(server.url, { origin: 'null' })).rejects.toThrow(/403/);
    const own = await connect(server.url, { origin: server.url.replace(/\/$/, '') });
    own.close();
    const localhost = await connect(server.url, { origin: `http://localhost:${server.port}` });
    localhost.close();
    expect(originAllowed('http://localhost:9999', `127.0.0.1:${server.port}`, server.port)).toBe(false);
    expect(originAllowed('http://192.168.1.5:8000', '192.168.1.5:8000', 8000)).toBe(true);
  });

  it('coalesces training stats: a flood of 5000 becomes about 20 messages a second, ending on the newest', async () => {
    const client = await connect(server.url);
    try {
      await client.next('diagnostics');
      const start = client.messages.length;
      const stats = (step: number): ServerMessage => ({ type: 'training_stats', project: 'demo', stats: { runId: 'r', step, epoch: 1, losses: { sentiment: 1 / step }, metrics: {}, learningRate: 0.01, gradNorm: 1, samplesPerSecond: 1, progress: step / 5000, numTensors: 1, memoryBytes: 1 } });
      const t0 = performance.now();
      for (let step = 1; step <= 5000; step++) {
        server.broadcast(stats(step));
        if (step % 250 === 0) await sleep(50); // 1 s of training at 5000 stats/s
      }
      server.broadcast({ type: 'training_log', project: 'demo', log: { id: -1, runId: 'r', time: 0, level: 'info', category: 'train', message: 'Epoch 1/1.', spam: false, count: 1 } });
      await until('the newest stats', () => client.of('training_stats').some((m) => m.stats.step === 5000), 3000);
      const got = client.messages.slice(start);
      const elapsed = (got[got.length - 1]!.at - t0) / 1000;
      expect(got.length).toBeLessThanOrEqual(Math.ceil(elapsed * 20) + 2);
      expect(got.length).toBeGreaterThan(5);
      // no more than 20 in any one-second window
      for (const r of got) expect(got.filter((o) => o.at >= r.at && o.at < r.at + 1000).length).toBeLessThanOrEqual(21);
      const steps = client.of('training_stats').map((m) => m.stats.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      await until('the log line', () => client.of('training_log').length === 1, 2000);
    } finally {
      client.close();
    }
  });
});

describe('batch frames over the WebSocket', () => {
  it('a client on /ws?batch=1 gets every epoch stats of a fast run in at most ~20 frames a second', async () => {
    const frames: string[] = [];
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + 'ws?batch=1');
    ws.on('message', (d) => frames.push(String(d)));
    await new Promise((r) => ws.once('open', r));
    await until('the greeting', () => frames.length >= 1);
    const start = frames.length;
    for (let i = 0; i < 100; i++) {
      server.broadcast({ type: 'training_stats', project: 'demo', stats: { runId: 'r', step: i, epoch: i, losses: {}, metrics: { val_loss: 1 / (i + 1) }, learningRate: 0, gradNorm: 0, samplesPerSecond: 0, progress: 0, numTensors: 0, memoryBytes: 0, kind: 'epoch' } });
      if (i % 10 === 9) await sleep(20);
    }
    const steps = () => frames.slice(start).flatMap((f) => { const m = JSON.parse(f); return m.type === 'batch' ? m.messages : [m]; }).map((m: { stats: { step: number } }) => m.stats.step);
    await until('all 100 epoch stats', () => steps().length === 100, 3000);
    expect(steps()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(frames.length - start).toBeLessThan(20);
    ws.terminate();
  });
});

describe('client channel', () => {
  it('sends what follows an edit at once, after whatever training stats of that project were waiting', () => {
    const out: ServerMessage[] = [];
    const channel = createClientChannel({ write: (t) => out.push(JSON.parse(t)), backlog: () => 0 });
    const stats = (step: number, kind?: 'epoch'): ServerMessage => ({ type: 'training_stats', project: 'p', stats: { runId: 'r1', step, epoch: 1, losses: {}, metrics: {}, learningRate: 0, gradNorm: 0, samplesPerSecond: 0, progress: 0, numTensors: 0, memoryBytes: 0, ...(kind ? { kind } : {}) } as TrainingStatsView });
    channel.send(stats(1)); // first one goes at once
    channel.send(stats(2));
    channel.send(stats(3)); // replaces 2
    channel.send(stats(4, 'epoch')); // kept in order, never replaced
    channel.send(stats(5));
    channel.send({ type: 'run_ended', project: 'p', run: { id: 'r1' } as never });
    expect(out.map((m) => (m.type === 'training_stats' ? `${m.stats.kind ?? 'batch'}:${m.stats.step}` : m.type))).toEqual(['batch:1', 'epoch:4', 'batch:5', 'run_ended']);
    channel.close();
  });

  const floodStats = (step: number, kind: 'batch' | 'epoch'): ServerMessage => ({ type: 'training_stats', project: 'p', stats: { runId: 'r', step, epoch: 1, losses: {}, metrics: {}, learningRate: 0, gradNorm: 0, samplesPerSecond: 0, progress: 0, numTensors: 0, memoryBytes: 0, kind } });
  const epochLog = (step: number): ServerMessage => ({ type: 'training_log', project: 'p', log: { id: -step - 1, runId: 'r', time: 0, level: 'info', category: 'train', message: `epoch at ${step}`, spam: false, count: 1 } });

  /** 2 s of training: batch stats and weights every 5 ms, an epoch (epoch stats + a log line) every `epochMs`. */
  async function flood(channel: ReturnType<typeof createClientChannel>, epochMs: number): Promise<Map<number, number>> {
    const sentAt = new Map<number, number>();
    for (let tick = 0; tick < 2000; tick += 5) {
      channel.send(floodStats(tick, 'batch'));
      channel.send({ type: 'weights_update', project: 'p', runId: 'r', step: tick, tensors: [] });
      if (tick % epochMs === 0) {
        sentAt.set(tick, performance.now());
        channel.send(floodStats(tick, 'epoch'));
        channel.send(epochLog(tick));
      }
      await sleep(5);
    }
    return sentAt;
  }
  const stepOf = (m: ServerMessage) => (m as { stats: { step: number } }).stats.step;

  it('keeps epoch stats and log lines flowing in order while batch stats flood, and thins the batch stats', async () => {
    const out: Array<{ m: ServerMessage; at: number }> = [];
    const channel = createClientChannel({ write: (t) => out.push({ m: JSON.parse(t), at: performance.now() }), backlog: () => 0 });
    const t0 = performance.now();
    const sentAt = await flood(channel, 200); // 5 epochs a second
    await until('the last log line', () => out.some((o) => o.m.type === 'training_log' && o.m.log.message === 'epoch at 1800'), 2000);
    const epochs = out.filter((o) => o.m.type === 'training_stats' && o.m.stats.kind === 'epoch');
    expect(epochs.map((o) => stepOf(o.m))).toEqual([...sentAt.keys()]);
    for (const o of epochs) expect(o.at - sentAt.get(stepOf(o.m))!).toBeLessThan(300);
    expect(out.filter((o) => o.m.type === 'training_log')).toHaveLength(10);
    const seconds = (out.at(-1)!.at - t0) / 1000;
    expect(out.filter((o) => o.m.type === 'training_stats' && o.m.stats.kind === 'batch').length).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 1);
    expect(out.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 1);
    channel.close();
  });

  it('when epochs come faster than frames: batch frames deliver every one in order, single frames drop the oldest', async () => {
    const frames: Array<{ m: ServerMessage | BatchFrame; at: number }> = [];
    const batched = createClientChannel({ write: (t) => frames.push({ m: JSON.parse(t), at: performance.now() }), backlog: () => 0 }, { batch: true });
    const single: ServerMessage[] = [];
    const plain = createClientChannel({ write: (t) => single.push(JSON.parse(t)), backlog: () => 0 });
    const both = { send: (m: ServerMessage) => (batched.send(m), plain.send(m)) } as ReturnType<typeof createClientChannel>;
    const t0 = performance.now();
    const sentAt = await flood(both, 25); // 40 epochs a second: 80 ordered messages a second
    await sleep(200);
    const messages = frames.flatMap((f) => (f.m.type === 'batch' ? f.m.messages : [f.m]));
    const epochs = messages.filter((m) => m.type === 'training_stats' && m.stats.kind === 'epoch').map(stepOf);
    expect(epochs).toEqual([...sentAt.keys()]);
    expect(messages.filter((m) => m.type === 'training_log')).toHaveLength(sentAt.size);
    const seconds = (frames.at(-1)!.at - t0) / 1000;
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 1);
    // one message per frame cannot carry 80 a second: the oldest go, the newest arrive, still in order
    const plainEpochs = () => single.filter((m) => m.type === 'training_stats' && m.stats.kind === 'epoch').map(stepOf);
    // the lag stays bounded: the newest arrives within two seconds
    await until('the newest epoch on the single-message channel', () => plainEpochs().at(-1) === 1975, 2000);
    expect(plainEpochs().length).toBeLessThan(sentAt.size);
    expect(plainEpochs()).toEqual([...plainEpochs()].sort((a, b) => a - b));
    batched.close();
    plain.close();
  });

  it('holds coalesced messages back from a client whose socket is backed up', async () => {
    const out: string[] = [];
    let backlog = 10 << 20;
    const channel = createClientChannel({ write: (t) => out.push(t), backlog: () => backlog });
    for (let i = 0; i < 100; i++) channel.send({ type: 'weights_update', project: 'p', runId: 'r', step: i, tensors: [] });
    await sleep(150);
    expect(out).toHaveLength(0);
    backlog = 0;
    await until('the newest weights', () => out.length === 1, 1000);
    expect(JSON.parse(out[0]!).step).toBe(99);
    channel.close();
  });
});
