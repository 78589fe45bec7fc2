// Server abuse against a real `nnc view` process (the built CLI): for a few
// seconds, seeded random requests over raw sockets (malformed request lines
// and targets, odd methods and versions, Host and Origin values that only
// look like loopback, upgrade requests with and without their headers,
// oversized headers, garbage bodies), then oversized WebSocket frames. No
// answer may be a 5xx, no data may go to a Host or Origin the server must
// refuse, and the process must still be serving afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../src/runtime/store/store.js';
import { removeTempProjects, tempProject, until } from './watch-helpers.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const FUZZ_MS = 3000;
const PARALLEL = 8;

let child: ChildProcess;
let exited: Promise<number | null>;
let stdout = '';
let stderr = '';
let port = 0;
let runId = '';

beforeAll(async () => {
  const dir = tempProject();
  const store = createRunStore(dir);
  const run = store.createRun({ planHash: 'p', modelHash: 'm', gitCommit: null, gitDirty: false, backend: 'cpu', plan: { project: { name: 'demo' } } });
  runId = run.id;
  store.addMetrics(run.id, [{ step: 1, epoch: 1, name: 'loss', value: 0.5 }]);
  store.addLog(run.id, { time: Date.now(), level: 'info', category: 'train', message: 'secret-log-line', spam: false });
  store.endRun(run.id, 'completed');
  store.close();
  child = spawn(process.execPath, [CLI, 'view', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  port = Number(await until('the viewer URL', () => stdout.match(/viewer at http:\/\/127\.0\.0\.1:(\d+)\//)?.[1] ?? (child.exitCode !== null && (() => { throw new Error(`nnc view exited: ${stdout} ${stderr}`); })()), 30_000));
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGINT');
  await exited;
  removeTempProjects();
});

/** A seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

interface Case {
  readonly text: string;
  /** the server may answer 2xx only when the Host (or an absolute target's authority) is one it answers to */
  readonly mayServe: boolean;
  /** and 101 only when the Origin is allowed too */
  readonly mayUpgrade: boolean;
}

/** Host values, and whether the server may answer them. */
const hosts = (): Array<[string | null, boolean]> => [
  [`127.0.0.1:${port}`, true],
  ['127.0.0.1', true],
  [`localhost:${port}`, true],
  [`LocalHost:${port}`, true],
  [`[::1]:${port}`, true],
  [`127.8.9.10:${port}`, true],
  [null, false],
  ['', false],
  [`127.attacker.example:${port}`, false],
  [`127.0.0.1.nip.io:${port}`, false],
  ['localhost.attacker.example', false],
  ['127.1', false],
  ['2130706433', false],
  ['0x7f.0.0.1', false],
  ['127.0.0.256', false],
  ['[::1', false],
  [`[::ffff:127.0.0.1]:${port}`, false],
  ['127.0.0.1:99999', false],
  ['127.0.0.1:-1', false],
  ['evil.example', false],
  ['user@127.0.0.1', false],
  ['127.0.0.1 127.0.0.1', false],
  ['%31%32%37.0.0.1', false],
  ['x'.repeat(300), false],
];

const origins = (): Array<[string | null, boolean]> => [
  [null, true],
  [`http://127.0.0.1:${port}`, true],
  [`http://localhost:${port}`, true],
  ['null', false],
  [`http://127.0.0.1.nip.io:${port}`, false],
  [`http://127.attacker.example:${port}`, false],
  ['http://evil.example', false],
  [`http://127.0.0.1:${port + 1}`, false],
  ['file://', false],
  ['http://[::1', false],
  ['http://x:99999', false],
  ['%', false],
];

const methods = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'BREW', 'get', 'G\u0000T', ''];
const versions = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTPS/1.1', ''];

function targets(r: ReturnType<typeof random>): string {
  const id = r.pick([runId, '%E0%A4%A', '%ff', '%', '..', '%2e%2e', 'x'.repeat(2000), '\u00e9', '%00']);
  const number = r.pick(['1', '0', '-1', '99999999999999999999', 'ten', '1.5', '1e3', '', '%', '0x10', ' 5']);
  return r.pick([
    '/api/projects',
    `/api/runs?limit=${number}`,
    `/api/logs?limit=${number}&after=${number}&spam=${r.pick(['1', 'true', 'maybe', ''])}&level=${r.pick(['info', 'loud', ''])}`,
    `/api/runs/${id}`,
    `/api/runs/${id}/metrics`,
    `/api/models/${id}/weights`,
    `/api/datasets?project=${r.pick(['project', 'nope', '%zz', ''])}`,
    '/api/nonexistent',
    '/api',
    '/ws',
    '/ws?batch=1',
    '/',
    '/index.html',
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '//evil.example/ws',
    '/%',
    '/%E0%A4%A',
    `/${'a/'.repeat(4000)}`,
    'http://x:99999/ws',
    'http://[::1/ws',
    'http://%zz/ws',
    'http://:80/ws',
    `http://127.0.0.1:${port}/ws`,
    `http://127.0.0.1:${port}/api/projects`,
    `http://127.attacker.example:${port}/api/projects`,
    `http://127.0.0.1.nip.io:${port}/ws`,
    'http://user:pw@127.0.0.1/api/projects',
    'ftp://127.0.0.1/ws',
    '*',
    'localhost:80',
    'api/projects',
    '',
    '/a b',
    '/\u00ff\u00fe',
  ]);
}

/** Absolute-form targets stand for Host: the authority decides. */
function targetAuthority(target: string): string | null {
  const m = /^[a-z]+:\/\/([^/]*)/i.exec(target);
  return m ? m[1]! : null;
}

/** A valid request (plain or upgrade) with zero to three of its parts replaced by hostile or malformed ones. */
function makeCase(r: ReturnType<typeof random>): Case {
  const upgrade = r.chance(0.4);
  let method = 'GET';
  let target = upgrade ? r.pick(['/ws', '/ws?batch=1']) : r.pick(['/api/projects', '/api/runs', `/api/runs/${runId}/metrics`, '/api/datasets', '/api/logs', '/']);
  let version = 'HTTP/1.1';
  let [host, hostOk]: [string | null, boolean] = [`127.0.0.1:${port}`, true];
  let [origin, originOk]: [string | null, boolean] = upgrade && r.chance(0.5) ? [`http://127.0.0.1:${port}`, true] : [null, true];
  let upgradeHeaders = upgrade ? ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='] : [];
  const extra: string[] = [];
  let body = '';
  const mutations = r.pick([0, 1, 1, 2, 2, 3]);
  for (let i = 0; i < mutations; i++) {
    switch (r.pick(['method', 'target', 'target', 'version', 'host', 'host', 'origin', 'upgrade', 'header', 'body'] as const)) {
      case 'method':
        method = r.pick(methods);
        break;
      case 'target':
        target = targets(r);
        break;
      case 'version':
        version = r.pick(versions);
        break;
      case 'host':
        [host, hostOk] = r.pick(hosts());
        break;
      case 'origin':
        [origin, originOk] = r.pick(origins());
        break;
      case 'upgrade':
        upgradeHeaders = [
          `Connection: ${r.pick(['Upgrade', 'keep-alive, Upgrade', 'upgrade', 'close'])}`,
          `Upgrade: ${r.pick(['websocket', 'WebSocket', 'h2c', ''])}`,
          `Sec-WebSocket-Version: ${r.pick(['13', '8', 'x'])}`,
          `Sec-WebSocket-Key: ${r.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'short', ''])}`,
        ].filter(() => r.chance(0.8));
        break;
      case 'header':
        extra.push(r.pick([`X-Big: ${'b'.repeat(20_000)}`, 'X-Ctl: a\u0001b', 'Bad Header Name: x', 'Content-Length: abc', 'Host: evil.example', `Sec-WebSocket-Extensions: permessage-deflate; ${'x'.repeat(500)}`, 'Expect: 100-continue']));
        break;
      case 'body':
        if (r.chance(0.5)) {
          extra.push('Transfer-Encoding: chunked');
          body = r.pick(['5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', '0\r\n\r\n']);
        } else {
          body = '{"layers": []}';
          extra.push(`Content-Length: ${body.length}`);
        }
        break;
    }
  }
  const lines = [`${method} ${target} ${version}`.trim()];
  if (host !== null) lines.push(`Host: ${host}`);
  if (origin !== null) lines.push(`Origin: ${origin}`);
  lines.push(...upgradeHeaders, ...extra);
  const authority = targetAuthority(target);
  const effectiveHostOk = authority !== null ? hosts().some(([h, ok]) => ok && h === authority) : hostOk;
  return { text: `${lines.join('\r\n')}\r\n\r\n${body}`, mayServe: effectiveHostOk, mayUpgrade: effectiveHostOk && originOk };
}

/** Sends raw bytes; resolves with the status of the first response (0 when the server closed without one). */
function send(text: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0));
    };
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(2000, done);
    socket.write(text, () => undefined);
  });
}

describe('server fuzz (nnc view, raw sockets)', () => {
  it(`answers ${FUZZ_MS / 1000} s of malformed and hostile requests without a 5xx, serves no refused Host or Origin, and keeps serving`, async () => {
    const seed = Number(process.env.NNC_FUZZ_SEED ?? 20_261_130);
    const r = random(seed);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let cases = 0;
    const end = Date.now() + FUZZ_MS;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (Date.now() < end) {
          const c = makeCase(r);
          const status = await send(c.text);
          cases++;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const shownCase = JSON.stringify(c.text.slice(0, 300));
          if (status >= 500) failures.push(`${status} for ${shownCase}`);
          if (!c.mayServe && status >= 200 && status < 300) failures.push(`${status} (served) for ${shownCase}`);
          if (!c.mayUpgrade && status === 101) failures.push(`101 (upgraded) for ${shownCase}`);
        }
      }),
    );
    console.log(`server fuzz: ${cases} requests (seed ${seed}); statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    // the answers are real: refused and served requests both occurred
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(403) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(101) ?? 0).toBeGreaterThan(0);

    expect(child.exitCode).toBeNull();
    expect(await send(`GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).toBe(200);
    expect(stderr).not.toMatch(/TypeError|at .*\.js:\d+|This is a bug/);
  });

  it('closes WebSocket clients that send oversized frames or floods, and keeps serving the others', async () => {
    const url = `ws://127.0.0.1:${port}/ws`;
    const received: string[] = [];
    const open = async (record = false) => {
      const ws = new WebSocket(url);
      ws.on('error', () => undefined);
      if (record) ws.on('message', (d) => received.push(String(d)));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return ws;
    };
    const watcher = await open(true);
    const abusers = await Promise.all(Array.from({ length: 5 }, () => open()));
    const codes = abusers.map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))));
    for (const [i, ws] of abusers.entries()) {
      if (i % 2 === 0) ws.send(Buffer.alloc(1 << 20, 1)); // 1 MiB, binary
      else ws.send('x'.repeat(64 * 1024 + i));
    }
    expect(await Promise.all(codes)).toEqual([1009, 1009, 1009, 1009, 1009]);
    // small frames are ignored, and the client stays connected
    for (let i = 0; i < 200; i++) watcher.send(`{"type":"hello","n":${i}}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watcher.readyState).toBe(WebSocket.OPEN);
    expect(received.some((m) => m.includes('"connected"'))).toBe(true);
    watcher.terminate();
    expect(child.exitCode).toBeNull();
    expect(await send(`GET /api/projects HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`)).toBe(200);
  });

  it('stops cleanly on Ctrl-C after all of it', async () => {
    expect(child.exitCode, `nnc view ended early: ${stderr}`).toBeNull();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Error|This is a bug|at .*\.js:\d+/);
  });
});
