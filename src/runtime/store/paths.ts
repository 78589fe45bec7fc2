// Where a project's store lives. Free of SQLite so commands can check for a
// store before paying for better-sqlite3.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** <project>/.nnc/nnc.db */
export function storePath(projectDir: string): string {
  return join(resolve(projectDir), '.nnc', 'nnc.db');
}

/** Whether there is a store to read: the project's file, or a shared store named by --store / NNC_STORE (open-store.ts). */
export function hasStore(projectDir: string): boolean {
  return /^postgres(ql)?:\/\//i.test(process.env.NNC_STORE ?? '') || existsSync(storePath(projectDir));
}

/** The sentence `nnc runs`, `nnc logs` and `nnc backup` print for a project that never trained. */
export function noStoreMessage(shown: string): string {
  return `No runs are stored in '${shown}' yet (there is no ${join('.nnc', 'nnc.db')}). Run 'nnc train ${shown}' or 'nnc watch ${shown}' to train and store one.`;
}
