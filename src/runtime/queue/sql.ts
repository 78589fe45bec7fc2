// The queue's own connection to PostgreSQL: an async `pg` Pool (the worker
// loop is async; the run store has its synchronous one), and the tables the
// queue keeps beside the store's in the `nnc` schema, created if missing.
import type { QueryResult, QueryResultRow } from 'pg';
import { CREATE_DATASET_TABLE } from './dataset-blobs.js';
import { CREATE_LEASE_TABLE } from './leases.js';

export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

export interface QueueDb extends Queryable {
  close(): Promise<void>;
}

export async function openQueueDb(url: string, applicationName = 'nnc queue'): Promise<QueueDb> {
  const { default: pg } = await import('pg');
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  // an idle connection dropped by the server: the next query reconnects
  pool.on('error', () => {});
  const client = await pool.connect();
  try {
    // two processes creating the tables at once: one waits for the other
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['nnc queue tables']);
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS nnc');
      await client.query(CREATE_DATASET_TABLE);
      await client.query(CREATE_LEASE_TABLE);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['nnc queue tables']);
    }
  } finally {
    client.release();
  }
  return {
    query: (sql, params) => pool.query(sql, params),
    close: () => pool.end(),
  };
}
