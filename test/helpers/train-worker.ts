// The training worker entry bundled the way scripts/build.mjs bundles it
// (node, ESM, packages external, a `require` for CommonJS dependencies), for
// the watch tests and benchmark that run training in a worker thread.
import { build } from 'esbuild';
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
