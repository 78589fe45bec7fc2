// Declarations of the library (package.json exports) into dist/types/, run by
// `npm run build:types` (and so by prepare). Only the files the public
// declarations reach are emitted: src/api/*.ts and, transitively, the modules
// their .d.ts files import. Declaration errors in those files fail the build;
// the rest of the program (whose internals no consumer sees) is not emitted.
// A module whose declarations TypeScript cannot write (tf layer classes
// defined inside a function: TS4094) gets a stub declaring its exports as
// 'any': only internal types (the layer classes a layer definition's emit
// receives) come from those, never a type of the API itself.
import ts from 'typescript';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const started = performance.now();
const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) };
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.types.json', {}, host);
if (config.errors.length) fail(config.errors);
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const outDir = resolve(config.options.outDir);
rmSync(outDir, { recursive: true, force: true });

const queue = config.fileNames.map((f) => resolve(f));
const seen = new Set(queue);
const errors = [];
const checker = program.getTypeChecker();
const api = new Set(queue);
const stubbed = [];
while (queue.length > 0) {
  const file = queue.shift();
  const source = program.getSourceFile(file);
  if (!source) continue;
  const problems = program.getDeclarationDiagnostics(source);
  if (problems.length > 0 && !api.has(file) && problems.every((d) => d.code === 4094 || d.code === 4060)) {
    const name = join(outDir, relative(config.options.rootDir, file)).replace(/\.ts$/, '.d.ts');
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source));
    const lines = exports.map((s) => (s.flags & ts.SymbolFlags.Value ? `export declare const ${s.name}: any;` : `export type ${s.name} = any;`));
    mkdirSync(dirname(name), { recursive: true });
    writeFileSync(name, `// stub: TypeScript cannot write this module's declarations (see scripts/build-types.mjs)\n${lines.join('\n')}\n`);
    stubbed.push(relative(process.cwd(), file));
    continue;
  }
  errors.push(...problems);
  program.emit(source, (name, text) => {
    mkdirSync(dirname(name), { recursive: true });
    writeFileSync(name, text);
    // the modules this declaration imports (relative specifiers) are emitted too
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const next = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }, undefined, true);
}
if (errors.length) fail(errors);
console.log(`dist/types: ${seen.size} declaration files (${stubbed.length} stubs: ${stubbed.join(', ') || 'none'}) in ${Math.round(performance.now() - started)} ms`);

function fail(diagnostics) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }));
  process.exit(1);
}
