// The compiler's only IO: listing a project's YAML files and reading files.
// Tests pass an in-memory host; the CLI passes nodeHost. Every file the
// compiler reads goes through readProjectFile: the real path (symlinks
// resolved) inside the project's real path, a regular file, and no more than
// a size limit, checked before the file is opened and again while reading.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { formatBytes, formatCount } from './limits.js';
import { nodePluginLoader } from './plugins/node-loader.js';

/** Why a file was not read; each becomes its own diagnostic code. */
export type ReadRefusal = 'missing' | 'folder' | 'unreadable' | 'outside' | 'not-regular' | 'too-large';

export type ReadResult = string | { readonly error: string; readonly reason?: ReadRefusal };

export interface ReadOptions {
  /** refuse a file larger than this many bytes, without reading it (or reading past it) */
  readonly maxBytes?: number;
}

export interface CompilerHost {
  /** project-relative paths (forward slashes) of every *.yaml / *.yml, skipping dot-folders, .nnc/ and node_modules/, sorted */
  listYamlFiles(projectDir: string): string[];
  /** a regular file's text; never blocks on a FIFO or reads a device */
  readFile(path: string, options?: ReadOptions): ReadResult;
  resolve(dir: string, relPath: string): string;
  /** the real path (symlinks resolved), or null when it does not exist */
  realpath(path: string): string | null;
  /** runs the project's plugins (nnc.yaml `plugins:`); absent: this host runs none, and plugin layers go unchecked */
  readonly plugins?: PluginLoader;
}

/** Why a plugin did not load; each becomes its own diagnostic. */
export type PluginRefusal = 'missing' | 'syntax' | 'throws' | 'async' | 'refused';

export type PluginLoadResult = { readonly exports: unknown } | { readonly error: string; readonly reason: PluginRefusal; readonly line?: number };

/** Loading a plugin runs its code: the compiler gets this seam from its host (plugins/node-loader.ts; tests and nnc diff pass others). */
export interface PluginLoader {
  /** false: the loader executes nothing (nnc diff without --trust-plugins); plugins are read and hashed, not run */
  readonly runs: boolean;
  /** the absolute path of a package's entry, resolved from the project folder (its node_modules), or null */
  resolvePackage(name: string, projectDir: string): string | null;
  /** executes the module at an absolute path and returns its exports, or why it could not */
  load(path: string): PluginLoadResult;
}

const SKIP_DIRS = new Set(['node_modules']);

/** True when path is root or below it (both absolute and resolved the same way). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Reads a file of the project through the host: refused when its real path is
 * outside the project's real path (a symlink to /etc/passwd or /dev/zero), when
 * it is not a regular file (a FIFO, a device, a socket) or when it is larger
 * than maxBytes. The refusal says why; it never holds any of the file's text.
 */
export function readProjectFile(host: CompilerHost, projectDir: string, path: string, maxBytes: number): ReadResult {
  const real = host.realpath(path);
  if (real === null) return { error: 'the file does not exist', reason: 'missing' };
  const realRoot = host.realpath(projectDir) ?? resolve(projectDir);
  if (!isInside(realRoot, real)) return { error: 'it links to a file outside the project folder', reason: 'outside' };
  // open the path that was checked, not the link (a link swapped in between is not followed again)
  const read = host.readFile(real, { maxBytes });
  // a host that does not apply maxBytes itself (nnc diff's git host holds blobs in memory)
  if (typeof read === 'string' && read.length > maxBytes) return tooLarge(Buffer.byteLength(read), maxBytes);
  return read;
}

/** size null: the file grew past the limit while it was read */
function tooLarge(size: number | null, maxBytes: number): ReadResult {
  const is = size === null ? 'it grew larger than' : `it is ${formatCount(size)} bytes, more than`;
  return { error: `${is} the ${formatBytes(maxBytes)} nnc reads`, reason: 'too-large' };
}

function notRegular(stats: Stats): ReadResult {
  const what = stats.isFIFO() ? 'a named pipe (FIFO)' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : stats.isSocket() ? 'a socket' : 'not a regular file';
  return { error: `it is ${what}, not a regular file`, reason: 'not-regular' };
}

function readError(error: unknown): ReadResult {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { error: 'the file does not exist', reason: 'missing' };
  if (code === 'EISDIR') return { error: 'it is a folder', reason: 'folder' };
  if (code === 'EACCES' || code === 'EPERM') return { error: 'permission denied', reason: 'unreadable' };
  if (code === 'ELOOP') return { error: 'it is a symbolic link that changed while it was read', reason: 'unreadable' };
  return { error: (error as Error).message, reason: 'unreadable' };
}

// O_NONBLOCK: a FIFO put in place between the stat and the open must not block the open
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads a regular file: stat first (a FIFO or device is never opened), fstat after opening, never more than maxBytes + 1 bytes. */
function readRegularFile(path: string, maxBytes: number): ReadResult {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return readError(error);
  }
  if (stats.isDirectory()) return { error: 'it is a folder', reason: 'folder' };
  if (!stats.isFile()) return notRegular(stats);
  if (stats.size > maxBytes) return tooLarge(stats.size, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return readError(error);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return notRegular(opened);
    if (opened.size > maxBytes) return tooLarge(opened.size, maxBytes);
    // the file may grow while it is read: never read more than one byte past the limit
    const chunks: Buffer[] = [];
    let total = 0;
    let chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1, opened.size + 1));
    for (;;) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - total), null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return tooLarge(null, maxBytes);
      chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1 - total, 1024 * 1024));
    }
    return (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)).toString('utf8');
  } catch (error) {
    return readError(error);
  } finally {
    closeSync(fd);
  }
}

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
        // a link to a folder is not followed (isDirectory is false for links): the walk stays in the project
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), childRel);
        } else if (/\.ya?ml$/i.test(entry.name)) {
          // links, FIFOs and devices are listed too: reading them is refused with a diagnostic
          out.push(childRel);
        }
      }
    };
    walk(projectDir, '');
    return out.sort();
  },
  readFile(path, options) {
    return readRegularFile(path, options?.maxBytes ?? Number.MAX_SAFE_INTEGER);
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
  plugins: nodePluginLoader,
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
    readFile(path, options) {
      const text = byPath.get(resolve(path));
      if (text === undefined) return { error: 'the file does not exist', reason: 'missing' };
      const size = Buffer.byteLength(text);
      return options?.maxBytes !== undefined && size > options.maxBytes ? tooLarge(size, options.maxBytes) : text;
    },
    resolve(dir, relPath) {
      return resolve(dir, relPath);
    },
    realpath(path) {
      return byPath.has(resolve(path)) ? resolve(path) : null;
    },
  };
}
