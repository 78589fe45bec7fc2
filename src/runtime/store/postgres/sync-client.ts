// Synchronous PostgreSQL for the synchronous RunStore interface: a worker
// thread (sync-worker.ts, bundled as dist/pg-worker.js) owns a `pg` Pool; the
// calling thread posts a request and blocks on a SharedArrayBuffer with
// Atomics.wait until the worker has posted the answer, then takes it with
// receiveMessageOnPort. About 100 µs per round trip to a local server.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { QueryResult, SqlStatement, SyncRequest, SyncResponse, SyncWorkerData } from './sync-protocol.js';

export type { QueryResult, SqlStatement } from './sync-protocol.js';

export interface SyncClient {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): { rows: Row[]; rowCount: number };
  /** statements in one transaction (on one connection) */
  batch(statements: readonly SqlStatement[]): QueryResult[];
  /** `work` inside BEGIN ... COMMIT (ROLLBACK when it throws); not nested */
  transaction<T>(work: () => T): T;
  close(): void;
}

/** An error PostgreSQL or the connection raised, as the worker saw it. */
export class PostgresError extends Error {
  override readonly name = 'PostgresError';
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

/** $NNC_PG_WORKER, else pg-worker.js beside this module (dist/), else the repository's dist/ (tests run the source). */
function workerPath(): URL {
  if (process.env.NNC_PG_WORKER) return pathToFileURL(resolve(process.env.NNC_PG_WORKER));
  const beside = new URL('./pg-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../../../dist/pg-worker.js', import.meta.url);
}

const FIRST_ANSWER_MS = 30_000;
const ANSWER_MS = 300_000;
const SLICE_MS = 250;

export function createSyncClient(connectionString: string, applicationName = 'nnc'): SyncClient {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const idle = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const data: SyncWorkerData = { connectionString, signal, port: port2, applicationName };
  const worker = new Worker(workerPath(), { workerData: data, transferList: [port2] });
  worker.unref();
  port1.unref();
  let answered = false;
  let closed = false;
  let inTransaction = false;

  function call(request: SyncRequest): QueryResult[] {
    if (closed) throw new PostgresError('the connection to PostgreSQL was closed', 'closed');
    if (worker.threadId === -1) throw new PostgresError('the PostgreSQL connection thread has stopped', 'closed');
    Atomics.store(flag, 0, 0);
    worker.postMessage(request);
    // in slices: a thread that died (the process is exiting, it failed to load) is noticed within one
    const limit = answered ? ANSWER_MS : FIRST_ANSWER_MS;
    let waitedMs = 0;
    while (Atomics.wait(flag, 0, 0, SLICE_MS) === 'timed-out') {
      waitedMs += SLICE_MS;
      if (worker.threadId === -1) throw new PostgresError('the PostgreSQL connection thread has stopped', 'closed');
      if (waitedMs >= limit) {
        // its late answer must not be taken for the next request's: this client is done
        closed = true;
        port1.close();
        void worker.terminate();
        throw new PostgresError(`no answer within ${limit / 1000} s`, 'timeout');
      }
    }
    let message = receiveMessageOnPort(port1);
    // the answer is posted before the signal is raised; should it ever trail the signal, give it a moment
    for (let i = 0; !message && i < 200; i++) {
      Atomics.wait(idle, 0, 0, 5);
      message = receiveMessageOnPort(port1);
    }
    if (!message) throw new PostgresError('the PostgreSQL connection thread raised its signal but posted no answer', 'closed');
    answered = true;
    const response = message.message as SyncResponse;
    if (!response.ok) throw new PostgresError(response.error.message, response.error.code);
    return response.results;
  }

  return {
    query<Row>(sql: string, params: readonly unknown[] = []) {
      const [result] = call({ op: 'query', sql, params });
      return result as unknown as { rows: Row[]; rowCount: number };
    },
    batch(statements) {
      return statements.length === 0 ? [] : call({ op: 'batch', statements });
    },
    transaction<T>(work: () => T): T {
      if (inTransaction) return work();
      call({ op: 'begin' });
      inTransaction = true;
      try {
        const result = work();
        inTransaction = false;
        call({ op: 'commit' });
        return result;
      } catch (error) {
        inTransaction = false;
        try {
          call({ op: 'rollback' });
        } catch {
          // the connection is gone: the server rolled the transaction back
        }
        throw error;
      }
    },
    close() {
      if (closed) return;
      try {
        call({ op: 'end' });
      } catch {
        // closing anyway
      } finally {
        closed = true;
        port1.close();
        void worker.terminate();
      }
    },
  };
}
