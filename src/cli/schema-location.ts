// Where the `$schema` modelines that `nnc init` writes point, so that they
// resolve for anyone who clones the repository: into node_modules/nnc/schemas/
// when a package.json above the project lists nnc (it is there after
// `npm install`), into nnc's own schemas/ inside nnc's repository, and else
// into a copy in the project's .schemas/ folder, committed with it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILES = ['project', 'tokens', 'layers', 'heads', 'dataset'].map((kind) => `${kind}.schema.json`);

/** The folder the project's own copy of the schemas goes to. */
export const SCHEMA_COPY_DIR = '.schemas';

export type SchemaLocation =
  /** modelines point at `dir`, relative to the project root, e.g. ../node_modules/nnc/schemas */
  | { readonly kind: 'package'; readonly dir: string; readonly packageJson: string }
  | { readonly kind: 'nnc-repository'; readonly dir: string }
  /** no package.json lists nnc: the schemas are copied into <project>/.schemas */
  | { readonly kind: 'copy'; readonly dir: typeof SCHEMA_COPY_DIR };

/** The schemas/ folder of this nnc: next to dist/ when built, next to src/ in tests. */
export function installedSchemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'schemas', 'project.schema.json'))) return join(dir, 'schemas');
    dir = dirname(dir);
  }
  return join(dir, 'schemas');
}

function readPackage(file: string): { name?: unknown; [field: string]: unknown } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
  } catch {
    return null;
  }
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

const toPosix = (path: string) => path.split(sep).join('/');

/** Looks for a package.json from the project folder up to the repository's root (the folder with .git). */
export function schemaLocation(projectDir: string): SchemaLocation {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? readPackage(file) : null;
    if (pkg?.name === 'nnc' && existsSync(join(dir, 'schemas', 'project.schema.json'))) {
      return { kind: 'nnc-repository', dir: toPosix(relative(projectDir, join(dir, 'schemas'))) };
    }
    if (pkg && DEPENDENCY_FIELDS.some((field) => Object.hasOwn((pkg[field] ?? {}) as object, 'nnc'))) {
      return { kind: 'package', dir: toPosix(relative(projectDir, join(dir, 'node_modules', 'nnc', 'schemas'))), packageJson: file };
    }
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return { kind: 'copy', dir: SCHEMA_COPY_DIR };
  }
}
