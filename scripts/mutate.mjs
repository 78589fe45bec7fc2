// npm run mutate -- <area> [more stryker arguments]: StrykerJS over one area
// (scripts/mutate-areas.mjs). Without an area, lists them.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AREAS } from './mutate-areas.mjs';

const [name, ...rest] = process.argv.slice(2);
if (!name || !AREAS[name]) {
  const list = Object.entries(AREAS).map(([n, a]) => `  ${n.padEnd(7)} ${a.mutate.join(', ')}`).join('\n');
  console.error(`${name ? `No area '${name}'. ` : ''}Usage: npm run mutate -- <area> [stryker options]\n${list}`);
  process.exit(name ? 2 : 0);
}
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');
const r = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...rest], { stdio: 'inherit', env: { ...process.env, NNC_MUTATE_AREA: name } });
process.exit(r.status ?? 1);
