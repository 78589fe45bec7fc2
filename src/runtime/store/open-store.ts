// Which run store a command uses, and opening it: the project's SQLite file
// (the default, unchanged) or a shared PostgreSQL store named by `--store
// postgres://…` or NNC_STORE. Credentials come from that URL or the standard
// PG* variables (PGHOST, PGUSER, PGPASSWORD, ~/.pgpass...); they are never
// printed, logged or stored: messages show redactUrl()'s form.
import { storePath } from './paths.js';
import { createRunStore, type RunStoreOptions } from './store.js';
import { createPostgresRunStore, type PostgresStoreOptions, type SharedRunStore } from './postgres/pg-store.js';
import type { RunStore } from './types.js';
import { StoreError } from './store-error.js';

export { redactUrl } from './postgres/pg-errors.js';
export { isSharedRunStore, type SharedRunStore, type ProjectRecord } from './postgres/pg-store.js';

/** A PostgreSQL connection string (postgres:// or postgresql://). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The --store value, else NNC_STORE, else the project's SQLite file. */
export function storeLocation(flag?: string, projectDir = '.'): string {
  if (flag !== undefined && flag !== '') return flag;
  if (process.env.NNC_STORE) return process.env.NNC_STORE;
  return storePath(projectDir);
}

/** The shared store's URL when --store / NNC_STORE names one, else null (the project's SQLite file). */
export function sharedStoreUrl(flag?: string): string | null {
  const location = flag || process.env.NNC_STORE || '';
  if (location === '') return null;
  if (!isPostgresUrl(location)) {
    throw new StoreError(
      `'${location.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')}' is not a run store nnc can use: --store and NNC_STORE take a PostgreSQL URL (postgres://user@host:5432/db). Leave them out to use the project's own store (.nnc/nnc.db).`,
      location,
      'io',
    );
  }
  return location;
}

export interface OpenStoreOptions extends RunStoreOptions, Partial<Omit<PostgresStoreOptions, 'url' | keyof RunStoreOptions>> {
  /** --store; default NNC_STORE; neither: the project's SQLite file */
  readonly store?: string;
  /** --artifacts; default NNC_ARTIFACTS */
  readonly artifacts?: string;
}

/** The project's run store: SQLite's createRunStore unless --store / NNC_STORE names a PostgreSQL store. */
export function openRunStore(projectDir: string, options: OpenStoreOptions = {}): RunStore {
  const url = sharedStoreUrl(options.store);
  if (url === null) return createRunStore(projectDir, options);
  return openSharedStore(projectDir, url, options);
}

/** The PostgreSQL store at `url`, for the project in `projectDir` (or options.project). */
export function openSharedStore(projectDir: string, url: string, options: OpenStoreOptions = {}): SharedRunStore {
  const artifacts = options.artifacts ?? (process.env.NNC_ARTIFACTS || undefined);
  return createPostgresRunStore(projectDir, { ...options, url, ...(artifacts ? { artifacts } : {}) });
}
