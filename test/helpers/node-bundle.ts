// An entry of src/ bundled the way scripts/build.mjs bundles the CLI's
// worker threads: node, ESM, packages external, and a `require` for the
// CommonJS dependencies.
import { build } from 'esbuild';

export async function bundleForNode(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
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
