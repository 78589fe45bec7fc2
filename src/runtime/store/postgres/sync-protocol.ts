// The messages between the main thread and the PostgreSQL worker thread
// (sync-worker.ts). Types only: both sides import them.
import type { MessagePort } from 'node:worker_threads';

export interface SqlStatement {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

export type SyncRequest =
  /** one statement outside a transaction, or inside the open one */
  | { readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[] }
  /** several statements in one transaction on one connection */
  | { readonly op: 'batch'; readonly statements: readonly SqlStatement[] }
  /** an interactive transaction: begin, queries, then commit or rollback */
  | { readonly op: 'begin' }
  | { readonly op: 'commit' }
  | { readonly op: 'rollback' }
  | { readonly op: 'end' };

export interface QueryResult {
  readonly rows: Array<Record<string, unknown>>;
  readonly rowCount: number;
}

export type SyncResponse =
  | { readonly ok: true; readonly results: QueryResult[] }
  | { readonly ok: false; readonly error: { readonly message: string; readonly code?: string; readonly name?: string } };

export interface SyncWorkerData {
  readonly connectionString: string;
  readonly signal: SharedArrayBuffer;
  readonly port: MessagePort;
  /** node-postgres's application_name, so pg_stat_activity says who holds a connection */
  readonly applicationName: string;
}
