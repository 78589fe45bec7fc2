// nnc serve end to end: the built CLI serving a trained project (sentiment,
// two heads) and an export folder (housing, feature vectors). Predictions
// equal nnc predict's; every bad request is a 4xx with a sentence; concurrent
// requests are answered correctly and share model calls; SIGTERM answers what
// is in flight, then exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliPredictions, expectSamePredictions, readPreprocess, sampleInputs, trainAndExport, type Prediction } from './helpers/portable-export.js';

interface Served {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function serve(...args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0'], { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nnc serve did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /at (http:\/\/\S+) /.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`nnc serve exited with ${code}: ${output}`)));
  });
}

async function post(url: string, body: unknown, type = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

let root: string;
let sentimentDir: string;
let sentiment: Served;
let housing: Served;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nnc-serve-'));
  sentimentDir = join(root, 'sentiment');
  await Promise.all([
    trainAndExport('projects/sentiment', sentimentDir, join(root, 'sentiment-export')),
    trainAndExport('projects/housing', join(root, 'housing'), join(root, 'housing-export')),
  ]);
  [sentiment, housing] = await Promise.all([serve(sentimentDir), serve(join(root, 'housing-export'))]);
}, 240_000);

afterAll(async () => {
  for (const s of [sentiment, housing]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('nnc serve', () => {
  it('answers /health and /model (the model card)', async () => {
    const health = (await (await fetch(`${sentiment.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', model: 'sentiment', heads: ['sentiment', 'topic'] });
    const card = (await (await fetch(`${sentiment.url}/model`)).json()) as { name: string; heads: { name: string; classes: string[] }[]; run: { planHash: string }; metrics: Record<string, number>; data: { datasets: { samples: number }[] } };
    expect(card.name).toBe('sentiment');
    expect(card.heads[0]).toMatchObject({ name: 'sentiment', classes: ['negative', 'positive'] });
    expect(card.run.planHash).toMatch(/^[0-9a-f]{8,}$/);
    expect(card.metrics['sentiment.val_accuracy']).toBeTypeOf('number');
    expect(card.data.datasets.length).toBeGreaterThan(0);
    const exported = (await (await fetch(`${housing.url}/model`)).json()) as { name: string };
    expect(exported.name).toBe('housing');
  });

  it('predicts what nnc predict prints, for a project and for an export, per head', async () => {
    const preprocess = readPreprocess(join(root, 'sentiment-export'));
    const inputs = sampleInputs(preprocess);
    const expected = await cliPredictions(sentimentDir, preprocess, inputs, root);
    for (const head of ['sentiment', 'topic']) {
      const { status, json } = await post(sentiment.url, { inputs, ...(head === 'topic' ? { head } : {}) });
      expect(status).toBe(200);
      expect(json.head).toBe(head);
      expectSamePredictions(json.predictions as Prediction[], expected[head], `serve ${head}`);
    }
    const housingPre = readPreprocess(join(root, 'housing-export'));
    const vectors = sampleInputs(housingPre);
    const housingExpected = await cliPredictions(join(root, 'housing'), housingPre, vectors, root);
    const { status, json } = await post(housing.url, { inputs: vectors });
    expect(status).toBe(200);
    expectSamePredictions(json.predictions as Prediction[], housingExpected.price, 'serve housing');
  });

  it('answers every bad request with a 4xx and a sentence', async () => {
    const cases: [Served, unknown, number, string, string?][] = [
      [sentiment, '{"inputs": ["a", ', 400, 'not valid JSON'],
      [sentiment, { inputs: ['a'] }, 415, "send 'Content-Type: application/json', not 'text/plain'", 'text/plain'],
      [sentiment, [1, 2], 400, 'must be a JSON object'],
      [sentiment, {}, 400, "has no 'inputs'"],
      [sentiment, { inputs: [] }, 400, "'inputs' is empty"],
      [sentiment, { inputs: 'a great movie' }, 400, "'inputs' must be an array"],
      [sentiment, { inputs: ['fine', 42] }, 400, 'This model takes text, but input 1 is the number 42; give a string.'],
      [sentiment, { inputs: ['fine'], head: 'nope' }, 400, "The model has no head 'nope'. Its heads: 'sentiment', 'topic'."],
      [sentiment, { inputs: ['fine'], extra: 1 }, 400, "Unknown field 'extra'"],
      [housing, { inputs: [[1, 2, 3]] }, 400, 'This model takes 6 numbers per input, but the input has 3.'],
      [housing, { inputs: ['big house'] }, 400, 'This model takes 6 numbers per input, but the input is a string'],
      [housing, { inputs: [[1, 2, 3, 4, null, 6]] }, 400, 'Number 4 of the input is null, not a finite number.'],
    ];
    for (const [server, body, status, message, type] of cases) {
      const answer = await post(server.url, body, type);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(String(answer.json.error), JSON.stringify(body)).toContain(message);
    }
    const big = await post(sentiment.url, { inputs: ['x'.repeat(1024 * 1024)] });
    expect(big.status).toBe(413);
    expect(String(big.json.error)).toContain('limit');
    const many = await post(sentiment.url, { inputs: Array.from({ length: 1025 }, () => 'ok') });
    expect(many.status).toBe(413);
    const get = await fetch(`${sentiment.url}/predict`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const missing = await fetch(`${sentiment.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain('POST /predict');
    // the server is still fine
    expect((await post(sentiment.url, { inputs: ['still here'] })).status).toBe(200);
  });

  // Batching itself is pinned deterministically in serve-batcher.test.ts; over real
  // sockets how many requests share a call depends on when they arrive (a loaded CI
  // machine can deliver them one by one), so this checks answers and accounting only.
  it('answers 200 concurrent requests correctly, each counted once', async () => {
    const words = ['great', 'awful', 'boring', 'fun', 'plot', 'acting', 'music', 'ending', 'not', 'very'];
    const inputs = Array.from({ length: 200 }, (_, i) => `the ${words[i % 10]} movie was ${words[(i * 7) % 10]} ${i}`);
    const together = await post(sentiment.url, { inputs });
    const before = (await (await fetch(`${sentiment.url}/health`)).json()) as { modelCalls: number; requests: number };
    const answers = await Promise.all(inputs.map((input) => post(sentiment.url, { inputs: [input] })));
    const after = (await (await fetch(`${sentiment.url}/health`)).json()) as { modelCalls: number; requests: number };
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expectSamePredictions(answers.map((a) => (a.json.predictions as Prediction[])[0]), together.json.predictions as Prediction[], 'concurrent');
    expect(after.requests - before.requests).toBe(200);
    expect(after.modelCalls - before.modelCalls).toBeGreaterThanOrEqual(1);
    expect(after.modelCalls - before.modelCalls).toBeLessThanOrEqual(200);
  });

  it('measures the p50 latency of a one-input request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const once = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const req = request(`${sentiment.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    for (let i = 0; i < 20; i++) await once(JSON.stringify({ inputs: [`warm up ${i}`] }));
    const times: number[] = [];
    for (let i = 0; i < 200; i++) times.push(await once(JSON.stringify({ inputs: [`the plot was not boring ${i}`] })));
    times.sort((a, b) => a - b);
    const p50 = times[100];
    console.log(`nnc serve sentiment: one-input request p50 ${p50.toFixed(2)} ms, p90 ${times[180].toFixed(2)} ms`);
    // the benchmark target is 10 ms (BENCHMARKS.md); a loaded test machine gets slack
    agent.destroy();
    expect(p50).toBeLessThan(50);
  });

  it('on SIGTERM answers the request in flight, then exits 0', async () => {
    const inputs = Array.from({ length: 1000 }, (_, i) => `a long review number ${i} about the plot and the acting`);
    const pending = post(sentiment.url, { inputs });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sentiment.child.kill('SIGTERM');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect((answer.json.predictions as Prediction[]).length).toBe(1000);
    expect(await sentiment.exited).toBe(0);
    expect(sentiment.output()).toMatch(/stopped \(SIGTERM\) after \d+ requests/);
  });
});
