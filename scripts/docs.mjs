// npm run docs: writes docs/diagnostics.md from the diagnostic catalogue
// (src/compiler/diagnostic-messages/). test/docs.test.ts fails when the file
// is not what this writes, so a changed entry is a changed page.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// inside node_modules, so that the bundle's package imports resolve from the repository
const dir = mkdtempSync(join(root, 'node_modules', '.nnc-docs-'));
try {
  const outfile = join(dir, 'diagnostic-docs.mjs');
  await build({ entryPoints: [join(root, 'src/compiler/diagnostic-docs.ts')], bundle: true, platform: 'node', format: 'esm', outfile, packages: 'external', logLevel: 'error' });
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  const { diagnosticsMarkdown } = await import(pathToFileURL(outfile).href);
  writeFileSync(join(root, 'docs/diagnostics.md'), diagnosticsMarkdown());
  console.log('wrote docs/diagnostics.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
