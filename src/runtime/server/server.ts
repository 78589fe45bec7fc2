// The viewer server (vite's createServer + createWebSocketServer): one HTTP
// server for the viewer bundle, the read-only JSON API and the WebSocket at /ws.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import { handleApi } from './api.js';
import { createClientChannel, type ChannelOptions, type ClientChannel } from './client-channel.js';
import { readOnlyMessage } from './read-only.js';
import type { ProjectSource } from './source.js';
import { fallbackPage, hasBundle, resolveStatic, sendFile } from './static.js';

export interface ViewerServerOptions {
  readonly projects: readonly ProjectSource[];
  /** dist/viewer/ */
  readonly bundleDir: string;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** default 8000; 0 picks a free port */
  readonly port?: number;
  readonly version?: string;
  readonly channel?: ChannelOptions;
}

export interface ViewerServer {
  /** http://host:port/ */
  readonly url: string;
  readonly port: number;
  /** to every connected client, coalesced per client */
  broadcast(message: ServerMessage): void;
  /** connected WebSocket clients */
  clients(): number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * A browser page on another site must not read the live stream: an upgrade
 * with an Origin is accepted only when the Origin's host:port is the Host the
 * request was sent to, or a loopback name for the same port on a loopback server.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // not a browser (curl, a test client, another tool)
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (hostHeader && url.host === hostHeader) return true;
  const originPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return isLoopback(url.hostname) && originPort === port && (hostHeader === undefined || isLoopback(hostHeader.replace(/:\d+$/, '')));
}

export async function createViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const host = options.host ?? '127.0.0.1';
  const projects = options.projects;
  const channels = new Map<WebSocket, ClientChannel>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let port = options.port ?? 8000;

  const http = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: `The server failed on this request: ${(error as Error).message}` }, req.method === 'HEAD');
      else res.destroy();
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://viewer.local');
    if (!hostAllowed(req.headers.host)) {
      json(res, 403, { error: `This server answers requests for ${host} only (the Host header was '${req.headers.host ?? ''}').` }, req.method === 'HEAD');
      return;
    }
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      const project = projects.find((p) => p.name === url.searchParams.get('project')) ?? projects[0];
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { error: readOnlyMessage(req.method ?? '?', url.pathname, project?.plan() ?? null) }, false);
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const answer = handleApi(url, projects);
      json(res, answer.status, answer.body, head);
      return;
    }
    if (url.pathname === '/ws') {
      json(res, 426, { error: 'This path is the WebSocket stream; connect with a WebSocket client.' }, head);
      return;
    }
    const file = resolveStatic(options.bundleDir, url.pathname);
    if (file) {
      sendFile(res, file, head);
      return;
    }
    if ((url.pathname === '/' || url.pathname === '/index.html') && !hasBundle(options.bundleDir)) {
      const page = fallbackPage(options.bundleDir, projects.map((p) => p.name));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page), 'cache-control': 'no-cache' });
      res.end(head ? undefined : page);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(head ? undefined : `Not found: ${url.pathname}\n`);
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, headData: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://viewer.local').pathname;
    if (path !== '/ws') {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (!hostAllowed(req.headers.host) || !originAllowed(req.headers.origin, req.headers.host, port)) {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    const batch = new URL(req.url ?? '/', 'http://viewer.local').searchParams.get('batch') === '1';
    wss.handleUpgrade(req, socket, headData, (ws) => connect(ws, batch));
  });

  /**
   * A server on a loopback address answers loopback host names only, so a
   * web page cannot reach it through DNS rebinding (a name of its own that
   * resolves to 127.0.0.1). A server bound elsewhere was opened on purpose.
   */
  function hostAllowed(hostHeader: string | undefined): boolean {
    if (!isLoopback(host)) return true;
    if (!hostHeader) return true; // HTTP/1.0 clients
    const name = hostHeader.replace(/:\d+$/, '');
    return isLoopback(name) || name === 'localhost';
  }

  function connect(ws: WebSocket, batch: boolean): void {
    const channel = createClientChannel(
      {
        write: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        backlog: () => ws.bufferedAmount,
      },
      { ...options.channel, batch },
    );
    channels.set(ws, channel);
    const drop = () => {
      channel.close();
      channels.delete(ws);
    };
    ws.on('close', drop);
    ws.on('error', drop);
    // the viewer sends nothing; anything it does send is ignored
    channel.send({ type: 'connected', projects: projects.map((p) => p.name), version: options.version ?? '0.0.0' });
    for (const project of projects) {
      for (const message of project.currentState()) channel.send(message);
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use. Stop the other server or pass --port with another number.`)
          : error,
      );
    };
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      resolveListen();
    });
  });
  port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    broadcast(message) {
      for (const channel of channels.values()) channel.send(message);
    },
    clients() {
      return channels.size;
    },
    async close() {
      for (const [ws, channel] of channels) {
        channel.close();
        ws.terminate();
      }
      channels.clear();
      await new Promise<void>((done) => wss.close(() => done()));
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
