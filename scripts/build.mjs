// One esbuild call per target: the CLI (node, ESM, dependencies external) and
// the viewer (browser, minified). Runs on `npm install` (prepare) and `npm run build`.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];

await build({
  entryPoints: ['src/cli/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  banner: { js: "import { createRequire as __nncCreateRequire } from 'node:module'; const require = __nncCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

if (existsSync('src/viewer/main.ts')) {
  await build({
    entryPoints: ['src/viewer/main.ts'],
    outdir: 'dist/viewer',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'warning',
  });
}
