// `npm run bench`: every benchmark in bench/*.bench.ts, bundled with esbuild
// and run in its own process one after another (the machine has 2 cores).
// Each prints its own table; ratios are against baselines measured in the same run.
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
mkdirSync('bench/.tmp', { recursive: true });
spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
console.log(`nnc benchmarks, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
let failed = 0;
for (const file of files) {
  const outfile = join('bench/.tmp', file.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join('bench', file)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning' });
  console.log(`\n## ${file.replace('.bench.ts', '')}\n`);
  const r = spawnSync('node', ['--expose-gc', outfile], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
