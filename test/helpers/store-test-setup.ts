// What the run store tests share: a throwaway PostgreSQL server for a test
// file, and project folders and stores that are removed and closed after the
// tests that made them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import type { RunStore } from '../../src/runtime/store/types.js';
import { usePgWorker } from './pg-worker.js';
import { startPostgres, type StartedPostgres } from './postgres.js';

/**
 * A PostgreSQL server for this test file, with the store's connection thread
 * bundled (NNC_PG_WORKER), stopped after the file's tests. Where none can
 * start here, `skip` says why and `label: <why>` is printed.
 */
export async function postgresForFile(label: string): Promise<StartedPostgres> {
  const started = await startPostgres();
  if (started.skip) {
    console.warn(`${label}: ${started.skip}`);
    return started;
  }
  const server = started.server!;
  afterAll(() => server.stop());
  await usePgWorker();
  return started;
}

/**
 * Project folders (a Project document named `name`) under the system's temp
 * folder, removed after the file's tests; the stores a test pushes on
 * `stores` are closed after that test. Push other folders on `dirs` to have
 * them removed too.
 */
export function storeScratch(prefix: string): { readonly dirs: string[]; readonly stores: RunStore[]; folder(name: string): string } {
  const dirs: string[] = [];
  const stores: RunStore[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    dirs,
    stores,
    folder(name) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      writeFileSync(join(dir, 'nnc.yaml'), `apiVersion: nnc/v1\nkind: Project\nname: ${name}\n`);
      dirs.push(dir);
      return dir;
    },
  };
}
