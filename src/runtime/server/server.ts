// The viewer server (vite's createServer + createWebSocketServer): one HTTP
// server for the viewer bundle, the read-only JSON API and the WebSocket at /ws.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import { apiPathExists, handleApi } from './api.js';
import { createClientChannel, type ChannelOptions, type ClientChannel } from './client-channel.js';
import { readOnlyMessage } from './read-only.js';
import type { ProjectSource } from './source.js';
import { checkHost, checkOrigin, createNamePolicy, isLoopbackName, parseTarget, shown } from './request-guard.js';
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
  /** host names answered besides the loopback ones and the bound address (vite's server.allowedHosts) */
  readonly allowedHosts?: readonly string[];
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

/** A bind address on this machine's loopback (localhost, 127.x.y.z, ::1). */
export function isLoopback(host: string): boolean {
  return isLoopbackName(host);
}

/** See checkOrigin in request-guard.ts. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, port: number, allowedName?: (name: string) => boolean): boolean {
  return checkOrigin(origin, hostHeader, port, allowedName);
}

export async function createViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const host = options.host ?? '127.0.0.1';
  const projects = options.projects;
  const channels = new Map<WebSocket, ClientChannel>();
  // the viewer only listens; a frame from a client is ignored, and one over 4 KiB closes it (1009)
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const allowedName = createNamePolicy(host, options.allowedHosts);
  let port = options.port ?? 8000;

  const http = createServer((req, res) => {
    try {
      handle(req, res);
      // Stryker disable next-line all: a guard against a bug in a handler (handlers answer bad input with 4xx); not reached by any request
    } catch (error) {
      // Stryker disable next-line all: see above
      if (!res.headersSent) json(res, 500, { error: `The server failed on this request: ${(error as Error).message}` }, req.method === 'HEAD');
      else res.destroy();
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const head = req.method === 'HEAD';
    const target = parseTarget(req.url);
    if (!target.ok) {
      json(res, 400, { error: target.error }, head);
      return;
    }
    const url = target.url;
    const hostCheck = checkHost(target.authority ?? req.headers.host, allowedName);
    if (!hostCheck.ok) {
      json(res, hostCheck.status, { error: hostCheck.error }, head);
      return;
    }
    if (req.method !== 'GET' && !head) {
      if (!pathExists(url.pathname)) {
        json(res, 404, { error: notFoundMessage(url.pathname) }, false);
        return;
      }
      const project = projects.find((p) => p.name === url.searchParams.get('project')) ?? projects[0];
      res.setHeader('allow', 'GET, HEAD');
      // Stryker disable next-line StringLiteral: a request an HTTP server parsed always has a method; '?' only satisfies the type
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
    if (isPage(url.pathname) && !hasBundle(options.bundleDir)) {
      const page = fallbackPage(options.bundleDir, projects.map((p) => p.name));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page), 'cache-control': 'no-cache' });
      res.end(head ? undefined : page);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(head ? undefined : `${notFoundMessage(url.pathname)}\n`);
  }

  /** What a write method is refused on with 405 (read-only) rather than 404 (nothing there). */
  function pathExists(pathname: string): boolean {
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, '/api' itself is no API path, no page and no bundle file, so the other branch also answers false (404)
    if (pathname === '/api' || pathname.startsWith('/api/')) return apiPathExists(pathname);
    return pathname === '/ws' || isPage(pathname) || resolveStatic(options.bundleDir, pathname) !== null;
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, headData: Buffer) => {
    // the HTTP server hands the socket over without an error listener: a reset must not end the process
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, headData);
    } catch {
      refuse(socket, 400, 'Bad Request');
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, headData: Buffer): void {
    const target = parseTarget(req.url);
    // Stryker disable next-line ConditionalExpression,BlockStatement,StringLiteral: equivalent, without it target.url throws and the upgrade handler's catch refuses with the same 400
    if (!target.ok) {
      refuse(socket, 400, 'Bad Request');
      return;
    }
    if (target.url.pathname !== '/ws') {
      refuse(socket, 404, 'Not Found');
      return;
    }
    const hostCheck = checkHost(target.authority ?? req.headers.host, allowedName);
    if (!hostCheck.ok) {
      refuse(socket, hostCheck.status, hostCheck.status === 400 ? 'Bad Request' : 'Forbidden');
      return;
    }
    if (!checkOrigin(req.headers.origin, target.authority ?? req.headers.host, port, allowedName)) {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    const batch = target.url.searchParams.get('batch') === '1';
    wss.handleUpgrade(req, socket, headData, (ws) => connect(ws, batch));
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
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const isPage = (pathname: string) => pathname === '/' || pathname === '/index.html';

function notFoundMessage(pathname: string): string {
  return `Not found: '${shown(pathname)}'. The viewer is at /, the JSON API under /api/ (GET /api/projects lists the projects), the live stream at /ws.`;
}
