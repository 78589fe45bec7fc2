// Checks a store file before nnc trusts it: the file itself before SQLite
// opens it (empty, not an SQLite file), and its pages with PRAGMA quick_check
// before anything is written (about 3 ms per MB). A damaged store is refused,
// never written to: writing into it could turn a readable store into a lost one.
import type Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StoreError, damagedAdvice } from './store-error.js';

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function size(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * Before opening an existing store file. A 0-byte nnc.db is refused, not taken
 * for a new store: nnc writes the header the moment it creates the file, so an
 * empty one means its contents were lost (a full disk, an interrupted copy) and
 * starting over in it would hide that. A 0-byte file with a write-ahead log
 * beside it is left to SQLite, which replays the log.
 */
export function checkStoreFile(file: string): void {
  const bytes = size(file);
  if (bytes === null) return; // a new store
  if (bytes === 0) {
    if ((size(`${file}-wal`) ?? 0) > 0) return;
    throw new StoreError(
      `The run store '${file}' is empty (0 bytes): whatever it held was lost, e.g. by a full disk or an interrupted copy. Restore a backup over it (cp <backup>.db '${file}'), or delete it to start a new store (rm '${file}').`,
      file,
      'empty',
    );
  }
  const head = Buffer.alloc(HEADER.length);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, head, 0, HEADER.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // unreadable: SQLite says why when it opens the file
  }
  if (read < HEADER.length || !head.equals(HEADER)) {
    throw new StoreError(
      `The run store '${file}' is damaged: it does not start with an SQLite header (${bytes} bytes); nnc does not write to it. ${damagedAdvice(file)}`,
      file,
      'damaged',
    );
  }
}

/** After opening, before any write: every page and index readable and consistent. */
export function checkStorePages(db: Database.Database, file: string): void {
  const problems = checkProblems(db, 'quick_check');
  if (problems.length === 0) return;
  throw new StoreError(
    `The run store '${file}' is damaged (SQLite's quick_check: ${problemText(problems)}); nnc does not write to it. ${damagedAdvice(file)}`,
    file,
    'damaged',
  );
}

/** The full check, for a backup's copy. */
export function integrityProblems(db: Database.Database): string[] {
  return checkProblems(db, 'integrity_check');
}

function checkProblems(db: Database.Database, pragma: 'quick_check' | 'integrity_check'): string[] {
  const rows = db.pragma(`${pragma}(5)`) as Record<string, string>[];
  // one row may hold several lines, the first a heading ('*** in database main ***')
  return rows
    .flatMap((r) => String(Object.values(r)[0]).split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== 'ok' && line !== '' && !line.startsWith('***'));
}

/** The first problems SQLite lists, short enough for one message. */
export function problemText(problems: readonly string[]): string {
  const shown = problems.slice(0, 2).join('; ');
  return problems.length > 2 ? `${shown}; …` : shown;
}
