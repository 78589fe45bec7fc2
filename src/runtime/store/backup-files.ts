// `nnc backup` writes <out>.<pid>.<hex>.tmp (and SQLite its -journal beside it)
// and renames it over <out> once complete. A backup killed with SIGKILL leaves
// these behind; the next backup to the same place removes those whose process
// is gone, and leaves a running backup's files alone.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './interrupted.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes the leftovers of dead backups to `out`; returns the names removed. */
export function removeStaleBackupFiles(out: string): string[] {
  const pattern = new RegExp(`^${escape(basename(out))}\\.(\\d+)\\.[0-9a-f]+\\.tmp(-journal|-wal|-shm)?$`);
  let names: string[];
  try {
    names = readdirSync(dirname(out));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(join(dirname(out), name), { force: true });
      removed.push(name);
    } catch {
      // not ours to insist on: the backup itself does not depend on it
    }
  }
  return removed;
}
