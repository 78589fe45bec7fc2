// The PostgreSQL worker thread: owns a `pg` Pool and answers the main thread's
// requests (sync-client.ts), one at a time, waking it through the shared
// signal once an answer is posted. Credentials stay in this thread's pool.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { QueryResult, SyncRequest, SyncResponse, SyncWorkerData } from './sync-protocol.js';

// BIGINT (ms timestamps, counts) as numbers: every value nnc stores fits in 2^53
pg.types.setTypeParser(20, (value) => Number(value));

const data = workerData as SyncWorkerData;
const signal = new Int32Array(data.signal);
const pool = new pg.Pool({
  connectionString: data.connectionString,
  max: 2,
  application_name: data.applicationName,
  connectionTimeoutMillis: 10_000,
  idleTimeoutMillis: 30_000,
});
// an idle connection dropped by the server: the next request reconnects
pool.on('error', () => {});
let transaction: pg.PoolClient | null = null;

const toResult = (r: pg.QueryResult): QueryResult => ({ rows: r.rows as Array<Record<string, unknown>>, rowCount: r.rowCount ?? 0 });

async function answer(request: SyncRequest): Promise<QueryResult[]> {
  switch (request.op) {
    case 'query': {
      const target = transaction ?? pool;
      return [toResult(await target.query(request.sql, request.params as unknown[]))];
    }
    case 'batch': {
      const client = transaction ?? (await pool.connect());
      const own = client !== transaction;
      try {
        if (own) await client.query('BEGIN');
        const results: QueryResult[] = [];
        for (const s of request.statements) results.push(toResult(await client.query(s.sql, (s.params ?? []) as unknown[])));
        if (own) await client.query('COMMIT');
        return results;
      } catch (error) {
        if (own) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        if (own) client.release();
      }
    }
    case 'begin': {
      if (transaction) throw new Error('a transaction is already open');
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release();
        throw error;
      }
      transaction = client;
      return [];
    }
    case 'commit':
    case 'rollback': {
      const client = transaction;
      transaction = null;
      if (!client) return [];
      try {
        await client.query(request.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      } finally {
        client.release();
      }
      return [];
    }
    case 'end':
      transaction?.release();
      transaction = null;
      await pool.end();
      return [];
  }
}

parentPort!.on('message', (request: SyncRequest) => {
  void answer(request).then(
    (results): SyncResponse => ({ ok: true, results }),
    (error: Error & { code?: string }): SyncResponse => ({ ok: false, error: { message: String(error?.message ?? error), code: error?.code, name: error?.name } }),
  ).then((response) => {
    data.port.postMessage(response);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
    if (request.op === 'end') parentPort!.close();
  });
});
