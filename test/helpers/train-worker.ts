// The training worker entry bundled the way scripts/build.mjs bundles it
// (node, ESM, packages external, a `require` for CommonJS dependencies), for
// the watch tests and benchmark that run training in a worker thread.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bundles `root`/src/runtime/watch/train-worker.ts into `outfile`. */
export async function bundleTrainWorker(root: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(root, 'src/runtime/watch/train-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: "import { createRequire as __nncCreateRequire } from 'node:module'; const require = __nncCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

/** The built dist/train-worker.js when the build made one, else the entry bundled into `cacheDir`. */
export async function trainWorkerPath(root: string, cacheDir: string): Promise<string> {
  const built = join(root, 'dist', 'train-worker.js');
  if (existsSync(built)) return built;
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, 'train-worker.js');
  await bundleTrainWorker(root, outfile);
  return outfile;
}
