// Builds the viewer the way scripts/build.mjs does (one esbuild call) into a
// folder, with index.html beside it, for tests and the benchmark that must not
// depend on the CLI build.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function buildViewer(outdir: string): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: ['src/viewer/main.ts'],
    outdir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'warning',
  });
  copyFileSync('src/viewer/index.html', join(outdir, 'index.html'));
}
