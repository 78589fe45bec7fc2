// The compiler's only IO: listing a project's YAML files and reading files.
// Tests pass an in-memory host; the CLI passes nodeHost.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export type ReadResult = string | { readonly error: string };

export interface CompilerHost {
  /** project-relative paths (forward slashes) of every *.yaml / *.yml, skipping dot-folders, .nnc/ and node_modules/, sorted */
  listYamlFiles(projectDir: string): string[];
  readFile(path: string): ReadResult;
  resolve(dir: string, relPath: string): string;
  /** the real path (symlinks resolved), or null when it does not exist */
  realpath(path: string): string | null;
}

const SKIP_DIRS = new Set(['node_modules']);

export const nodeHost: CompilerHost = {
  listYamlFiles(projectDir) {
    const out: string[] = [];
    const walk = (dir: string, rel: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), childRel);
        } else if (/\.ya?ml$/i.test(entry.name)) {
          out.push(childRel);
        }
      }
    };
    walk(projectDir, '');
    return out.sort();
  },
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { error: code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message };
    }
  },
  resolve(dir, relPath) {
    return resolve(dir, relPath);
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  },
};

/** An in-memory host for tests and tools: keys are project-relative paths. */
export function memoryHost(projectDir: string, files: Record<string, string>): CompilerHost {
  const abs = (rel: string) => resolve(projectDir, rel);
  const byPath = new Map(Object.entries(files).map(([rel, text]) => [abs(rel), text]));
  return {
    listYamlFiles(dir) {
      return [...byPath.keys()]
        .map((p) => relative(dir, p).split(sep).join('/'))
        .filter((rel) => !rel.startsWith('..') && /\.ya?ml$/i.test(rel) && !rel.split('/').some((part) => part.startsWith('.') || SKIP_DIRS.has(part)))
        .sort();
    },
    readFile(path) {
      const text = byPath.get(resolve(path));
      return text ?? { error: 'the file does not exist' };
    },
    resolve(dir, relPath) {
      return resolve(dir, relPath);
    },
    realpath(path) {
      return byPath.has(resolve(path)) ? resolve(path) : null;
    },
  };
}
