// The boundaries between nnc's parts, held by walking the imports of src/
// (static, dynamic and type-only alike), as the module-load trace in
// cli-compiler.test.ts holds `nnc check` free of TensorFlow.js:
// - src/shared/ imports nothing, so the CLI, the runtime and the browser bundle
//   can all use it; in particular the wire protocol owns its types instead of
//   aliasing the run store's rows;
// - src/diff/ never reaches src/cli/, directly or through another module.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles } from './helpers/imports.js';

const ROOT = resolve('.');
const rel = (path: string) => relative(ROOT, path).split('\\').join('/');

/** A relative import as the file it loads: './x.js' -> x.ts when that is what exists. */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target, `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith('/')) return candidate;
  }
  return target;
}

const parsed = new Map<string, ReturnType<typeof importsOf>>();
const importsOnce = (file: string) => parsed.get(file) ?? parsed.set(file, importsOf(file)).get(file)!;

/** Every file the given files reach through relative imports, with the chain that reaches it. */
function reachable(files: readonly string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(files.map((file) => [file, [rel(file)]]));
  const queue = [...files];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (!existsSync(current)) continue;
    for (const { specifier } of importsOnce(current)) {
      const next = resolveImport(current, specifier);
      if (next === null || chains.has(next)) continue;
      chains.set(next, [...chains.get(current)!, rel(next)]);
      queue.push(next);
    }
  }
  return chains;
}

describe('module boundaries', () => {
  it('walks real imports (a sanity check: the CLI reaches the compiler)', () => {
    const files = [...reachable([resolve('src/cli/commands/check.ts')]).keys()].map(rel);
    expect(files).toContain('src/compiler/index.ts');
  });

  it('src/shared/ imports nothing (so nothing from src/runtime/), and the protocol owns its types', () => {
    const shared = sourceFiles('src/shared');
    expect(shared.map(rel)).toContain('src/shared/protocol.ts');
    const imports = shared.flatMap((file) => importsOf(file).map((i) => `${rel(file)} imports '${i.specifier}'`));
    expect(imports).toEqual([]);
  });

  it('src/diff/ never reaches src/cli/', () => {
    const crossings: string[] = [];
    for (const [target, chain] of reachable(sourceFiles('src/diff').map((file) => resolve(file)))) {
      if (rel(target).startsWith('src/cli/')) crossings.push(chain.join(' -> '));
    }
    expect(crossings).toEqual([]);
  });
});
