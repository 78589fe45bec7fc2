// nnc backup [project] --out file: a consistent copy of the store, taken with
// SQLite's online backup, so it works while a training process writes.
import { statSync } from 'node:fs';
import { UserError, defineCommand } from '../command.js';
import { hasStore, noStoreMessage, storePath } from '../../runtime/store/paths.js';
import { isStoreError } from '../../runtime/store/store-error.js';
import { openStore, projectArgument } from '../store-command.js';

const help = `Usage: nnc backup [project] --out <file>

Write a consistent copy of <project>/.nnc/nnc.db (runs, metrics, logs,
snapshots) to <file>, also while 'nnc train' or 'nnc watch' is writing to it.
Checkpoints in .nnc/runs/ are plain files: copy them as they are. The copy
is checked with SQLite's integrity_check; a damaged store gives no backup
(exit code 1). Temporary files of a backup that was killed are removed by
the next backup to the same place.

Arguments:
  project          project folder (default: the current folder)

Options:
  --out <file>     where to write the copy (replaced if it exists)
  -h, --help       show this help

Exit code: 0 copied, 1 no store or the copy failed, 2 bad command line.`;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export default defineCommand({
  name: 'backup',
  help,
  options: {
    out: { type: 'string' },
  },
  async run(args) {
    const project = projectArgument(args);
    const out = args.values.out;
    if (typeof out !== 'string' || out === '') {
      throw new UserError("Missing '--out <file>': say where to write the backup, e.g. 'nnc backup --out nnc-backup.db'.");
    }
    if (!hasStore(project)) {
      console.error(noStoreMessage(project));
      return 1;
    }
    // read-only: a backup changes nothing in the project; its copy is checked instead of the store
    const store = await openStore(project, { readonly: true, verify: false });
    try {
      const started = performance.now();
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
