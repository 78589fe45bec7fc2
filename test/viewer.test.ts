// The viewer's logic without a browser: downsampling, metric series, log
// merging and filtering, diagnostics placement, message folding, reconnects.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { LogView, RunView, ServerMessage } from '../src/shared/protocol.js';
import { createColumnReducer, downsampleMinMax, niceTicks, valueRange } from '../src/viewer/downsample.js';
import { createSeriesSet, nearestIndex } from '../src/viewer/series.js';
import { mergeLog, visibleLogs } from '../src/viewer/logs.js';
import { attachDiagnostics } from '../src/viewer/diagnostics.js';
import { applyMessages, diagnostics, liveRunId, logs, project, projects, runs, seriesFor, seriesVersion, stats, weights } from '../src/viewer/state.js';
import { createConnection, type ConnectionState } from '../src/viewer/connection.js';

describe('downsampleMinMax', () => {
  it('keeps every column extreme of 100,000 points in at most four points per column', () => {
    const n = 100_000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i + 1;
      ys[i] = Math.sin(i / 500) + (i === 54_321 ? 10 : 0) - (i === 777 ? 7 : 0);
    }
    const width = 800;
    const t = performance.now();
    const pts = downsampleMinMax(xs, ys, n, { x0: 1, x1: n, width });
    const ms = performance.now() - t;
    expect(pts.length / 2).toBeLessThanOrEqual(width * 4);
    expect(pts.length / 2).toBeGreaterThan(width);
    // the two spikes survive, and the overall range is exact
    const [lo, hi] = valueRange(pts);
    let trueLo = Infinity;
    let trueHi = -Infinity;
    for (const y of ys) (trueLo = Math.min(trueLo, y)), (trueHi = Math.max(trueHi, y));
    expect(lo).toBe(trueLo);
    expect(hi).toBe(trueHi);
    // columns ascend and stay inside the plot
    for (let k = 2; k < pts.length; k += 2) expect(pts[k]).toBeGreaterThanOrEqual(pts[k - 2]);
    expect(pts[pts.length - 2]).toBe(width - 1);
    // about 10 ms alone; 61 ms was seen beside a training test file on two loaded cores
    expect(ms).toBeLessThan(150);
  });

  it('passes a short series through unchanged', () => {
    const xs = Float64Array.from([1, 2, 3]);
    const ys = Float64Array.from([0.5, 0.4, 0.45]);
    expect([...downsampleMinMax(xs, ys, 3, { x0: 1, x1: 3, width: 300 })]).toEqual([0, 0.5, 150, 0.4, 299, 0.45]);
  });

  it('orders min and max by when they happened', () => {
    const xs = Float64Array.from([1, 1.1, 1.2, 1.3]);
    const ys = Float64Array.from([0, 5, -5, 1]);
    const pts = downsampleMinMax(xs, ys, 4, { x0: 0, x1: 100, width: 10 });
    expect([...pts].filter((_, i) => i % 2 === 1)).toEqual([0, 5, -5, 1]);
  });
});

describe('createColumnReducer', () => {
  it('gives the same points growing a series step by step as reducing it at once, and reduces only new points', () => {
    const set = createSeriesSet('r');
    const reducer = createColumnReducer();
    const view = { x0: 1, x1: 20_000, width: 500 };
    let last: Float64Array = new Float64Array(0);
    for (let i = 1; i <= 15_000; i++) {
      set.append('loss', i, Math.cos(i / 97) + (i % 13) / 10);
      const s = set.get('loss')!;
      if (i % 1000 === 0) last = reducer.reduce(s.xs, s.ys, s.n, s.edits, view);
    }
    const s = set.get('loss')!;
    expect([...last]).toEqual([...downsampleMinMax(s.xs, s.ys, s.n, view)]);
    // an edit of an old point invalidates the reuse
    set.append('loss', 15_000, 99);
    expect(valueRange(reducer.reduce(s.xs, s.ys, s.n, s.edits, view))[1]).toBe(99);
  });
});

describe('niceTicks', () => {
  it('gives round steps inside the range', () => {
    const fifths = niceTicks(0, 1, 5);
    expect(fifths).toHaveLength(6);
    fifths.forEach((v, i) => expect(v).toBeCloseTo(i * 0.2, 12));
    // values apart by rounding only must not hang (a step below their precision)
    expect(niceTicks(0.02, 0.020000000000000004, 4).length).toBeLessThanOrEqual(15);
    expect(niceTicks(1e6, 1e6 + 1e-9, 4).length).toBeLessThanOrEqual(15);
    const t = niceTicks(0.13, 0.87, 4);
    expect(t[0]).toBeGreaterThanOrEqual(0.13);
    expect(t[t.length - 1]).toBeLessThanOrEqual(0.87);
    expect(t.length).toBeGreaterThanOrEqual(3);
  });
});

describe('series', () => {
  it('grows past its first capacity and replaces a repeated step', () => {
    const set = createSeriesSet('r');
    for (let i = 1; i <= 1000; i++) set.append('loss', i, 1 / i);
    set.append('loss', 1000, 42);
    const s = set.get('loss')!;
    expect(s.n).toBe(1000);
    expect(s.ys[999]).toBe(42);
    set.append('loss', 500.5, 7); // out of order: inserted in place
    expect(s.n).toBe(1001);
    expect(s.xs[500]).toBe(500.5);
    expect(nearestIndex(s.xs, s.n, 500.4)).toBe(500);
    expect(set.names()).toEqual(['loss']);
  });
});

const line = (id: number, message: string, extra: Partial<LogView> = {}): LogView => ({
  id, runId: 'r1', time: id, level: 'info', category: 'train', message, spam: false, count: 1, ...extra,
});

describe('logs', () => {
  it('collapses a repeated live line, also across spam lines in between', () => {
    let list: LogView[] = [];
    list = mergeLog(list, line(-1, 'epoch 1 done'));
    list = mergeLog(list, line(-2, 'batch 3', { spam: true }));
    list = mergeLog(list, line(-3, 'epoch 1 done'));
    expect(list.map((l) => [l.message, l.count])).toEqual([['epoch 1 done', 2], ['batch 3', 1]]);
    // a stored line re-sent with its new count replaces the old one
    list = mergeLog([line(5, 'x')], line(5, 'x', { count: 9 }));
    expect(list).toHaveLength(1);
    expect(list[0].count).toBe(9);
  });

  it('filters by level, text and spam, and collapses neighbours that filtering brings together', () => {
    const all = [
      line(1, 'loading data', { category: 'data' }),
      line(2, 'lr changed', { level: 'debug' }),
      line(3, 'step 1', { spam: true }),
      line(4, 'val_loss rose', { level: 'warning' }),
      line(5, 'step 2', { spam: true }),
      line(6, 'val_loss rose', { level: 'warning' }),
      line(7, 'NaN loss', { level: 'error' }),
    ];
    expect(visibleLogs(all, { level: 'info', q: '', showSpam: false }).map((l) => `${l.message}x${l.count}`)).toEqual([
      'loading datax1', 'val_loss rosex2', 'NaN lossx1',
    ]);
    expect(visibleLogs(all, { level: 'debug', q: '', showSpam: true })).toHaveLength(7);
    expect(visibleLogs(all, { level: 'error', q: '', showSpam: true }).map((l) => l.message)).toEqual(['NaN loss']);
    expect(visibleLogs(all, { level: 'debug', q: 'DATA', showSpam: false }).map((l) => l.id)).toEqual([1]);
  });
});

describe('attachDiagnostics', () => {
  it('puts a diagnostic under the entry written at or above its line in the same file', () => {
    const entries = [
      { name: 'layer:embed', file: 'layers.yaml', line: 4 },
      { name: 'layer:hidden', file: 'layers.yaml', line: 6 },
      { name: 'head:sentiment', file: 'heads.yaml', line: 4 },
    ];
    const d = (file: string, line: number) => ({ code: 3002, severity: 'error' as const, message: 'm', file, line, column: 5 });
    const got = attachDiagnostics(entries, [d('layers.yaml', 7), d('layers.yaml', 4), d('heads.yaml', 5), d('nnc.yaml', 3), d('layers.yaml', 2)]);
    expect(got.get('layer:hidden')!.map((x) => x.line)).toEqual([7]);
    expect(got.get('layer:embed')!.map((x) => x.line)).toEqual([4]);
    expect(got.get('head:sentiment')!.map((x) => x.line)).toEqual([5]);
    expect(got.get('')!.map((x) => `${x.file}:${x.line}`)).toEqual(['nnc.yaml:3', 'layers.yaml:2']);
  });
});

const runView = (id: string, status: RunView['status']): RunView => ({
  id, project: 'p', planHash: 'h', gitCommit: null, gitDirty: false, backend: 'cpu', status, parentId: null, startedAt: 1, endedAt: null, best: {}, info: {},
});

describe('applyMessages', () => {
  it('folds a training session into the signals and ignores other projects', () => {
    const before = seriesVersion.value;
    const msgs: ServerMessage[] = [
      { type: 'connected', projects: ['p', 'q'], version: '0' },
      { type: 'run_started', project: 'p', run: runView('r1', 'running') },
      { type: 'training_stats', project: 'p', stats: { runId: 'r1', step: 10, epoch: 1, losses: { sentiment: 0.7 }, metrics: { 'sentiment.accuracy': 0.5 }, learningRate: 0.01, gradNorm: 1.2, samplesPerSecond: 100, progress: 0.1, numTensors: 5, memoryBytes: 1000 } },
      { type: 'training_stats', project: 'p', stats: { runId: 'r1', step: 20, epoch: 1, losses: { sentiment: 0.6 }, metrics: {}, learningRate: 0.01, gradNorm: 1.0, samplesPerSecond: 100, progress: 0.2, numTensors: 5, memoryBytes: 1000 } },
      { type: 'training_stats', project: 'q', stats: { runId: 'other', step: 1, epoch: 1, losses: { x: 9 }, metrics: {}, learningRate: 1, gradNorm: 1, samplesPerSecond: 1, progress: 0, numTensors: 0, memoryBytes: 0 } },
      { type: 'training_log', project: 'p', log: line(-1, 'epoch 1 done') },
      { type: 'training_log', project: 'p', log: line(-2, 'epoch 1 done') },
      { type: 'weights_update', project: 'p', runId: 'r1', step: 20, tensors: [] },
      { type: 'diagnostics', project: 'p', diagnostics: [{ code: 2001, severity: 'error', message: 'bad', file: 'layers.yaml', line: 3, column: 1 }] },
      { type: 'run_ended', project: 'p', run: runView('r1', 'completed') },
    ];
    const r = applyMessages(msgs);
    expect(projects.value).toEqual(['p', 'q']);
    expect(project.value).toBe('p');
    expect(liveRunId.value).toBe('r1');
    expect(runs.value.map((x) => x.status)).toEqual(['completed']);
    const set = seriesFor('r1');
    // batch stats also feed the resource series the store keeps (sys.*)
    expect(set.names()).toEqual(['grad_norm', 'lr', 'sentiment.accuracy', 'sentiment.loss', 'sys.samples_per_second', 'sys.tensor_bytes', 'sys.tensors']);
    expect([...set.get('sys.tensor_bytes')!.ys.subarray(0, 2)]).toEqual([1000, 1000]);
    expect([...set.get('sentiment.loss')!.ys.subarray(0, 2)]).toEqual([0.7, 0.6]);
    expect(stats.value?.step).toBe(20);
    expect(logs.value.map((l) => l.count)).toEqual([2]);
    expect(weights.value?.step).toBe(20);
    expect(diagnostics.value).toHaveLength(1);
    expect(seriesVersion.value).toBe(before + 1);
    expect(r.metrics).toEqual(['r1']);
  });
});

describe('createConnection', () => {
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('reconnects with backoff after the server goes away and comes back', async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket ??= NodeWebSocket;
    const start = () =>
      new Promise<WebSocketServer>((resolve) => {
        const s: WebSocketServer = new WebSocketServer({ port, host: '127.0.0.1' }, () => resolve(s));
        s.on('connection', (ws) => ws.send(JSON.stringify({ type: 'connected', projects: ['p'], version: 't' })));
        servers.push(s);
      });
    let port = 0;
    const first = await start();
    port = (first.address() as AddressInfo).port;
    const states: ConnectionState['state'][] = [];
    let connectedCount = 0;
    const conn = createConnection({
      url: `ws://127.0.0.1:${port}/`,
      baseDelayMs: 50,
      maxDelayMs: 200,
      onState: (s) => states.push(s.state),
      onMessage: (m) => m.type === 'connected' && connectedCount++,
    });
    await until(() => connectedCount === 1);
    for (const c of first.clients) c.terminate();
    await new Promise((r) => first.close(r));
    servers.length = 0;
    await until(() => states.filter((s) => s === 'closed').length >= 2); // at least one failed retry
    await start();
    await until(() => connectedCount === 2);
    conn.close();
    expect(states[0]).toBe('connecting');
    expect(states).toContain('closed');
    expect(states[states.length - 1]).toBe('open');
  });
});

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
