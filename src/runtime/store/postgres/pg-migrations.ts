// The PostgreSQL store's schema: the SQLite store's concepts (migrations.ts,
// schema versions 1-4, sweeps included) for a store that many projects and
// many writers share, in its own `nnc` schema with its own version table.
// Migrating runs under a transaction-level advisory lock, so two writers that
// start at once do not both create the tables. Like migrations.ts, an entry is
// never edited once released; a change is a new entry at the end.
import type { SyncClient } from './sync-client.js';

/** pg_advisory_xact_lock's key: "nnc" in ASCII */
const MIGRATION_LOCK = 0x6e6e63;

export const pgMigrations: readonly string[] = [
  // 1: the concepts of SQLite schema 4, keyed by project
  `
  CREATE TABLE nnc.projects (
    id         SERIAL PRIMARY KEY,
    -- the Project document's name, and the folder's git remote ('' outside git): one project on every clone
    name       TEXT NOT NULL,
    remote     TEXT NOT NULL DEFAULT '',
    dir        TEXT NOT NULL,
    host       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    pinned_run TEXT,
    UNIQUE (name, remote)
  );

  CREATE TABLE nnc.runs (
    id          TEXT PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES nnc.projects (id),
    project     TEXT NOT NULL,
    plan_hash   TEXT NOT NULL,
    model_hash  TEXT NOT NULL,
    git_commit  TEXT,
    git_dirty   INTEGER NOT NULL DEFAULT 0,
    backend     TEXT NOT NULL,
    status      TEXT NOT NULL,
    parent_id   TEXT,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    best        TEXT NOT NULL DEFAULT '{}',
    info        TEXT NOT NULL DEFAULT '{}',
    plan        TEXT,
    pid         INTEGER,
    host        TEXT,
    sweep_id    TEXT,
    sweep_trial INTEGER
  );
  CREATE INDEX runs_project_started ON nnc.runs (project_id, started_at);
  CREATE INDEX runs_plan_hash ON nnc.runs (project_id, plan_hash, started_at);
  CREATE INDEX runs_model_hash ON nnc.runs (project_id, model_hash, started_at);
  CREATE INDEX runs_status ON nnc.runs (status);
  CREATE INDEX runs_git_commit ON nnc.runs (git_commit);
  CREATE INDEX runs_sweep ON nnc.runs (sweep_id, sweep_trial);

  CREATE TABLE nnc.metrics (
    run_id TEXT NOT NULL,
    step   INTEGER NOT NULL,
    epoch  INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  DOUBLE PRECISION -- NULL stands for NaN, as in SQLite
  );
  CREATE INDEX metrics_run_name_step ON nnc.metrics (run_id, name, step);

  CREATE TABLE nnc.logs (
    id         BIGSERIAL PRIMARY KEY,
    project_id INTEGER NOT NULL,
    run_id     TEXT,
    time       BIGINT NOT NULL,
    level      TEXT NOT NULL,
    category   TEXT NOT NULL,
    message    TEXT NOT NULL,
    spam       INTEGER NOT NULL DEFAULT 0,
    count      INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX logs_project ON nnc.logs (project_id, id);
  CREATE INDEX logs_run ON nnc.logs (run_id, id);

  CREATE TABLE nnc.snapshots (
    id     BIGSERIAL PRIMARY KEY,
    run_id TEXT NOT NULL,
    step   INTEGER NOT NULL,
    epoch  INTEGER NOT NULL,
    time   BIGINT NOT NULL
  );
  CREATE INDEX snapshots_run_step ON nnc.snapshots (run_id, step);

  CREATE TABLE nnc.snapshot_tensors (
    id          BIGSERIAL PRIMARY KEY,
    snapshot_id BIGINT NOT NULL REFERENCES nnc.snapshots (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    layer       TEXT NOT NULL,
    shape       TEXT NOT NULL,
    mean        DOUBLE PRECISION,
    std         DOUBLE PRECISION,
    min         DOUBLE PRECISION,
    max         DOUBLE PRECISION,
    histogram   TEXT NOT NULL,
    grad_norm   TEXT
  );
  CREATE INDEX snapshot_tensors_snapshot ON nnc.snapshot_tensors (snapshot_id);

  CREATE TABLE nnc.diagnostics (
    id         BIGSERIAL PRIMARY KEY,
    project_id INTEGER NOT NULL,
    saved_at   BIGINT NOT NULL,
    code       INTEGER NOT NULL,
    severity   TEXT NOT NULL,
    message    TEXT NOT NULL,
    file       TEXT NOT NULL,
    line       INTEGER NOT NULL,
    "column"   INTEGER NOT NULL,
    length     INTEGER NOT NULL,
    notes      TEXT,
    suggestion TEXT
  );
  CREATE INDEX diagnostics_project ON nnc.diagnostics (project_id, id);

  CREATE TABLE nnc.evaluations (
    id         BIGSERIAL PRIMARY KEY,
    run_id     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    split      TEXT NOT NULL,
    data       TEXT,
    checkpoint TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    metrics    TEXT NOT NULL,
    heads      TEXT NOT NULL
  );
  CREATE INDEX evaluations_run ON nnc.evaluations (run_id, id);

  CREATE TABLE nnc.sweeps (
    id         TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at   BIGINT,
    method     TEXT NOT NULL,
    metric     TEXT NOT NULL,
    mode       TEXT NOT NULL,
    parallel   INTEGER NOT NULL,
    spec       TEXT NOT NULL,
    info       TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE nnc.sweep_trials (
    sweep_id   TEXT NOT NULL,
    trial      INTEGER NOT NULL,
    params     TEXT NOT NULL,
    status     TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    run_id     TEXT,
    value      DOUBLE PRECISION,
    epochs     INTEGER NOT NULL DEFAULT 0,
    stopped_at INTEGER,
    PRIMARY KEY (sweep_id, trial)
  );

  -- checkpoints, content-addressed: one row per distinct file (sha256), and each run's files by path
  CREATE TABLE nnc.blobs (
    hash       TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    data       BYTEA,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE nnc.checkpoint_files (
    run_id TEXT NOT NULL,
    path   TEXT NOT NULL,
    hash   TEXT NOT NULL,
    size   BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
  );
  `,
];

export type PgMigrationResult = { readonly ok: true; readonly from: number; readonly to: number } | { readonly ok: false; readonly message: string };

function version(client: SyncClient): number {
  const exists = client.query<{ t: string | null }>("SELECT to_regclass('nnc.schema_version')::text AS t").rows[0]?.t;
  if (!exists) return 0;
  return client.query<{ version: number }>('SELECT version FROM nnc.schema_version').rows[0]?.version ?? 0;
}

/** Applies the migrations the store lacks, in one transaction under the advisory lock. */
export function migratePostgres(client: SyncClient, where: string): PgMigrationResult {
  const from = version(client);
  if (from > pgMigrations.length) {
    return { ok: false, message: `The run store ${where} was written by a newer nnc (schema ${from}, this nnc knows ${pgMigrations.length}). Upgrade nnc to use it.` };
  }
  if (from === pgMigrations.length) return { ok: true, from, to: from };
  client.transaction(() => {
    client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    client.query('CREATE SCHEMA IF NOT EXISTS nnc');
    client.query('CREATE TABLE IF NOT EXISTS nnc.schema_version (version INTEGER NOT NULL)');
    // re-read under the lock: another writer may have migrated meanwhile
    let current = client.query<{ version: number }>('SELECT version FROM nnc.schema_version').rows[0]?.version;
    if (current === undefined) {
      client.query('INSERT INTO nnc.schema_version (version) VALUES (0)');
      current = 0;
    }
    for (let v = current; v < pgMigrations.length; v++) client.query(pgMigrations[v]!);
    client.query('UPDATE nnc.schema_version SET version = $1', [pgMigrations.length]);
  });
  return { ok: true, from, to: pgMigrations.length };
}

/** For a read-only store: the schema must be there and current. */
export function checkPostgresSchema(client: SyncClient, where: string): PgMigrationResult {
  const v = version(client);
  if (v === pgMigrations.length) return { ok: true, from: v, to: v };
  if (v > pgMigrations.length) return { ok: false, message: `The run store ${where} was written by a newer nnc (schema ${v}, this nnc knows ${pgMigrations.length}). Upgrade nnc to use it.` };
  return { ok: false, message: `The run store ${where} holds no nnc runs yet (schema ${v} of ${pgMigrations.length}). Push runs to it ('nnc store push --store <url>') or train with '--store <url>' first.` };
}
