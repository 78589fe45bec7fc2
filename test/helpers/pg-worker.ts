// The PostgreSQL store's connection thread (store/postgres/sync-worker.ts) as
// scripts/build.mjs bundles it: dist/pg-worker.js when the build made one,
// else bundled into node_modules/.cache (where it finds `pg`); NNC_PG_WORKER points the store at it.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export async function usePgWorker(): Promise<string> {
  const built = resolve('dist', 'pg-worker.js');
  const file = existsSync(built)
    ? built
    : await (async () => {
        const outfile = resolve('node_modules', '.cache', 'nnc-pg-worker', `pg-worker-${process.pid}.js`);
        await build({
          entryPoints: [resolve('src/runtime/store/postgres/sync-worker.ts')],
          outfile,
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          packages: 'external',
          banner: { js: "import { createRequire as __nncCreateRequire } from 'node:module'; const require = __nncCreateRequire(import.meta.url);" },
          logLevel: 'warning',
        });
        return outfile;
      })();
  process.env.NNC_PG_WORKER = file;
  return file;
}
