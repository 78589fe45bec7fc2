// nnc backup --restore <file>: puts a backup in place of the project's store.
// Refused while anything writes to or reads the store: a run marked running
// whose process is alive on this machine, or any open connection (nnc watch,
// view or train), which an exclusive lock attempt reveals. The store as it was
// is first copied to .nnc/backups/ (nnc-<time>-before-restore.db), so a
// restore loses nothing; a damaged store is copied as it is.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { backupDir, backupName, vacuumInto } from './backups.js';
import { processAlive } from './interrupted.js';
import { migrations } from './migrations.js';
import { integrityProblems, problemText } from './store-health.js';

export interface Restored {
  /** the backup that is now the store */
  readonly from: string;
  /** the copy of the store as it was, or null when there was none */
  readonly previous: string | null;
  readonly schema: number;
}

/** A backup named by path, or by its name in the backups folder. */
export function findBackup(storeFile: string, given: string): string | null {
  const direct = resolve(given);
  if (existsSync(direct)) return direct;
  const inFolder = join(backupDir(storeFile), basename(given));
  return existsSync(inFolder) ? inFolder : null;
}

const same = (a: string, b: string) => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/** Restores `backup` as the store; returns what it did, or the sentence that says why not. */
export function restoreStore(storeFile: string, given: string): Restored | string {
  const backup = findBackup(storeFile, given);
  if (!backup) return `There is no backup '${given}' (nor '${join(backupDir(storeFile), basename(given))}'). 'nnc backup --list' lists the backups.`;
  if (same(backup, storeFile)) return `'${given}' is the store itself; name a backup ('nnc backup --list' lists them).`;
  if (!statSync(backup).isFile()) return `'${given}' is not a file; name a backup file ('nnc backup --list' lists them).`;
  const schema = checkBackup(backup);
  if (typeof schema === 'string') return schema;

  let previous: string | null = null;
  let live: Database.Database | null = null;
  const folder = backupDir(storeFile);
  try {
    if (existsSync(storeFile)) {
      const opened = openExclusive(storeFile);
      if (typeof opened === 'string') return opened;
      live = opened.db;
      mkdirSync(folder, { recursive: true });
      previous = join(folder, backupName('restore', Date.now()));
      if (live && opened.sound) {
        vacuumInto(live, previous);
        live.pragma('wal_checkpoint(TRUNCATE)');
      } else {
        // a damaged store is kept byte for byte, with its write-ahead log
        copyFileSync(storeFile, previous);
        if (existsSync(`${storeFile}-wal`)) copyFileSync(`${storeFile}-wal`, `${previous}-wal`);
      }
    }
    mkdirSync(dirname(storeFile), { recursive: true });
    const temp = `${storeFile}.restore.${process.pid}.tmp`;
    copyFileSync(backup, temp);
    // the copy must not meet the old store's write-ahead log
    for (const side of [`${storeFile}-wal`, `${storeFile}-shm`, `${storeFile}-journal`]) rmSync(side, { force: true });
    renameSync(temp, storeFile);
  } finally {
    live?.close();
  }
  return { from: backup, previous, schema };
}

/** The backup's schema version, or why it cannot be restored. */
function checkBackup(file: string): number | string {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = integrityProblems(db);
    if (problems.length > 0) return `The backup '${file}' is damaged (${problemText(problems)}); pick another ('nnc backup --list').`;
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
    if (version === 0 || !hasRuns) return `'${file}' is not a backup of an nnc run store (it has no runs table).`;
    if (version > migrations.length) return `The backup '${file}' was written by a newer nnc (schema ${version}, this nnc knows ${migrations.length}). Restore it with that nnc.`;
    return version;
  } catch (error) {
    return `'${file}' cannot be read as an SQLite database (${(error as Error).message.replace(/\.$/, '')}); it is not a backup of a run store.`;
  } finally {
    db?.close();
  }
}

/**
 * The live store, locked so no other connection can use it while it is replaced.
 * `sound: false` when SQLite cannot read it (damaged): then it is copied as bytes.
 */
function openExclusive(file: string): { db: Database.Database | null; sound: boolean } | string {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
  } catch {
    return { db: null, sound: false };
  }
  try {
    const writers = liveWriters(db);
    if (writers.length > 0) {
      db.close();
      const list = writers.map((w) => `'${w.id}' (pid ${w.pid})`).join(', ');
      return `A run is writing to the store now (${list}): stop it (Ctrl-C in its terminal) before restoring a backup.`;
    }
  } catch {
    // no runs table to read: a damaged or foreign file; the lock still says whether anyone has it open
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') {
      return `Another process has the store '${file}' open (nnc watch, nnc view or nnc train): stop it before restoring a backup.`;
    }
    return { db: null, sound: false };
  }
  let sound = true;
  try {
    sound = integrityProblems(db).length === 0;
  } catch {
    sound = false;
  }
  return { db, sound };
}

function liveWriters(db: Database.Database): { id: string; pid: number }[] {
  const rows = db.prepare<[], { id: string; pid: number | null; host: string | null }>("SELECT id, pid, host FROM runs WHERE status = 'running'").all();
  const me = hostname();
  return rows.filter((r) => r.pid !== null && r.host === me && processAlive(r.pid)).map((r) => ({ id: r.id, pid: r.pid! }));
}
