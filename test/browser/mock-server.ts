// A stand-in for the viewer server (GET API + /ws) serving dist/viewer, for
// the benchmark and for tests that need data the real server cannot produce
// quickly (100,000 points per series). The end-to-end tests use the real
// `nnc watch`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerMessage } from '../../src/shared/protocol.js';

export interface MockState {
  projects: string[];
  /** path (without query) -> JSON body, e.g. '/api/tokens' */
  api: Record<string, unknown>;
  /** sent to every client right after it connects, after 'connected' */
  greeting?: ServerMessage[];
}

export interface MockServer {
  readonly url: string;
  readonly state: MockState;
  broadcast(message: ServerMessage): void;
  clients(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function createMockServer(root: string, state: MockState, port = 0): Promise<MockServer> {
  const sockets = new Set<WebSocket>();
  // bodies are stringified once, so a benchmark measures the page, not the mock
  const bodies = new WeakMap<object, string>();
  const text = (body: unknown) => {
    if (typeof body !== 'object' || body === null) return JSON.stringify(body);
    let t = bodies.get(body);
    if (t === undefined) bodies.set(body, (t = JSON.stringify(body)));
    return t;
  };
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) {
      const body = state.api[path];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(body === undefined ? JSON.stringify({ error: `No ${path}.` }) : text(body));
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(normalize(root))) return void res.writeHead(403).end();
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end();
    }
  }
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send(JSON.stringify({ type: 'connected', projects: state.projects, version: 'mock' } satisfies ServerMessage));
    for (const m of state.greeting ?? []) ws.send(JSON.stringify(m));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    state,
    broadcast(message) {
      const text = JSON.stringify(message);
      for (const ws of sockets) ws.send(text);
    },
    clients: () => sockets.size,
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
