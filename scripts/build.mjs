// One esbuild call per target: the CLI (node, ESM, dependencies external) and
// the viewer (browser, minified). Runs on `npm install` (prepare) and `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Small pure-JS packages on `nnc check`'s path are bundled: one file loads
// much faster than a package of many CommonJS modules (yaml alone: ~35 ms).
const bundled = new Set(['yaml', 'csv-parse', 'picocolors']);
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})].filter((name) => !bundled.has(name));

const cli = await build({
  metafile: true,
  // the training worker is its own entry: worker-driver.ts loads dist/train-worker.js
  entryPoints: [
    { in: 'src/cli/cli.ts', out: 'cli' },
    { in: 'src/runtime/watch/train-worker.ts', out: 'train-worker' },
    // the PostgreSQL store's connection thread: store/postgres/sync-client.ts loads dist/pg-worker.js
    { in: 'src/runtime/store/postgres/sync-worker.ts', out: 'pg-worker' },
    // the library (package.json exports): nnc, nnc/compiler (no TensorFlow.js), nnc/runtime; declarations: npm run build:types
    { in: 'src/api/index.ts', out: 'index' },
    { in: 'src/api/compiler.ts', out: 'compiler' },
    { in: 'src/api/runtime.ts', out: 'runtime' },
  ],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // minified: V8 compiles less on every start (nnc check pays for it); stack traces map back through the source maps
  minify: !process.env.NNC_NO_MINIFY,
  sourcemap: true,
  banner: { js: "import { createRequire as __nncCreateRequire } from 'node:module'; const require = __nncCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// chunk names change with their content: drop the ones this build did not write
const written = new Set(Object.keys(cli.metafile.outputs).map((f) => resolve(f)));
for (const name of readdirSync('dist')) {
  const path = resolve(join('dist', name));
  if (/\.js(\.map)?$/.test(name) && !written.has(path)) rmSync(path);
}

// what `nnc export` copies into an export: predict.js and nnc-layers.js, readable,
// with only @tensorflow/tfjs (and node:fs in Node) outside; predict.js imports its sibling
await build({
  entryPoints: ['src/runtime/export/portable/predict.ts', 'src/runtime/export/portable/nnc-layers.ts'],
  outdir: 'dist/portable',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  external: ['@tensorflow/tfjs', 'node:*'],
  plugins: [{
    name: 'sibling-nnc-layers',
    setup: (b) => b.onResolve({ filter: /^\.\/nnc-layers\.js$/ }, ({ importer }) => (importer.endsWith('predict.ts') ? { path: './nnc-layers.js', external: true } : undefined)),
  }],
  logLevel: 'warning',
});

// training's TensorFlow.js: the gradients of tfjs-core's ops without the rest of @tensorflow/tfjs (src/runtime/backend/tfjs-gradients.entry.mjs)
await build({ entryPoints: ['src/runtime/backend/tfjs-gradients.entry.mjs'], outfile: 'dist/tfjs-gradients.cjs', bundle: true, minify: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' });

if (existsSync('src/viewer/main.ts')) {
  // the test setup passes --lenient-viewer: a broken viewer fails its own tests, not every test
  const lenient = process.argv.includes('--lenient-viewer');
  await build({
    entryPoints: ['src/viewer/main.ts'],
    outdir: 'dist/viewer',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    logLevel: lenient ? 'silent' : 'warning',
  }).then(() => {
    mkdirSync('dist/viewer', { recursive: true });
    copyFileSync('src/viewer/index.html', 'dist/viewer/index.html');
  }).catch((error) => {
    if (!lenient) throw error;
    console.error(`viewer build failed (${error.errors?.length ?? 1} errors); browser tests will fail`);
  });
}
