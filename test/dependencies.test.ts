// package.json against the imports: every dependency is loaded by nnc at run
// time, everything loaded at run time is a dependency, every devDependency is
// used by the build, the viewer bundle, the tests, the benchmarks or the type
// checker, and nothing is imported that package.json does not declare.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { importsOf, packageName, sourceFiles, type Import } from './helpers/imports.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
const runtimeDeclared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
const devDeclared = new Set(Object.keys(pkg.devDependencies ?? {}));
const builtins = new Set(builtinModules);

/** Files whose code ships in dist/cli.js and loads its imports at run time. */
const isCli = (file: string) => file.startsWith('src/') && !file.startsWith('src/viewer/') && !file.endsWith('.mjs');

const all: Import[] = ['src', 'test', 'scripts', 'bench'].flatMap((dir) => sourceFiles(dir)).flatMap((file) => importsOf(file));
const packages = (imports: readonly Import[]) => new Set(imports.map((i) => packageName(i.specifier)).filter((n): n is string => n !== null && !builtins.has(n)));

describe('package.json and the imports', () => {
  it('reads imports (a sanity check of the walker)', () => {
    expect(packages(all.filter((i) => isCli(i.file) && !i.typeOnly))).toContain('better-sqlite3');
    expect(all.some((i) => i.specifier === 'ajv' && i.typeOnly)).toBe(true);
  });

  it('every dependency is loaded by nnc at run time (else it is a devDependency or unused)', () => {
    const loaded = packages(all.filter((i) => isCli(i.file) && !i.typeOnly));
    expect([...runtimeDeclared].filter((name) => !loaded.has(name))).toEqual([]);
  });

  it('everything nnc loads at run time is a dependency', () => {
    const loaded = all.filter((i) => isCli(i.file) && !i.typeOnly);
    const undeclared = loaded.filter((i) => { const name = packageName(i.specifier); return name !== null && !builtins.has(name) && !runtimeDeclared.has(name); });
    expect(undeclared.map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
  });

  it('nothing anywhere imports a package that package.json does not declare', () => {
    const undeclared = all.filter((i) => {
      const name = packageName(i.specifier);
      if (name === null || builtins.has(name) || runtimeDeclared.has(name) || devDeclared.has(name)) return false;
      // a type-only import may be served by @types
      return !(i.typeOnly && devDeclared.has(`@types/${name.replace(/^@/, '').replace('/', '__')}`));
    });
    expect(undeclared.map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
  });

  it('every devDependency is used (imported somewhere, the @types of something imported, or a tool a root config file names)', () => {
    const used = packages(all);
    // tools that load by name from their config (stryker.config.mjs: the vitest runner plugin), not by import
    const configs = readdirSync('.').filter((f) => /\.config\.(mjs|js|json|ts)$/.test(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = [...devDeclared].filter((name) => {
      const typed = name.match(/^@types\/(.+)$/)?.[1];
      if (typed !== undefined) return !(typed === 'node' || used.has(typed.replace(/^(.+)__/, '@$1/')));
      return !used.has(name) && !configs.includes(name);
    });
    expect(unused).toEqual([]);
  });
});
