// What the project's files compile to, remembered between commands that only
// need the answer (predict's, evaluate's and export's stale-model check): the
// plan hash (or the error count) together with every file the compiler read,
// the YAML files it listed and the paths it resolved. While none of them
// changed (same size, modification and change times, inode), the answer is
// reused without loading the compiler; otherwise the project is compiled
// again. A compile that ran plugins is never remembered (plugin code can
// read anything). The entry also names the nnc build that wrote it, so
// another version of nnc compiles again. Kept in <project>/.nnc/plan-cache.json;
// it is only a cache: unreadable, or not writable, it is ignored.
import { lstatSync, readFileSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompilerHost } from '../../compiler/host.js';

/** What compiling the project gave: its plan hash, or how many errors it had, or why it could not run. */
export type CompiledState = { readonly hash: string } | { readonly errors: number } | { readonly failed: string };

interface FileStamp {
  readonly path: string;
  /** null: the file did not exist (or could not be stat'ed) when it was read */
  readonly stamp: string | null;
}

interface CacheEntry {
  readonly version: 1;
  readonly build: string;
  readonly listed: readonly string[];
  readonly realpaths: ReadonlyArray<readonly [string, string | null]>;
  readonly files: readonly FileStamp[];
  readonly state: CompiledState;
}

const CACHE_FILE = 'plan-cache.json';

function stampOf(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`;
  } catch {
    return null;
  }
}

/** This build of nnc: the module file's name (content-hashed in dist/) and its stamp; a rebuild rewrites it. */
function buildId(): string {
  try {
    const file = fileURLToPath(import.meta.url);
    return `${file}:${stampOf(file) ?? ''}`;
  } catch {
    return 'unknown';
  }
}

function cachePath(projectDir: string): string {
  return join(projectDir, '.nnc', CACHE_FILE);
}

/** The remembered state when nothing it depends on changed, else null. `host` lists the YAML files and resolves paths as the compiler would. */
export function cachedState(projectDir: string, host: Pick<CompilerHost, 'listYamlFiles' | 'realpath'>): CompiledState | null {
  let entry: CacheEntry;
  try {
    // a regular file only (never follow a link planted in .nnc)
    if (!lstatSync(cachePath(projectDir)).isFile()) return null;
    entry = JSON.parse(readFileSync(cachePath(projectDir), 'utf8')) as CacheEntry;
  } catch {
    return null;
  }
  if (entry?.version !== 1 || entry.build !== buildId() || !Array.isArray(entry.files) || !Array.isArray(entry.listed) || !Array.isArray(entry.realpaths)) return null;
  const listed = host.listYamlFiles(projectDir);
  if (listed.length !== entry.listed.length || listed.some((f, i) => f !== entry.listed[i])) return null;
  for (const [path, real] of entry.realpaths) if (host.realpath(path) !== real) return null;
  for (const file of entry.files) if (stampOf(file.path) !== file.stamp) return null;
  const state = entry.state;
  if (!state || (typeof (state as { hash?: unknown }).hash !== 'string' && typeof (state as { errors?: unknown }).errors !== 'number')) return null;
  return state;
}

/** A host that records what the compiler lists, resolves and reads (stamped before each read), for rememberState. */
export function recordingHost(base: CompilerHost): { host: CompilerHost; recorded: () => Omit<CacheEntry, 'version' | 'build' | 'state'> | null } {
  let listed: string[] | null = null;
  let pluginsRan = false;
  const realpaths = new Map<string, string | null>();
  const files = new Map<string, string | null>();
  const host: CompilerHost = {
    listYamlFiles(dir) {
      const out = base.listYamlFiles(dir);
      listed = [...out];
      return out;
    },
    readFile(path, options) {
      if (!files.has(path)) files.set(path, stampOf(path));
      return base.readFile(path, options);
    },
    resolve: (dir, rel) => base.resolve(dir, rel),
    realpath(path) {
      const real = base.realpath(path);
      if (!realpaths.has(path)) realpaths.set(path, real);
      return real;
    },
    plugins: base.plugins && {
      get runs() {
        return base.plugins!.runs;
      },
      resolvePackage(name, dir) {
        pluginsRan = true;
        return base.plugins!.resolvePackage(name, dir);
      },
      load(path) {
        pluginsRan = true;
        return base.plugins!.load(path);
      },
    },
  };
  return {
    host,
    recorded: () => (pluginsRan || listed === null ? null : { listed, realpaths: [...realpaths], files: [...files].map(([path, stamp]) => ({ path, stamp })) }),
  };
}

/** Remembers a compile's outcome with what it read; an outcome that cannot be cached (plugins ran) removes any old entry. Never throws. */
export function rememberState(projectDir: string, recorded: ReturnType<ReturnType<typeof recordingHost>['recorded']>, state: CompiledState): void {
  const path = cachePath(projectDir);
  try {
    // a file changed in the last two seconds could change again within its timestamps' granularity: not remembered yet
    const racy = recorded !== null && recorded.files.some((f) => {
      try {
        return Date.now() - statSync(f.path).mtimeMs < 2000;
      } catch {
        return false;
      }
    });
    if (recorded === null || 'failed' in state || racy) {
      rmSync(path, { force: true });
      return;
    }
    const entry: CacheEntry = { version: 1, build: buildId(), ...recorded, state };
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, path);
  } catch {
    // a read-only store folder: compile again next time
  }
}
