// `nnc serve`'s HTTP server. JSON in and out:
//   POST /predict  {"inputs": [...], "head"?: "name"}  -> {"head", "predictions": [...]}
//   GET  /health   -> {"status": "ok", ...}
//   GET  /model    -> the model card
// Every bad request is a 4xx with {"error": "<sentence>"}; inputs are checked
// before they reach the model, then batched with other requests (batcher.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportedModel } from '../export/portable/open-predictor.js';
import { checkInputs, headOf } from '../export/portable/preprocess.js';
import { createBatcher, type BatcherStats } from './batcher.js';

export const BODY_LIMIT = 1024 * 1024;
export const MAX_INPUTS = 1024;

export interface PredictionServerOptions {
  readonly model: ExportedModel;
  /** what GET /model answers */
  readonly card: unknown;
  readonly host: string;
  readonly port: number;
  /** request bodies larger than this many bytes get 413 */
  readonly bodyLimit?: number;
  /** a line per failed model call (500); default console.error */
  readonly log?: (line: string) => void;
  /** for GET /health: the stored run served (null for an export) */
  readonly runId?: string | null;
}

export interface PredictionServer {
  readonly url: string;
  stats(): BatcherStats;
  /** the model served now */
  model(): ExportedModel;
  /**
   * Serves `model` from the next model call on (nnc serve --follow). Requests
   * already in a model call finish on the old model, which is then disposed.
   */
  swap(model: ExportedModel, card: unknown, runId: string | null): void;
  /** stops taking connections, answers the requests already in, then resolves */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The body as text; 413 past the limit (without reading the rest). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new HttpError(413, `The request body is ${declared} bytes; the limit is ${limit}. Send fewer inputs per request.`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new HttpError(413, `The request body is over the limit of ${limit} bytes. Send fewer inputs per request.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function createPredictionServer(options: PredictionServerOptions): Promise<PredictionServer> {
  // what is served; swap() replaces the whole object at once
  let live = { model: options.model, card: options.card, runId: options.runId ?? null };
  const limit = options.bodyLimit ?? BODY_LIMIT;
  const log = options.log ?? ((line: string) => console.error(line));
  // model calls under way per model: a swapped-out model is disposed when its last call ends
  const calls = new Map<ExportedModel, number>();
  const retired = new Set<ExportedModel>();
  const release = (m: ExportedModel) => {
    const left = (calls.get(m) ?? 1) - 1;
    if (left > 0) return void calls.set(m, left);
    calls.delete(m);
    if (retired.delete(m)) m.dispose();
  };
  const batcher = createBatcher(async (inputs, head) => {
    const m = live.model;
    calls.set(m, (calls.get(m) ?? 0) + 1);
    try {
      return await m.predict(inputs, { head });
    } finally {
      release(m);
    }
  });
  const started = Date.now();

  async function predict(req: IncomingMessage): Promise<unknown> {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new HttpError(415, `POST /predict takes JSON: send 'Content-Type: application/json'${type ? `, not '${type.slice(0, 60)}'` : ''}.`);
    }
    const text = await readBody(req, limit);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `The request body is not valid JSON (${(error as Error).message}). Send {"inputs": [...]}.`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object: {"inputs": [...]}.');
    const { inputs, head: headName, ...rest } = body as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new HttpError(400, `Unknown field '${unknown[0]}' in the request body; it takes 'inputs' and optionally 'head'.`);
    if (inputs === undefined) throw new HttpError(400, "The request body has no 'inputs': send {\"inputs\": [...]}.");
    if (headName !== undefined && typeof headName !== 'string') throw new HttpError(400, "'head' must be a head's name (a string).");
    const { model } = live;
    const head = headOf(model.preprocess, headName);
    if (typeof head === 'string') throw new HttpError(400, head);
    const problem = checkInputs(model.preprocess, inputs, head);
    if (problem) throw new HttpError(400, problem);
    const list = inputs as (string | number[])[];
    if (list.length > MAX_INPUTS) throw new HttpError(413, `${list.length} inputs in one request; the limit is ${MAX_INPUTS}. Split them over several requests.`);
    try {
      return { head: head.name, predictions: await batcher.predict(list, head.name) };
    } catch (error) {
      log(`nnc serve: predicting ${list.length} input${list.length === 1 ? '' : 's'} failed: ${(error as Error).message}`);
      throw new HttpError(500, `The model failed on this request: ${(error as Error).message}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const routes: Record<string, string> = { '/predict': 'POST', '/health': 'GET', '/model': 'GET' };
    const method = routes[path];
    if (!method) throw new HttpError(404, `There is no '${path.slice(0, 80)}' here. Use POST /predict, GET /health or GET /model.`);
    const allowed = method === 'GET' ? ['GET', 'HEAD'] : ['POST'];
    if (!allowed.includes(req.method ?? '')) {
      res.setHeader('allow', allowed.join(', '));
      throw new HttpError(405, `${path} takes ${allowed.join(' or ')}, not ${req.method}.`);
    }
    if (path === '/health') {
      const stats = batcher.stats();
      return send(res, 200, { status: 'ok', model: live.model.preprocess.project, heads: live.model.heads, run: live.runId, uptimeSeconds: Math.round((Date.now() - started) / 1000), requests: stats.requests, modelCalls: stats.calls });
    }
    if (path === '/model') return send(res, 200, live.card);
    send(res, 200, await predict(req));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!(error instanceof HttpError)) log(`nnc serve: ${(error as Error).stack ?? String(error)}`);
      // a body left unread (413) would keep the connection busy: close it after this answer
      if (status === 413) res.setHeader('connection', 'close');
      if (!res.headersSent) send(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    stats: () => batcher.stats(),
    model: () => live.model,
    swap(model, card, runId) {
      const old = live.model;
      live = { model, card, runId };
      if (old === model) return;
      if (calls.has(old)) retired.add(old);
      else old.dispose();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await batcher.drain();
      // connections kept alive after their last answer
      setTimeout(() => server.closeAllConnections(), 1000).unref();
      await closed;
    },
  };
}
