// The PostgreSQL store's connection thread (store/postgres/sync-worker.ts) as
// scripts/build.mjs bundles it: dist/pg-worker.js when the build made one,
// else bundled into node_modules/.cache (where it finds `pg`); NNC_PG_WORKER points the store at it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleForNode } from './node-bundle.js';

export async function usePgWorker(): Promise<string> {
  const built = resolve('dist', 'pg-worker.js');
  const file = existsSync(built)
    ? built
    : await (async () => {
        const outfile = resolve('node_modules', '.cache', 'nnc-pg-worker', `pg-worker-${process.pid}.js`);
        await bundleForNode(resolve('src/runtime/store/postgres/sync-worker.ts'), outfile);
        return outfile;
      })();
  process.env.NNC_PG_WORKER = file;
  return file;
}
