// The imports of a source file, read with the TypeScript parser (static and
// dynamic imports, re-exports, require(), import types), each marked as a
// type-only import or one that loads the module at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface Import {
  readonly file: string;
  readonly specifier: string;
  /** erased by the compiler: loads nothing at run time */
  readonly typeOnly: boolean;
}

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** Every source file under `dir` (recursively), skipping node_modules and dot-folders. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.d.mts')) out.push(path);
  }
  return out;
}

export function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  // `const specifier = '@tensorflow/tfjs-node'; await import(specifier)`: a name bound to a string
  const strings = new Map<string, string>();
  // `const requireTf = createRequire(import.meta.url); requireTf('x')`: a name bound to a require function
  const requires = new Set<string>(['require']);
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isStringLiteralLike(node.initializer)) {
      strings.set(node.name.text, node.initializer.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isCallExpression(node.initializer)) {
      const callee = node.initializer.expression;
      if (ts.isIdentifier(callee) && callee.text === 'createRequire') requires.add(node.name.text);
    }
    ts.forEachChild(node, collect);
  };
  collect(source);
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ file, specifier: node.text, typeOnly });
    else if (node && ts.isIdentifier(node) && strings.has(node.text)) found.push({ file, specifier: strings.get(node.text)!, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const literal = node.argument;
      if (ts.isLiteralTypeNode(literal)) add(literal.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      // require('x'), and createRequire(import.meta.url)('x')
      const isRequire =
        (ts.isIdentifier(callee) && requires.has(callee.text)) ||
        (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire');
      // require.resolve('x') and createRequire(import.meta.url).resolve('x'): the package is used, nothing loaded
      const isResolve =
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'resolve' &&
        ((ts.isIdentifier(callee.expression) && requires.has(callee.expression.text)) ||
          (ts.isCallExpression(callee.expression) && ts.isIdentifier(callee.expression.expression) && callee.expression.expression.text === 'createRequire'));
      if ((isImport || isRequire) && node.arguments.length >= 1) add(node.arguments[0], false);
      else if (isResolve && node.arguments.length >= 1) add(node.arguments[0], true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** 'csv-parse/sync' -> 'csv-parse', '@tensorflow/tfjs/dist/x' -> '@tensorflow/tfjs'; null for relative and node: imports. */
export function packageName(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
