// The store's schema as an ordered list of migrations. PRAGMA user_version holds
// how many have been applied; a migration is never edited once released, a
// change of schema is a new entry at the end. Before a store that holds
// anything is migrated, a backup of it as it was goes to .nnc/backups/
// (backups.ts); when that backup cannot be made, nothing is migrated.
import type Database from 'better-sqlite3';
import { relative } from 'node:path';
import { backupDir, backupStore } from './backups.js';

export const migrations: readonly string[] = [
  // 1: the initial schema
  `
  CREATE TABLE projects (
    name       TEXT PRIMARY KEY,
    dir        TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE runs (
    id         TEXT PRIMARY KEY,
    project    TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    git_commit TEXT,
    git_dirty  INTEGER NOT NULL DEFAULT 0,
    backend    TEXT NOT NULL,
    status     TEXT NOT NULL,
    parent_id  TEXT,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    best       TEXT NOT NULL DEFAULT '{}',
    info       TEXT NOT NULL DEFAULT '{}',
    plan       TEXT,
    -- the writing process, so a second nnc on the same project does not mark a live run interrupted
    pid        INTEGER,
    host       TEXT
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE INDEX runs_plan_hash ON runs (plan_hash, started_at);
  CREATE INDEX runs_model_hash ON runs (model_hash, started_at);
  CREATE INDEX runs_status ON runs (status);

  CREATE TABLE metrics (
    run_id TEXT NOT NULL,
    step   INTEGER NOT NULL,
    epoch  INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  REAL -- NULL stands for NaN
  );
  CREATE INDEX metrics_run_name_step ON metrics (run_id, name, step);

  CREATE TABLE logs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id   TEXT,
    time     INTEGER NOT NULL,
    level    TEXT NOT NULL,
    category TEXT NOT NULL,
    message  TEXT NOT NULL,
    spam     INTEGER NOT NULL DEFAULT 0,
    count    INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX logs_run ON logs (run_id, id);

  CREATE TABLE snapshots (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    step   INTEGER NOT NULL,
    epoch  INTEGER NOT NULL,
    time   INTEGER NOT NULL
  );
  CREATE INDEX snapshots_run_step ON snapshots (run_id, step);

  CREATE TABLE snapshot_tensors (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    layer       TEXT NOT NULL,
    shape       TEXT NOT NULL,
    mean        REAL,
    std         REAL,
    min         REAL,
    max         REAL,
    histogram   TEXT NOT NULL,
    grad_norm   REAL
  );
  CREATE INDEX snapshot_tensors_snapshot ON snapshot_tensors (snapshot_id);

  CREATE TABLE diagnostics (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    saved_at   INTEGER NOT NULL,
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
  `,
  // 2: one folder is one project row (it was one row named after the folder and one after
  // the plan's name: keep the newer); the run that predict and export use by default (nnc runs --pin)
  `
  DELETE FROM projects WHERE rowid <> (SELECT MAX(rowid) FROM projects);
  ALTER TABLE projects ADD COLUMN pinned_run TEXT;
  `,
  // 3: nnc evaluate's results, several per run (store/evaluations.ts)
  `
  CREATE TABLE evaluations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    split      TEXT NOT NULL,
    data       TEXT,
    checkpoint TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    metrics    TEXT NOT NULL,
    heads      TEXT NOT NULL
  );
  CREATE INDEX evaluations_run ON evaluations (run_id, id);
  `,
  // 4: nnc sweep: one row per sweep, one per trial, and each run tagged with its sweep and trial (runtime/sweep/sweep-store.ts)
  `
  CREATE TABLE sweeps (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    ended_at   INTEGER,
    method     TEXT NOT NULL,
    metric     TEXT NOT NULL,
    mode       TEXT NOT NULL,
    parallel   INTEGER NOT NULL,
    spec       TEXT NOT NULL,
    info       TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE sweep_trials (
    sweep_id   TEXT NOT NULL,
    trial      INTEGER NOT NULL,
    params     TEXT NOT NULL,
    status     TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    run_id     TEXT,
    value      REAL,
    epochs     INTEGER NOT NULL DEFAULT 0,
    stopped_at INTEGER,
    PRIMARY KEY (sweep_id, trial)
  );
  ALTER TABLE runs ADD COLUMN sweep_id TEXT;
  ALTER TABLE runs ADD COLUMN sweep_trial INTEGER;
  CREATE INDEX runs_sweep ON runs (sweep_id, sweep_trial);
  `,
];

export type MigrationResult =
  /** backup: the copy taken before migrating, when there was one */
  | { readonly ok: true; readonly from: number; readonly to: number; readonly backup?: string }
  | { readonly ok: false; readonly message: string };

/** Applies the migrations the file lacks, each in its own transaction. */
export function migrate(db: Database.Database, file: string): MigrationResult {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) {
    return {
      ok: false,
      message: `The run store '${file}' was written by a newer nnc (schema ${from}, this nnc knows ${migrations.length}). Upgrade nnc to read it.`,
    };
  }
  if (from === migrations.length) return { ok: true, from, to: from };
  // a new store (version 0) holds nothing to lose
  let backup: string | undefined;
  if (from > 0) {
    try {
      backup = backupStore(db, file, 'migration', from);
    } catch (error) {
      const reason = (error as Error).message.replace(/\.$/, '');
      return {
        ok: false,
        message: `The run store '${file}' has schema ${from} and this nnc needs ${migrations.length}; it backs the store up before upgrading it, and the backup to '${backupDir(file)}' failed (${reason}). Nothing was changed: free disk space or make that folder writable, then run the command again.`,
      };
    }
  }
  // Each step re-reads the version under the write lock: two processes opening a
  // new store at once must not both create the tables.
  for (let version = from; version < migrations.length; version++) {
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) !== version) return;
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  if (backup) {
    // said where `nnc logs` shows it: the store changed under the user's feet, and where the old one is
    db.prepare("INSERT INTO logs (run_id, time, level, category, message, spam, count) VALUES (NULL, ?, 'info', 'system', ?, 0, 1)").run(
      Date.now(),
      `The run store was upgraded from schema ${from} to ${migrations.length}; a copy of it as it was is '${relative(process.cwd(), backup) || backup}' ('nnc backup --restore' puts it back, for an older nnc).`,
    );
  }
  return { ok: true, from, to: migrations.length, ...(backup ? { backup } : {}) };
}

/** For a read-only connection, which cannot migrate: the schema must already be current. */
export function checkSchema(db: Database.Database, file: string): MigrationResult {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === migrations.length) return { ok: true, from: version, to: version };
  const message =
    version > migrations.length
      ? `The run store '${file}' was written by a newer nnc (schema ${version}, this nnc knows ${migrations.length}). Upgrade nnc to read it.`
      : `The run store '${file}' has an older schema (${version} of ${migrations.length}). Run 'nnc runs' in the project once to upgrade it.`;
  return { ok: false, message };
}
