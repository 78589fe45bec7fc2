// The viewer server's edges: what request-guard.ts accepts (targets, Host and
// Origin names, bind addresses) pinned case by case, and a real server bound
// to [::1], to 127.0.0.2 and to every address, answering plain requests and
// upgrades on other paths, refusing a second server on its port, and shutting
// down with its WebSocket clients.
import { request } from 'node:http';
import { connect as netConnect, createServer } from 'node:net';
import { hostname } from 'node:os';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { checkHost, checkOrigin, createNamePolicy, isLoopbackName, parseAuthority, parseTarget, shown } from '../src/runtime/server/request-guard.js';
import { createViewerServer, isLoopback, originAllowed, type ViewerServer } from '../src/runtime/server/server.js';
import { createStoredProject, type StoredProject } from '../src/runtime/server/stored-project.js';
import { connect, DEMO, removeTempProjects, tempProject } from './watch-helpers.js';

describe('request targets', () => {
  it('a path is kept as a path, also one that looks like a host', () => {
    const t = parseTarget('//evil.example/x?y=1');
    expect(t.ok && [t.url.host, t.url.pathname, t.url.search, t.authority]).toEqual(['viewer.local', '//evil.example/x', '?y=1', null]);
  });

  it('an absolute http or ws URL gives its path and query, and its authority stands for Host', () => {
    for (const [target, authority] of [['http://127.0.0.1:8000/ws?batch=1', '127.0.0.1:8000'], ['WS://[::1]:80/ws?batch=1', '[::1]'], ['https://localhost/ws?batch=1', 'localhost'], ['wss://localhost:9/ws?batch=1', 'localhost:9']]) {
      const t = parseTarget(target);
      expect(t.ok && [t.url.pathname, t.url.search, t.authority], target).toEqual(['/ws', '?batch=1', authority]);
    }
  });

  it('anything else is an error that quotes the target and says what it is not', () => {
    const error = (target: string | undefined) => {
      const t = parseTarget(target);
      return t.ok ? null : t.error;
    };
    expect(error('*')).toBe("The request target '*' is not a path starting with '/' or an absolute http:// URL.");
    expect(error(undefined)).toBe("The request target '' is not a path starting with '/' or an absolute http:// URL.");
    expect(error('127.0.0.1:8000')).toBe("The request target '127.0.0.1:8000' is not a path starting with '/' or an absolute http:// URL.");
    expect(error('ftp://127.0.0.1/x')).toBe("The request target 'ftp://127.0.0.1/x' is not an http:// or ws:// URL.");
    expect(error('http://user:pw@127.0.0.1/x')).toBe("The request target 'http://user:pw@127.0.0.1/x' carries a user name or password.");
    expect(error('http://user@127.0.0.1/x')).toBe("The request target 'http://user@127.0.0.1/x' carries a user name or password.");
    expect(error('http://:pw@127.0.0.1/x')).toBe("The request target 'http://:pw@127.0.0.1/x' carries a user name or password.");
    expect(error('http://127.0.0.1:99999/x')).toBe("The request target 'http://127.0.0.1:99999/x' is not a valid URL.");
    expect(error('1http://127.0.0.1/x')).toBe("The request target '1http://127.0.0.1/x' is not a path starting with '/' or an absolute http:// URL.");
    expect(error('/ok')).toBeNull();
  });

  it('what a client sent is shown at most 80 characters long, control characters replaced', () => {
    expect(shown('a\u0000b\u001fc\u007fd\te')).toBe('a?b?c?d?e');
    expect(shown('x'.repeat(80))).toBe('x'.repeat(80));
    expect(shown('x'.repeat(81))).toBe(`${'x'.repeat(77)}...`);
  });
});

describe('Host names', () => {
  it('parses name and port, lower-cased, IPv6 in brackets normalized', () => {
    expect(parseAuthority('LocalHost:8000')).toEqual({ name: 'localhost', port: 8000 });
    expect(parseAuthority('127.0.0.1')).toEqual({ name: '127.0.0.1', port: null });
    expect(parseAuthority('[0:0:0:0:0:0:0:1]:65535')).toEqual({ name: '[::1]', port: 65535 });
    expect(parseAuthority('[::1]:0')).toEqual({ name: '[::1]', port: 0 });
    expect([parseAuthority('[::1]:65536'), parseAuthority('[::g]'), parseAuthority('[1.2.3.4]'), parseAuthority('a b'), parseAuthority(':80'), parseAuthority('x:123456'), parseAuthority('x:')]).toEqual([null, null, null, null, null, null, null]);
  });

  it('loopback: localhost, any 127.x.y.z written as four numbers, ::1 with or without brackets', () => {
    const yes = ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.1.2', '127.0.0.2', '::1', '[::1]', '0:0:0:0:0:0:0:1', '[0:0::1]'];
    const no = ['127.1', '127.0.0.1.nip.io', '128.0.0.1', '10.127.0.1', '::2', '[::]', '::', 'localhost.example', '0.0.0.0', 'fe80::1'];
    expect(yes.map(isLoopbackName)).toEqual(yes.map(() => true));
    expect(no.map(isLoopbackName)).toEqual(no.map(() => false));
    expect(isLoopback('127.3.2.1')).toBe(true);
  });

  it('a loopback server answers loopback names and the names it is given, nothing else', () => {
    const policy = createNamePolicy('127.0.0.1', ['Viewer.Lab.Example', '::5', 'not a name']);
    expect(['localhost', '[::1]', '127.0.0.9', 'viewer.lab.example', '[::5]'].map(policy)).toEqual([true, true, true, true, true]);
    expect(['10.0.0.1', '[fe80::1]', hostname().toLowerCase(), 'not a name', '192.0.2.2'].map(policy)).toEqual([false, false, hostname().toLowerCase() === 'localhost', false, false]);
    // bound to another loopback address: the same names
    expect(['127.0.0.2', '10.0.0.1'].map(createNamePolicy('127.0.0.2'))).toEqual([true, false]);
  });

  it('a server bound to one address answers it too; bound to an IPv6 address, in brackets', () => {
    expect(['192.0.2.2', '[fd00::2]', '192.0.2.3'].map(createNamePolicy('192.0.2.2'))).toEqual([true, false, false]);
    expect(['[fd00::2]', 'fd00::2', '[fd00::3]', '10.0.0.1'].map(createNamePolicy('fd00::2'))).toEqual([true, false, false, false]);
  });

  it('a server bound to every address answers IP literals and this machine name, not other names', () => {
    for (const bind of ['0.0.0.0', '::', '[::]']) {
      const policy = createNamePolicy(bind);
      expect(['10.1.2.3', '[fe80::1]', hostname().toLowerCase(), 'evil.example', '[not::an::ip]', '1.2.3'].map(policy), bind).toEqual([true, true, true, false, false, false]);
    }
  });

  it('checkHost: 400 without a Host or with one that is not a host, 403 for a name not answered', () => {
    const policy = createNamePolicy('127.0.0.1');
    expect(checkHost(`127.0.0.1:8000`, policy)).toEqual({ ok: true });
    expect(checkHost(undefined, policy)).toEqual({ ok: false, status: 400, error: 'The request has no Host header; HTTP/1.1 requires one (send Host: 127.0.0.1:<port>).' });
    expect(checkHost('', policy)).toEqual(checkHost(undefined, policy));
    expect(checkHost('a b', policy)).toEqual({ ok: false, status: 400, error: "The Host header 'a b' is not a host name or address with an optional port." });
    expect(checkHost('Evil.Example:8000', policy)).toEqual({
      ok: false,
      status: 403,
      error: "This server answers to localhost, 127.0.0.1 and [::1] (and the address it was started on), not to 'evil.example': a name that resolves here could be a DNS-rebinding page. Open the viewer at http://127.0.0.1:<port>/.",
    });
  });
});

describe('Origin of an upgrade', () => {
  const policy = createNamePolicy('127.0.0.1');
  it('no Origin is not a browser page and is let through', () => {
    expect(checkOrigin(undefined, '127.0.0.1:8000', 8000, policy)).toBe(true);
  });
  it('the same name and port as the Host, with the scheme default port when none is written', () => {
    expect(checkOrigin('http://127.0.0.1:8000', '127.0.0.1:8000', 8000, policy)).toBe(true);
    expect(checkOrigin('http://127.0.0.1:8000/', '127.0.0.1:8000', 8000, policy)).toBe(true);
    expect(checkOrigin('http://localhost', 'localhost:80', 80, policy)).toBe(true);
    expect(checkOrigin('https://localhost', 'localhost:443', 443, policy)).toBe(true);
    expect(checkOrigin('HTTPS://localhost', 'localhost', 9999, policy)).toBe(true);
    expect(checkOrigin('http://localhost', 'localhost', 9999, policy)).toBe(true);
    expect(checkOrigin('https://localhost', 'localhost:80', 9999, policy)).toBe(false);
    expect(checkOrigin('http://localhost:8001', 'localhost:8000', 8000, policy)).toBe(false);
  });
  it('a loopback Origin on the server port is accepted from a loopback Host of another name, not from a foreign Host', () => {
    expect(checkOrigin('http://localhost:8000', '127.0.0.1:8000', 8000, policy)).toBe(true);
    expect(checkOrigin('http://localhost:8000', undefined, 8000, policy)).toBe(true);
    expect(checkOrigin('http://localhost:8001', '127.0.0.1:8000', 8000, policy)).toBe(false);
    expect(checkOrigin('http://localhost:8000', 'lan.example:8000', 8000, () => true)).toBe(false);
    expect(checkOrigin('http://localhost:8000', 'bad host', 8000, policy)).toBe(true);
  });
  it('an Origin that is not scheme://authority, or names a host not answered, is refused', () => {
    for (const origin of ['null', 'xhttp://127.0.0.1:8000', 'file://', 'ftp://127.0.0.1:8000', 'http://127.0.0.1:8000/path', 'http://127.0.0.1:8000?x', 'http://a b', 'http://evil.example:8000']) {
      expect(checkOrigin(origin, '127.0.0.1:8000', 8000, policy), origin).toBe(false);
    }
    // without a policy, a name equal to the Host is trusted
    expect(originAllowed('http://lan.example:8000', 'lan.example:8000', 8000)).toBe(true);
    expect(originAllowed('http://lan.example:8000', 'other.example:8000', 8000)).toBe(false);
  });
});

/** A plain HTTP request to a port on an address, Host as given (none when null). */
function ask(address: string, port: number, path: string, host: string | null, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = host === null ? {} : { host };
    const req = request({ host: address, port, path, method, headers, setHost: host !== null }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes to the server; the status line and headers, and the body. */
function rawHttp(port: number, text: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const end = got.indexOf('\r\n\r\n');
      resolve({ head: got.slice(0, end + 2), body: got.slice(end + 4) });
    });
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(text);
  });
}

/** The status line of a raw upgrade request. */
function upgradeLine(port: number, target: string, headers: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got.slice(0, got.indexOf('\r\n'))));
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(`GET ${target} HTTP/1.1\r\n${headers}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  });
}

describe('a real server', () => {
  let project: StoredProject;
  let bundle: string;
  const servers: ViewerServer[] = [];
  const start = async (options: { host?: string; port?: number; allowedHosts?: string[] } = {}) => {
    const s = await createViewerServer({ projects: [project], bundleDir: bundle, port: 0, version: '1.2.3', ...options });
    servers.push(s);
    return s;
  };

  beforeAll(() => {
    project = createStoredProject(tempProject(), 'demo');
    bundle = mkdtempSync(join(tmpdir(), 'nnc-bundle-'));
    mkdirSync(join(bundle, 'assets'));
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>viewer</title>');
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    project.close();
    removeTempProjects();
  });

  it('bound to [::1]: its URL has brackets, and it answers Host [::1]', async () => {
    const s = await start({ host: '::1' });
    expect(s.url).toBe(`http://[::1]:${s.port}/`);
    const r = await ask('::1', s.port, '/api/projects', `[::1]:${s.port}`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual([expect.objectContaining({ name: 'demo' })]);
    expect((await ask('::1', s.port, '/api/projects', `evil.example:${s.port}`)).status).toBe(403);
  });

  it('bound to 127.0.0.2: its URL names that address, and 127.0.0.2 and localhost are answered', async () => {
    const s = await start({ host: '127.0.0.2' });
    expect(s.url).toBe(`http://127.0.0.2:${s.port}/`);
    expect((await ask('127.0.0.2', s.port, '/api/projects', `127.0.0.2:${s.port}`)).status).toBe(200);
    expect((await ask('127.0.0.2', s.port, '/api/projects', `localhost:${s.port}`)).status).toBe(200);
  });

  it('bound to every address: the URL shows 127.0.0.1, IP literals are answered, other names refused', async () => {
    const s = await start({ host: '0.0.0.0', allowedHosts: ['viewer.lab.example'] });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    expect((await ask('127.0.0.1', s.port, '/api/projects', `10.1.2.3:${s.port}`)).status).toBe(200);
    expect((await ask('127.0.0.1', s.port, '/api/projects', `viewer.lab.example:${s.port}`)).status).toBe(200);
    expect((await ask('127.0.0.1', s.port, '/api/projects', `evil.example:${s.port}`)).status).toBe(403);
  });

  it('the default address is 127.0.0.1', async () => {
    const s = await createViewerServer({ projects: [project], bundleDir: bundle, port: 0 });
    servers.push(s);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
  });

  it('a port in use is a sentence naming it, not EADDRINUSE', async () => {
    const s = await start();
    await expect(createViewerServer({ projects: [project], bundleDir: bundle, port: s.port })).rejects.toThrow(`Port ${s.port} on 127.0.0.1 is already in use. Stop the other server or pass --port with another number.`);
  });

  it('a request without Host is 400 with a sentence; HEAD gets the status and headers without a body', async () => {
    const s = await start();
    // Node answers an HTTP/1.1 request without Host itself; HTTP/1.0 reaches the server's own check
    const r = await rawHttp(s.port, 'GET /api/projects HTTP/1.0\r\n\r\n');
    expect(r.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(r.head).toMatch(/\r\ncache-control: no-store\r\n/i);
    expect(JSON.parse(r.body)).toEqual({ error: 'The request has no Host header; HTTP/1.1 requires one (send Host: 127.0.0.1:<port>).' });
    const rh = await rawHttp(s.port, 'HEAD /api/projects HTTP/1.0\r\n\r\n');
    expect([rh.head.slice(0, 12), rh.body]).toEqual(['HTTP/1.1 400', '']);
    const head = await ask('127.0.0.1', s.port, '/api/projects', `127.0.0.1:${s.port}`, 'HEAD');
    const get = await ask('127.0.0.1', s.port, '/api/projects', `127.0.0.1:${s.port}`);
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', String(Buffer.byteLength(get.body))]);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('GET /ws without an upgrade is 426; a missing page is a 404 sentence; HEAD on it has no body', async () => {
    const s = await start();
    const host = `127.0.0.1:${s.port}`;
    const ws = await ask('127.0.0.1', s.port, '/ws', host);
    expect([ws.status, JSON.parse(ws.body)]).toEqual([426, { error: 'This path is the WebSocket stream; connect with a WebSocket client.' }]);
    const missing = await ask('127.0.0.1', s.port, '/nothing', host);
    expect([missing.status, missing.body]).toEqual([404, "Not found: '/nothing'. The viewer is at /, the JSON API under /api/ (GET /api/projects lists the projects), the live stream at /ws.\n"]);
    expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await ask('127.0.0.1', s.port, '/nothing', host, 'HEAD')).body).toBe('');
    expect((await ask('127.0.0.1', s.port, '/ws', host, 'HEAD')).body).toBe('');
    const page = await ask('127.0.0.1', s.port, '/', host);
    expect([page.status, page.body]).toEqual([200, '<!doctype html><title>viewer</title>']);
  });

  it('a write to /ws or / is 405 with Allow; to a missing path 404', async () => {
    const s = await start();
    const host = `127.0.0.1:${s.port}`;
    for (const path of ['/ws', '/', '/index.html']) {
      const r = await ask('127.0.0.1', s.port, path, host, 'POST');
      expect([r.status, r.headers.allow], path).toEqual([405, 'GET, HEAD']);
    }
    expect((await ask('127.0.0.1', s.port, '/other', host, 'DELETE')).status).toBe(404);
  });

  it('upgrades: 404 on a path other than /ws, 400 without Host or with a bad target, 403 for a foreign Host or Origin, 101 on /ws', async () => {
    const s = await start();
    const host = `Host: 127.0.0.1:${s.port}\r\n`;
    expect(await upgradeLine(s.port, '/api/projects', host)).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeLine(s.port, '/wsx', host)).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeLine(s.port, '*', host)).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgradeLine(s.port, '/ws', '')).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgradeLine(s.port, '/ws', 'Host: a b\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgradeLine(s.port, '/ws', `Host: evil.example:${s.port}\r\n`)).toBe('HTTP/1.1 403 Forbidden');
    expect(await upgradeLine(s.port, '/ws', `${host}Origin: http://evil.example:${s.port}\r\n`)).toBe('HTTP/1.1 403 Forbidden');
    expect(await upgradeLine(s.port, `http://127.0.0.1:${s.port}/ws`, `Host: evil.example\r\n`)).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgradeLine(s.port, '/ws', host)).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it('a client is greeted with the project names and version; close() ends its connection and frees the port', async () => {
    const s = await start();
    const client = new WebSocket(`${s.url.replace('http', 'ws')}ws`);
    const first = await new Promise<unknown>((resolve) => client.once('message', (data) => resolve(JSON.parse(String(data)))));
    expect(first).toEqual({ type: 'connected', projects: ['demo'], version: '1.2.3' });
    expect(s.clients()).toBe(1);
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    expect(await closed).toBe(1006);
    expect(s.clients()).toBe(0);
    // the port is free again
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(s.port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });

  it('a client that goes away is dropped from the count', async () => {
    const s = await start();
    const client = await connect(s.url);
    expect(s.clients()).toBe(1);
    client.close();
    for (let i = 0; i < 50 && s.clients() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.clients()).toBe(0);
  });

  it('a write names the file to edit in the project the query names', async () => {
    const { 'datasets/reviews.yaml': reviews, ...rest } = DEMO;
    const films = createStoredProject(tempProject({ ...rest, 'datasets/films.yaml': reviews.replace('name: reviews', 'name: films') }), 'other');
    try {
      const s = await createViewerServer({ projects: [project, films], bundleDir: bundle, port: 0 });
      servers.push(s);
      const host = `127.0.0.1:${s.port}`;
      const error = async (path: string) => JSON.parse((await ask('127.0.0.1', s.port, path, host, 'PUT')).body).error;
      expect(await error('/api/datasets?project=other')).toBe("The viewer is read-only, so PUT /api/datasets is not allowed. To change this, edit datasets/films.yaml in the project folder; 'nnc watch' picks up the save.");
      expect(await error('/api/datasets/films?project=other')).toBe("The viewer is read-only, so PUT /api/datasets/films is not allowed. To change this, edit datasets/films.yaml in the project folder; 'nnc watch' picks up the save.");
      expect(await error('/api/datasets/films')).toBe("The viewer is read-only, so PUT /api/datasets/films is not allowed. To change this, edit datasets/reviews.yaml in the project folder; 'nnc watch' picks up the save.");
      expect((await ask('127.0.0.1', s.port, '/api', host, 'POST')).status).toBe(404);
      const api = await ask('127.0.0.1', s.port, '/api', host);
      expect(api.headers['content-type']).toBe('application/json; charset=utf-8');
    } finally {
      films.close();
    }
  });

  it('without a bundle: / and /index.html are a plain page pointing at the build, other paths 404', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nnc-nobundle-'));
    const s = await createViewerServer({ projects: [project], bundleDir: empty, port: 0 });
    servers.push(s);
    const host = `127.0.0.1:${s.port}`;
    for (const path of ['/', '/index.html']) {
      const page = await ask('127.0.0.1', s.port, path, host);
      expect([page.status, page.headers['content-type'], page.headers['cache-control']], path).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
      expect(page.body).toContain('demo');
    }
    expect((await ask('127.0.0.1', s.port, '/nothing', host)).status).toBe(404);
    expect((await ask('127.0.0.1', s.port, '/', host, 'HEAD')).body).toBe('');
  });

  it('a client of a server started without a version is told 0.0.0; one without ?batch=1 gets single messages', async () => {
    const s = await createViewerServer({ projects: [project], bundleDir: bundle, port: 0 });
    servers.push(s);
    for (const path of ['ws', 'ws?batch=0']) {
      const client = new WebSocket(`${s.url.replace('http', 'ws')}${path}`);
      const first = await new Promise<unknown>((resolve) => client.once('message', (data) => resolve(JSON.parse(String(data)))));
      expect(first, path).toEqual({ type: 'connected', projects: ['demo'], version: '0.0.0' });
      client.terminate();
    }
  });

  it('an address that is not on this machine is the system error, not the port-in-use sentence', async () => {
    await expect(createViewerServer({ projects: [project], bundleDir: bundle, host: '192.0.2.250', port: 0 })).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});
