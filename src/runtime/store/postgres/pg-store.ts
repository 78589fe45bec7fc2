// The run store on PostgreSQL (`--store postgres://…` / NNC_STORE): the RunStore
// interface over a synchronous bridge to a `pg` Pool (sync-client.ts), in the
// `nnc` schema (pg-migrations.ts) that many projects and writers share. A
// project is a row of nnc.projects (project-identity.ts); runs, logs,
// diagnostics and sweeps belong to one. Checkpoints are content-addressed in
// the store (checkpoint-blobs.ts); runDir(id) is a local cache folder that is
// filled from the store when read and uploaded from after every save.
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { onCheckpointSaved } from '../checkpoint.js';
import { claimRun } from '../interrupted.js';
import { RUN_COLUMNS, newRunId, toRunRecord, type RunRow } from '../run-rows.js';
import { StoreError } from '../store-error.js';
import type { RunStoreOptions } from '../store.js';
import { mergeEpochBest } from '../store.js';
import type { NewRun, RunRecord, RunStatus, RunStore } from '../types.js';
import { createBufferedWriter } from '../write-buffer.js';
import { newSweepId, type SweepReader, type SweepWriter } from '../../sweep/sweep-store.js';
import { createCheckpointSync, directoryBlobs, postgresBlobs } from './checkpoint-blobs.js';
import { backupPostgres, type PostgresBackup } from './pg-backup.js';
import { postgresStoreError, redactUrl } from './pg-errors.js';
import { checkPostgresSchema, migratePostgres } from './pg-migrations.js';
import {
  postgresWriteSink, queryPostgresLogs, readPostgresDiagnostics, readPostgresEvaluations, readPostgresSnapshots,
  writePostgresDiagnostics, writePostgresEvaluation, writePostgresSnapshot,
} from './pg-rows.js';
import { findProject, listProjects, markInterruptedRuns, upsertProject, type ProjectRecord } from './pg-projects.js';
import { postgresSweepReader, postgresSweepWriter } from './pg-sweeps.js';

export type { ProjectRecord } from './pg-projects.js';
import { projectIdentity, type ProjectIdentity } from './project-identity.js';
import { createSyncClient, type SyncClient } from './sync-client.js';

export interface PostgresStoreOptions extends RunStoreOptions {
  /** postgres://user:password@host:port/db (or postgresql://); the PG* variables fill what it leaves out */
  readonly url: string;
  /** checkpoint files go to this folder (content-addressed) instead of the blobs table */
  readonly artifacts?: string;
  /** which project of the store; default: the folder's Project document name and git remote */
  readonly project?: ProjectIdentity;
  /** the local folder runDir(id) returns folders in; default <project>/.nnc/store-cache/runs */
  readonly cacheDir?: string;
}

/** The RunStore a shared PostgreSQL store gives, with what only a shared store has. */
export interface SharedRunStore extends RunStore {
  readonly kind: 'postgres';
  /** the URL with its password as *** */
  readonly url: string;
  readonly project: ProjectIdentity;
  /** every project in the store (the viewer lists them) */
  listProjects(): ProjectRecord[];
  readonly sweeps: { writer(): SweepWriter; reader(): SweepReader };
  /** uploads a run's checkpoint folder (default its cache folder; done after every save anyway); returns how many new blobs */
  uploadCheckpoint(runId: string, dir?: string): number;
  /** whether a run with this id is stored (in any project) */
  hasRun(id: string): boolean;
  /** pg_dump (custom format) where present, else a JSON-lines export; says which */
  backupStore(file: string): Promise<PostgresBackup>;
  /** the bridge, for store push */
  readonly client: SyncClient;
  readonly projectId: number;
}

export function isSharedRunStore(store: RunStore): store is SharedRunStore {
  return (store as Partial<SharedRunStore>).kind === 'postgres';
}

const RUN_ID = /^[A-Za-z0-9_-]+$/;

export function createPostgresRunStore(projectDir: string, options: PostgresStoreOptions): SharedRunStore {
  const dir = resolve(projectDir);
  const url = options.url;
  const shown = redactUrl(url);
  const readonly = options.readonly === true;
  const fault = (error: unknown) => postgresStoreError(error, url) ?? error;
  const client = createSyncClient(url, `nnc ${hostname()}`);
  let identity: ProjectIdentity = options.project ?? projectIdentity(dir);
  let projectId = -1;
  try {
    const schema = readonly ? checkPostgresSchema(client, `'${shown}'`) : migratePostgres(client, `'${shown}'`);
    if (!schema.ok) throw new StoreError(schema.message, shown, 'schema');
    projectId = readonly ? findProject(client, identity) : upsertProject(client, identity, dir);
    if (!readonly) markInterruptedRuns(client, projectId);
  } catch (error) {
    client.close();
    throw fault(error);
  }

  let warned = false;
  const report =
    options.onError ??
    ((error: Error) => {
      if (!warned) console.error(`nnc: ${error.message}`);
      warned = true;
    });
  const buffer = readonly ? null : createBufferedWriter(postgresWriteSink(client, () => projectId), (error) => report(fault(error) as Error));
  const blobs = options.artifacts ? directoryBlobs(resolve(options.artifacts), client) : postgresBlobs(client);
  const checkpoints = createCheckpointSync(client, blobs);
  const cacheRoot = resolve(options.cacheDir ?? join(dir, '.nnc', 'store-cache', 'runs'));
  /** runs whose folder this process writes: never overwritten from the store */
  const written = new Set<string>();

  function writable(): NonNullable<typeof buffer> {
    if (!buffer) throw new Error(`The run store '${shown}' was opened read-only.`);
    return buffer;
  }

  const getRunRow = (id: string) => client.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM nnc.runs WHERE id = $1 AND project_id = $2`, [id, projectId]).rows[0];

  function projectName(plan: unknown): string {
    const name = (plan as { project?: { name?: unknown } } | null)?.project?.name;
    return typeof name === 'string' && name !== '' ? name : identity.name;
  }

  function runFolder(id: string): string {
    if (!RUN_ID.test(id)) throw new Error(`'${id}' is not a run id.`);
    return join(cacheRoot, id);
  }

  /** After a save under the cache: upload that run's folder. */
  const stopListening = readonly
    ? () => {}
    : onCheckpointSaved((saved) => {
        const rel = relative(cacheRoot, resolve(saved));
        if (rel === '' || rel.startsWith('..') || resolve(saved) === rel) return;
        const id = rel.split(sep)[0]!;
        if (!RUN_ID.test(id)) return;
        try {
          checkpoints.upload(id, runFolder(id));
        } catch (error) {
          throw fault(error);
        }
      });

  function mergeJson(column: 'best' | 'info', id: string, patch: Record<string, unknown>): void {
    const row = client.query<{ value: string }>(`SELECT ${column} AS value FROM nnc.runs WHERE id = $1 FOR UPDATE`, [id]).rows[0];
    if (!row) return;
    const merged = { ...(JSON.parse(row.value) as Record<string, unknown>), ...patch };
    client.query(`UPDATE nnc.runs SET ${column} = $1 WHERE id = $2`, [JSON.stringify(merged), id]);
  }

  let closed = false;
  const store: SharedRunStore = {
    kind: 'postgres',
    path: shown,
    url: shown,
    get project() {
      return identity;
    },
    get projectId() {
      return projectId;
    },
    client,

    createRun(run: NewRun): RunRecord {
      writable();
      const name = projectName(run.plan);
      if (name !== identity.name) {
        identity = { ...identity, name };
        projectId = upsertProject(client, identity, dir);
      }
      const id = newRunId();
      client.query(
        `INSERT INTO nnc.runs (id, project_id, project, plan_hash, model_hash, git_commit, git_dirty, backend, status, parent_id,
           started_at, ended_at, best, info, plan, pid, host)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9, $10, NULL, '{}', $11, $12, $13, $14)`,
        [
          id, projectId, name, run.planHash, run.modelHash, run.gitCommit, run.gitDirty ? 1 : 0, run.backend, run.parentId ?? null,
          Date.now(), JSON.stringify(run.info ?? {}), run.plan === undefined ? null : JSON.stringify(run.plan), process.pid, hostname(),
        ],
      );
      claimRun(id);
      written.add(id);
      return toRunRecord(getRunRow(id)!);
    },

    getRun(id) {
      const row = getRunRow(id);
      return row ? toRunRecord(row) : null;
    },

    hasRun(id) {
      return client.query('SELECT 1 FROM nnc.runs WHERE id = $1', [id]).rowCount > 0;
    },

    listRuns(opts = {}) {
      return client
        .query<RunRow>(`SELECT ${RUN_COLUMNS} FROM nnc.runs WHERE project_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, [projectId, opts.limit ?? null])
        .rows.map(toRunRecord);
    },

    latestRun(filter = {}) {
      const statuses: readonly RunStatus[] = filter.status ?? ['completed', 'stopped'];
      const params: unknown[] = [projectId, statuses];
      const where = ['project_id = $1', 'status = ANY($2::text[])'];
      if (filter.planHash !== undefined) {
        params.push(filter.planHash);
        where.push(`plan_hash = $${params.length}`);
      }
      if (filter.modelHash !== undefined) {
        params.push(filter.modelHash);
        where.push(`model_hash = $${params.length}`);
      }
      const row = client.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM nnc.runs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT 1`, params).rows[0];
      return row ? toRunRecord(row) : null;
    },

    endRun(id, status, info) {
      const buf = writable();
      let unsaved = 0;
      try {
        buf.flush();
      } catch (error) {
        if (status !== 'failed') throw error;
        unsaved = buf.discard();
      }
      client.transaction(() => {
        client.query('UPDATE nnc.runs SET status = $1, ended_at = $2 WHERE id = $3', [status, Date.now(), id]);
        if (info || unsaved) mergeJson('info', id, { ...info, ...(unsaved ? { unsavedRows: unsaved } : {}) });
      });
      buf.forgetRun(id);
    },

    updateBest(id, best) {
      writable();
      client.transaction(() => mergeJson('best', id, best));
    },

    recordEpochBest(id, metrics) {
      writable();
      client.transaction(() => {
        const row = client.query<{ best: string }>('SELECT best FROM nnc.runs WHERE id = $1 FOR UPDATE', [id]).rows[0];
        if (!row) return;
        const merged = mergeEpochBest(JSON.parse(row.best) as Record<string, number>, metrics);
        if (merged) client.query('UPDATE nnc.runs SET best = $1 WHERE id = $2', [JSON.stringify(merged), id]);
      });
    },

    pinnedRun() {
      return client.query<{ id: string | null }>('SELECT pinned_run AS id FROM nnc.projects WHERE id = $1', [projectId]).rows[0]?.id ?? null;
    },

    pinRun(id) {
      writable();
      client.query('UPDATE nnc.projects SET pinned_run = $1 WHERE id = $2', [id, projectId]);
    },

    getPlan(id) {
      const row = client.query<{ plan: string | null }>('SELECT plan FROM nnc.runs WHERE id = $1', [id]).rows[0];
      return row?.plan == null ? null : JSON.parse(row.plan);
    },

    addMetrics(runId, points) {
      writable().addMetrics(runId, points);
    },

    metrics(runId, names) {
      buffer?.flush();
      const params: unknown[] = [runId];
      let sql = 'SELECT step, epoch, name, value FROM nnc.metrics WHERE run_id = $1';
      if (names) {
        params.push(names);
        sql += ' AND name = ANY($2::text[])';
      }
      sql += ' ORDER BY name, step';
      return client
        .query<{ step: number; epoch: number; name: string; value: number | null }>(sql, params)
        .rows.map((r) => ({ step: r.step, epoch: r.epoch, name: r.name, value: r.value ?? Number.NaN }));
    },

    addLog(runId, entry) {
      writable().addLog(runId, entry);
    },

    logs(filter = {}) {
      buffer?.flush();
      return queryPostgresLogs(client, projectId, filter);
    },

    addSnapshot(runId, snapshot) {
      writable();
      writePostgresSnapshot(client, runId, snapshot);
    },

    latestSnapshot(runId) {
      return readPostgresSnapshots(client, runId, true)[0] ?? null;
    },

    snapshots(runId) {
      return readPostgresSnapshots(client, runId, false);
    },

    addEvaluation(evaluation) {
      writable();
      return writePostgresEvaluation(client, evaluation);
    },

    evaluations(runId) {
      return readPostgresEvaluations(client, projectId, runId);
    },

    saveDiagnostics(diagnostics) {
      writable();
      writePostgresDiagnostics(client, projectId, diagnostics);
    },

    diagnostics() {
      return readPostgresDiagnostics(client, projectId);
    },

    runDir(id) {
      const folder = runFolder(id);
      if (written.has(id)) return folder;
      // a run this process did not write: its stored files, fetched where the cache lacks them or differs
      if (checkpointCount(id) > 0) {
        try {
          mkdirSync(folder, { recursive: true });
        } catch (error) {
          throw new StoreError(`The checkpoint cache '${folder}' cannot be written (${(error as Error).message}). Make it writable or give another folder.`, folder, 'readonly');
        }
        checkpoints.fetch(id, folder);
      }
      return folder;
    },

    uploadCheckpoint(runId, from) {
      return checkpoints.upload(runId, from ?? runFolder(runId));
    },

    listProjects() {
      return listProjects(client);
    },

    sweeps: {
      writer: () => postgresSweepWriter(client, () => projectId, () => newSweepId()),
      reader: () => postgresSweepReader(client, () => projectId),
    },

    flush() {
      buffer?.flush();
    },

    async backup(target) {
      await store.backupStore(target);
    },

    async backupStore(target) {
      buffer?.flush();
      return backupPostgres(client, url, resolve(target));
    },

    close() {
      if (closed) return;
      closed = true;
      stopListening();
      try {
        buffer?.flush();
      } catch (error) {
        const unsaved = buffer?.discard() ?? 0;
        const f = fault(error) as Error;
        report(new StoreError(`${f.message} ${unsaved} metric points and log lines were not stored.`, shown, 'io'));
      } finally {
        buffer?.dispose();
        client.close();
      }
    },
  };

  function checkpointCount(id: string): number {
    return client.query('SELECT 1 FROM nnc.checkpoint_files WHERE run_id = $1 LIMIT 1', [id]).rowCount;
  }

  guardMethods(store, fault);
  if (!readonly) {
    if (openStores.size === 0) process.on('exit', flushOnExit);
    openStores.add(store);
    const close = store.close;
    store.close = () => {
      openStores.delete(store);
      if (openStores.size === 0) process.off('exit', flushOnExit);
      close();
    };
  }
  return store;
}

const openStores = new Set<RunStore>();
function flushOnExit(): void {
  for (const store of openStores) {
    try {
      store.flush();
    } catch {
      // the process is ending
    }
  }
}

/** Every method raises a StoreError (redacted URL, what to do) for what PostgreSQL or the network refused. */
function guardMethods(store: SharedRunStore, fault: (error: unknown) => unknown): void {
  const target = store as unknown as Record<string, unknown>;
  for (const name of Object.keys(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name);
    if (!descriptor || typeof descriptor.value !== 'function') continue;
    const method = descriptor.value as (...args: unknown[]) => unknown;
    target[name] = function guarded(this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = method.apply(this, args);
      } catch (error) {
        throw fault(error);
      }
      if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(fault(error)));
      return result;
    };
  }
}

/** A cache folder for a store opened without a project folder (a worker): under the OS's temporary folder. */
export function defaultCacheDir(): string {
  return join(tmpdir(), 'nnc-store-cache', 'runs');
}
