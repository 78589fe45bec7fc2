// A CompilerHost for the watcher: reads through nodeHost, but a file whose
// size, mtime and inode did not change since the last compile is not read
// again (dataset sources can be large). A file that changed is read in full;
// a half-written one simply compiles with errors until its next save. The
// compiler asks for files through readProjectFile, so this host is only given
// resolved paths inside the project, and the base host refuses what is not a
// regular file or is over the size limit without blocking.
import { statSync } from 'node:fs';
import { nodeHost, type CompilerHost, type ReadResult } from '../../compiler/host.js';

interface Entry {
  readonly key: string;
  readonly text: string;
}

export interface CachingHost extends CompilerHost {
  /** reads served from the cache since the host was made */
  readonly hits: number;
  /** forget one file (after a watcher event) or every file */
  invalidate(path?: string): void;
}

/** null for anything but a regular file: only those are cached */
function statKey(path: string, maxBytes: number | undefined): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return s.isFile() ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${maxBytes ?? ''}` : null;
  } catch {
    return null;
  }
}

export function createCachingHost(base: CompilerHost = nodeHost): CachingHost {
  const cache = new Map<string, Entry>();
  let hits = 0;
  return {
    listYamlFiles: (dir) => base.listYamlFiles(dir),
    resolve: (dir, rel) => base.resolve(dir, rel),
    realpath: (path) => base.realpath(path),
    ...(base.plugins ? { plugins: base.plugins } : {}),
    readFile(path, options): ReadResult {
      // the limit is part of the key: text cached under a larger limit is not served under a smaller one
      const key = statKey(path, options?.maxBytes);
      const cached = cache.get(path);
      if (key !== null && cached?.key === key) {
        hits++;
        return cached.text;
      }
      // refusals (a FIFO, a device, a file over the limit) come from the base host, which never blocks on them
      const read = base.readFile(path, options);
      // the stat again after the read: a write in between must not be cached under the new key
      if (typeof read === 'string' && key !== null && statKey(path, options?.maxBytes) === key) cache.set(path, { key, text: read });
      else cache.delete(path);
      return read;
    },
    get hits() {
      return hits;
    },
    invalidate(path) {
      if (path === undefined) cache.clear();
      else cache.delete(path);
    },
  };
}
