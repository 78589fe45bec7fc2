// `npm run bench`: every benchmark in bench/*.bench.ts (bundled with esbuild)
// and bench/*.bench.mjs (run as they are), each in its own process, one after
// another (the machine has 2 cores). Each prints its own table; ratios are
// against baselines measured in the same run.
//   npm run bench                                  all of them
//   npm run bench -- --only startup,torch-baseline,char-e2e
//   node scripts/bench.mjs training-yaml           (names, or parts of them)
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : args.filter((a) => !a.startsWith('-'));
const name = (f) => f.replace(/\.bench\.(ts|mjs)$/, '');
const files = readdirSync('bench').filter((f) => /\.bench\.(ts|mjs)$/.test(f)).sort()
  .filter((f) => only.length === 0 || only.some((o) => name(f) === o || f.includes(o)));
if (files.length === 0) {
  console.error(`No benchmark matches ${only.join(', ')}. Benchmarks: ${readdirSync('bench').filter((f) => /\.bench\.(ts|mjs)$/.test(f)).map(name).join(', ')}.`);
  process.exit(2);
}
mkdirSync('bench/.tmp', { recursive: true });
spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
console.log(`nnc benchmarks, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
let failed = 0;
for (const file of files) {
  let outfile = join('bench', file);
  if (file.endsWith('.ts')) {
    outfile = join('bench/.tmp', file.replace(/\.ts$/, '.mjs'));
    await build({ entryPoints: [join('bench', file)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning' });
  }
  console.log(`\n## ${name(file)}\n`);
  const r = spawnSync('node', ['--expose-gc', outfile], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
