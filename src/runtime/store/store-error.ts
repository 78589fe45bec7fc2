// A fault of the run store's file (damaged, empty, disk full, not writable,
// locked), as opposed to a bug: the CLI prints it without a stack and exits 1.
// Every message names the file and says what to do. The store raises it from
// its edges (opening, each read and write), so commands need no handling of
// their own. Free of SQLite: cli.ts loads it to recognize the error.
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';

export type StoreFault = 'damaged' | 'empty' | 'full' | 'readonly' | 'locked' | 'io' | 'schema';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly file: string,
    readonly fault: StoreFault,
  ) {
    super(message);
  }
}

/** By name as well as by class: an error that crossed a worker thread keeps its name only. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError || (error instanceof Error && error.name === 'StoreError');
}

/** What to do about a store file that cannot be used as it is. */
export function damagedAdvice(file: string): string {
  return `Restore a backup over it (cp <backup>.db '${file}'; 'nnc backup' writes one), or move it aside to start a new store (mv '${file}' '${file}.damaged'); 'sqlite3 ${file}.damaged .recover' may save what is still readable. The checkpoints in '${join(dirname(file), 'runs')}' are not touched.`;
}

function reasonOf(error: Error): string {
  return error.message.replace(/\.$/, '');
}

/**
 * The StoreError for an error SQLite or the file system raised while nnc used
 * the store; null when the error is not about the store's file (a bug, or a
 * mistake the caller reports itself).
 */
export function storeErrorFrom(error: unknown, file: string, subject = `the run store '${file}'`, dir = dirname(file)): StoreError | null {
  if (isStoreError(error)) return error;
  if (!(error instanceof Error)) return null;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const reason = reasonOf(error);
  const Subject = subject[0]!.toUpperCase() + subject.slice(1);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || (code === 'SQLITE_IOERR_WRITE' && /full|space/i.test(reason))) {
    return new StoreError(
      `The disk holding ${subject} is full (${reason}). Free some space and run again; what was stored before is kept.`,
      file,
      'full',
    );
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') {
    return new StoreError(`The run store '${file}' is damaged (${reason}); nnc does not write to it. ${damagedAdvice(file)}`, file, 'damaged');
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || (code === 'SQLITE_CANTOPEN' && !writableDir(dir))) {
    return new StoreError(
      `${Subject} cannot be written (${readonlyReason(dir, reason)})${subject.startsWith('the run store') ? '; nnc writes beside the store even to read it' : ''}. Make '${dir}' and the files in it writable by this user (chmod -R u+w '${dir}'), or run nnc as their owner; nothing was changed.`,
      file,
      'readonly',
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED_')) {
    return new StoreError(`The run store '${file}' is locked by another process (${reason}). Try again when it has finished.`, file, 'locked');
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'EIO') {
    return new StoreError(
      `Reading or writing ${subject} failed (${reason}). Check that the disk is attached and healthy, then run again.`,
      file,
      'io',
    );
  }
  return null;
}

/** For a checkpoint folder (.nnc/runs/<id>/, or export's --out): the same faults, named for the folder. */
export function checkpointErrorFrom(error: unknown, dir: string): unknown {
  return storeErrorFrom(error, dir, `the checkpoint folder '${dir}'`, dir) ?? error;
}

function writableDir(dir: string): boolean {
  return accessCode(dir) === null;
}

function readonlyReason(dir: string, reason: string): string {
  const code = accessCode(dir);
  if (code === 'EROFS') return `'${dir}' is on a read-only file system`;
  if (code === 'EACCES' || code === 'EPERM') return `this user may not write to '${dir}'`;
  return reason;
}

function accessCode(dir: string): string | null {
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}
