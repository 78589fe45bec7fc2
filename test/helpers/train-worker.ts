// The training worker entry bundled the way scripts/build.mjs bundles it
// (node-bundle.ts), for the watch tests and benchmark that run training in a
// worker thread.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForNode } from './node-bundle.js';

/** Bundles `root`/src/runtime/watch/train-worker.ts into `outfile`. */
export async function bundleTrainWorker(root: string, outfile: string): Promise<void> {
  await bundleForNode(join(root, 'src/runtime/watch/train-worker.ts'), outfile);
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
