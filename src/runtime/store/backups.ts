// Backups of the run store in <project>/.nnc/backups/: one before every schema
// migration (nnc-<time>-v<from>.db, kept), periodic ones while `nnc watch`
// runs (store.backups: nnc-<time>.db, the newest `keep` kept), one of the
// store as it was before a restore (nnc-<time>-before-restore.db, kept).
// Copies are taken with VACUUM INTO (one read transaction: consistent while
// others write) and checked with PRAGMA integrity_check before they count.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { integrityProblems, problemText } from './store-health.js';

export type BackupKind = 'migration' | 'periodic' | 'restore';

export interface BackupFile {
  readonly file: string;
  readonly name: string;
  readonly kind: BackupKind;
  /** ms since epoch, from the name */
  readonly time: number;
  /** a migration backup: the schema version the store had */
  readonly schema: number | null;
  readonly bytes: number;
}

const NAME = /^nnc-(\d{8}T\d{6}\d{3}Z)(?:-v(\d+)|-(before-restore))?\.db$/;

export function backupDir(storeFile: string): string {
  return join(dirname(storeFile), 'backups');
}

function stamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]) : Number.NaN;
}

export function backupName(kind: BackupKind, time: number, schema?: number): string {
  const suffix = kind === 'migration' ? `-v${schema}` : kind === 'restore' ? '-before-restore' : '';
  return `nnc-${stamp(time)}${suffix}.db`;
}

/** The backups in the store's backups folder, oldest first. */
export function listBackups(storeFile: string): BackupFile[] {
  const dir = backupDir(storeFile);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {
      continue;
    }
    out.push({ file, name, kind: m[2] ? 'migration' : m[3] ? 'restore' : 'periodic', time: parseStamp(m[1]), schema: m[2] ? Number(m[2]) : null, bytes });
  }
  return out.sort((a, b) => a.time - b.time || a.name.localeCompare(b.name));
}

/**
 * Copies the open database to `target` with VACUUM INTO through a temporary
 * file, checks the copy's integrity, then renames it into place. Throws with
 * the reason when the copy cannot be written or is not sound (nothing is left).
 */
export function vacuumInto(db: Database.Database, target: string): void {
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    const copy = new Database(temp, { readonly: true, fileMustExist: true });
    let problems: string[];
    try {
      problems = integrityProblems(copy);
    } finally {
      copy.close();
    }
    if (problems.length > 0) throw new Error(`the copy failed SQLite's integrity check (${problemText(problems)})`);
    renameSync(temp, target);
  } finally {
    for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) rmSync(leftover, { force: true });
  }
}

/** A backup of the open store into its backups folder (created if needed); returns its path. */
export function backupStore(db: Database.Database, storeFile: string, kind: BackupKind, schema?: number, now = Date.now()): string {
  const dir = backupDir(storeFile);
  mkdirSync(dir, { recursive: true });
  let target = join(dir, backupName(kind, now, schema));
  // two backups in the same millisecond (two processes opening an old store at once)
  for (let i = 1; existsSync(target); i++) target = join(dir, backupName(kind, now + i, schema));
  vacuumInto(db, target);
  return target;
}

/** Deletes the oldest periodic backups beyond `keep`; the others are never deleted. Returns the names removed. */
export function prunePeriodic(storeFile: string, keep: number): string[] {
  const periodic = listBackups(storeFile).filter((b) => b.kind === 'periodic');
  const extra = periodic.slice(0, Math.max(0, periodic.length - keep));
  for (const b of extra) rmSync(b.file, { force: true });
  return extra.map((b) => basename(b.file));
}
