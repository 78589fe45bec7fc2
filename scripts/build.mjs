// One esbuild call per target: the CLI (node, ESM, dependencies external) and
// the viewer (browser, minified). Runs on `npm install` (prepare) and `npm run build`.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];

// While a command is being written its file may not exist yet: build the rest.
const missingCommands = {
  name: 'missing-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/.*\.js$/ }, (args) => {
      const ts = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return existsSync(ts) ? undefined : { path: args.path, namespace: 'missing-command' };
    });
    b.onLoad({ filter: /.*/, namespace: 'missing-command' }, (args) => ({
      contents: `throw new Error('nnc: the command in ${args.path} is not part of this build.');`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli/cli.ts'],
  plugins: [missingCommands],
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
  }).catch((error) => {
    if (!lenient) throw error;
    console.error(`viewer build failed (${error.errors?.length ?? 1} errors); browser tests will fail`);
  });
}
