// nnc backup [project] --out file: a consistent copy of the store, taken with
// SQLite's online backup, so it works while a training process writes.
// --list: the backups nnc made in .nnc/backups/ (before schema migrations,
// periodic ones of nnc watch, the store as it was before a restore);
// --restore <file>: one of them (or any backup) back in place of the store.
import { realpathSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError, defineCommand } from '../command.js';
import { formatTime } from '../format-time.js';
import { hasStore, noStoreMessage, storePath } from '../../runtime/store/paths.js';
import { isStoreError } from '../../runtime/store/store-error.js';
import { STORE_OPTIONS_HELP, isShared, openStore, parseFormat, projectArgument } from '../store-command.js';
import { renderTable } from '../table.js';

const help = `Usage: nnc backup [project] --out <file>
       nnc backup [project] --list [--format json]
       nnc backup [project] --restore <file>

Write a consistent copy of <project>/.nnc/nnc.db (runs, metrics, logs,
snapshots) to <file>, also while 'nnc train' or 'nnc watch' is writing to it.
Checkpoints in .nnc/runs/ are plain files: copy them as they are. The copy
is checked with SQLite's integrity_check; a damaged store gives no backup
(exit code 1). Temporary files of a backup that was killed are removed by
the next backup to the same place.

nnc also backs the store up by itself, into .nnc/backups/: before every
schema migration (nnc-<time>-v<schema>.db, kept), every store.backups.every
while 'nnc watch' runs (nnc-<time>.db, the newest store.backups.keep kept),
and the store as it was before a restore (nnc-<time>-before-restore.db).

With --store postgres://… the backup is of the whole shared store (every
project, checkpoint blobs included): pg_dump's custom format (pg_restore reads
it) where pg_dump is installed and can dump that server, else a logical export
(JSON lines: a header, then one {"table", "row"} per row); it says which.
--list and --restore are for the project's own file.

Arguments:
  project          project folder (default: the current folder)

Options:
  --out <file>     where to write the copy (replaced if it exists; its folder
                   must exist; not the store itself)
  --list           list the backups in .nnc/backups/, oldest first
  --restore <file> put this backup (a path, or a name from --list) in place
                   of the store, after copying the store as it is to
                   .nnc/backups/; refused while a run or another nnc has the
                   store open
  --format <f>     text (default) or json, for --list
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 copied, listed or restored, 1 no store, the copy failed or the
restore was refused, 2 bad command line.`;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const shown = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

export default defineCommand({
  name: 'backup',
  help,
  options: {
    out: { type: 'string' },
    list: { type: 'boolean' },
    restore: { type: 'string' },
    format: { type: 'string' },
  },
  async run(args) {
    const project = projectArgument(args);
    const { out, list, restore } = args.values;
    const chosen = [out !== undefined, list === true, restore !== undefined].filter(Boolean).length;
    if (chosen > 1) throw new UserError("Give one of '--out <file>', '--list' and '--restore <file>'.");
    const format = parseFormat(args.values.format);
    if ((list === true || restore !== undefined) && /^postgres(ql)?:/i.test(process.env.NNC_STORE ?? '')) {
      throw new UserError(`'${list === true ? '--list' : '--restore'}' is for the project's own store file (.nnc/nnc.db); leave out --store / NNC_STORE. A shared store's pg_dump backup is restored with pg_restore; nnc has no loader for its JSON-lines export.`);
    }
    if (list === true) return listBackups(project, format);
    if (restore !== undefined) return restoreBackup(project, String(restore));
    if (typeof out !== 'string' || out === '') {
      throw new UserError("Missing '--out <file>': say where to write the backup, e.g. 'nnc backup --out nnc-backup.db' (or '--list', '--restore <file>').");
    }
    if (!hasStore(project)) {
      console.error(noStoreMessage(project));
      return 1;
    }
    checkTarget(project, out);
    // read-only: a backup changes nothing in the project; its copy is checked instead of the store
    const store = await openStore(project, { readonly: true, verify: false });
    try {
      const started = performance.now();
      if (isShared(store)) {
        const made = await (store as unknown as { backupStore(file: string): Promise<{ method: string; reason?: string }> }).backupStore(out);
        const seconds = (performance.now() - started) / 1000;
        const how = made.method === 'pg_dump' ? "with pg_dump (custom format: restore with pg_restore)" : `as a logical export (JSON lines, one per row) because ${made.reason ?? 'pg_dump could not be used'}`;
        console.log(`Backed up the shared store '${store.path}' (every project) to '${out}' ${how} (${formatSize(statSync(out).size)}, ${seconds.toFixed(1)} s).`);
        return 0;
      }
      await store.backup(out);
      const seconds = (performance.now() - started) / 1000;
      console.log(`Backed up '${storePath(project)}' to '${out}' (${formatSize(statSync(out).size)}, ${seconds.toFixed(1)} s).`);
      return 0;
    } catch (error) {
      if (error instanceof UserError || isStoreError(error)) throw error;
      throw new UserError(`Could not write the backup to '${out}': ${(error as Error).message.replace(/\.$/, '')}.`, 1);
    } finally {
      store.close();
    }
  },
});

/** --out names a file in an existing folder, and not the store (or its WAL files), which the copy would destroy. */
function checkTarget(project: string, out: string): void {
  const target = resolve(out);
  const folder = dirname(target);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new UserError(`The folder '${dirname(out)}' for '--out' does not exist (or is not a folder): create it first, or name a file in an existing folder.`, 1);
  const store = realpathSync(storePath(project));
  let real = target;
  try {
    real = realpathSync(target);
  } catch {
    real = resolve(realpathSync(folder), target.slice(folder.length + 1));
  }
  if ([store, `${store}-wal`, `${store}-shm`, `${store}-journal`].includes(real)) {
    throw new UserError(`'${out}' is the live run store itself: a backup written over it would destroy it. Name another file, e.g. 'nnc backup --out nnc-backup.db'.`, 1);
  }
}

async function listBackups(project: string, format: 'text' | 'json'): Promise<number> {
  const { listBackups: list, backupDir } = await import('../../runtime/store/backups.js');
  const file = storePath(project);
  const backups = list(file);
  if (format === 'json') {
    console.log(JSON.stringify(backups.map((b) => ({ ...b, created: new Date(b.time).toISOString() })), null, 2));
    return 0;
  }
  if (backups.length === 0) {
    console.log(`No backups in '${shown(backupDir(file))}' yet: nnc makes one before upgrading the store's schema, and 'nnc watch' every store.backups.every when nnc.yaml sets it.`);
    return 0;
  }
  const why = (b: (typeof backups)[number]) => (b.kind === 'migration' ? `before the upgrade from schema ${b.schema}` : b.kind === 'restore' ? 'the store before a restore' : 'periodic (nnc watch)');
  console.log(renderTable(['backup', 'made', 'size', 'kind'], backups.map((b) => [b.name, formatTime(b.time, true), formatSize(b.bytes), why(b)]), (_, cell) => cell));
  console.log(`In '${shown(backupDir(file))}'. 'nnc backup --restore <name>' puts one back.`);
  return 0;
}

async function restoreBackup(project: string, given: string): Promise<number> {
  if (given === '') throw new UserError("'--restore' takes a backup file: a path, or a name that 'nnc backup --list' shows.");
  const { restoreStore } = await import('../../runtime/store/restore.js');
  const file = storePath(project);
  const done = restoreStore(file, given);
  if (typeof done === 'string') throw new UserError(done, 1);
  console.log(`Restored '${shown(done.from)}' (schema ${done.schema}) as '${shown(file)}'.${done.previous ? ` The store as it was is kept in '${shown(done.previous)}'.` : ''}`);
  return 0;
}
