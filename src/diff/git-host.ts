// A CompilerHost over one git revision, so `nnc diff` compiles a commit
// without checking it out: one `git ls-tree` lists the project's files, one
// `git cat-file --batch` reads every YAML and data file at once; anything else
// is read on demand. The working tree is never touched.
import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import type { CompilerHost, ReadResult } from '../compiler/host.js';

const MAX_BUFFER = 1 << 30;
/** files nnc may read: YAML documents and dataset sources */
const PREFETCH = /\.(ya?ml|jsonl|ndjson|json|csv)$/i;
/** above this many bytes of data files, read them one by one when asked */
const PREFETCH_LIMIT = 64 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules']);

interface TreeEntry {
  readonly mode: string;
  readonly oid: string;
  readonly size: number;
}

export interface GitHostOptions {
  /** absolute path of the repository's top folder */
  readonly repoRoot: string;
  /** the commit to read (a full object name) */
  readonly commit: string;
  /** the project folder inside the repository, forward slashes, '' for the top */
  readonly projectPath: string;
  /** the absolute path the project is presented under (diagnostics point there) */
  readonly projectDir: string;
}

export interface GitHost extends CompilerHost {
  /** files of the project at this commit */
  readonly fileCount: number;
}

export function git(cwd: string, args: readonly string[], input?: string): Buffer {
  return execFileSync('git', args, { cwd, input, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
}

/** The full commit name of a revision, or null when it is not a commit of this repository. */
export function resolveCommit(repoRoot: string, rev: string): string | null {
  if (rev.startsWith('-')) return null;
  try {
    return git(repoRoot, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).toString('utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * The repository holding dir and the commits of revs, in one `git rev-parse`
 * when all goes well; a revision that is not a commit is null. Null outside git.
 */
export function resolveRepository(dir: string, revs: readonly string[]): { root: string; commits: Map<string, string | null> } | null {
  const safe = revs.filter((r) => !r.startsWith('-'));
  if (safe.length === revs.length) {
    try {
      const lines = git(dir, ['rev-parse', '--show-toplevel', ...revs.map((r) => `${r}^{commit}`)]).toString('utf8').trim().split('\n');
      // a range or other multi-object revision prints more lines: check each one on its own below
      if (lines.length === revs.length + 1 && lines.slice(1).every((l) => /^[0-9a-f]{40,64}$/.test(l))) {
        return { root: lines[0], commits: new Map(revs.map((r, i) => [r, lines[i + 1]])) };
      }
    } catch {
      // a bad revision or not a repository: find out which below
    }
  }
  const root = repoRootOf(dir);
  return root ? { root, commits: new Map(revs.map((r) => [r, resolveCommit(root, r)])) } : null;
}

/** The top folder of the git repository holding dir, or null outside git. */
export function repoRootOf(dir: string): string | null {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']).toString('utf8').trim() || null;
  } catch {
    return null;
  }
}

export function createGitHost(options: GitHostOptions): GitHost {
  const { repoRoot, commit, projectDir } = options;
  const prefix = options.projectPath.replace(/^\.?\/+|\/+$/g, '');
  const entries = listTree(repoRoot, commit, prefix);
  // absolute presented path <-> entry
  const byPath = new Map<string, TreeEntry>();
  const folders = new Set<string>([projectDir]);
  for (const [rel, entry] of entries) {
    const abs = posix.join(projectDir, rel);
    byPath.set(abs, entry);
    for (let dir = posix.dirname(abs); dir.length > projectDir.length; dir = posix.dirname(dir)) folders.add(dir);
  }
  const blobs = prefetch(repoRoot, byPath);

  function readBlob(entry: TreeEntry): string {
    const cached = blobs.get(entry.oid);
    if (cached !== undefined) return cached;
    const text = git(repoRoot, ['cat-file', 'blob', entry.oid]).toString('utf8');
    blobs.set(entry.oid, text);
    return text;
  }

  /** follows symbolic links stored in the tree (mode 120000), at most 16 deep */
  function follow(path: string): string | null {
    let current = posix.resolve(path);
    for (let depth = 0; depth < 16; depth++) {
      const entry = byPath.get(current);
      if (!entry) return folders.has(current) ? current : null;
      if (entry.mode !== '120000') return current;
      current = posix.resolve(posix.dirname(current), readBlob(entry));
      if (!current.startsWith(projectDir + '/')) return current; // outside what was listed: the compiler refuses it
    }
    return null;
  }

  return {
    fileCount: byPath.size,
    listYamlFiles(dir) {
      const root = posix.resolve(dir);
      const out: string[] = [];
      for (const path of byPath.keys()) {
        if (!path.startsWith(root + '/')) continue;
        const rel = path.slice(root.length + 1);
        if (!/\.ya?ml$/i.test(rel)) continue;
        if (rel.split('/').some((part, i, all) => part.startsWith('.') || (i < all.length - 1 && SKIP_DIRS.has(part)))) continue;
        out.push(rel);
      }
      return out.sort();
    },
    readFile(path): ReadResult {
      const real = follow(path);
      if (real === null) return { error: 'the file does not exist' };
      const entry = byPath.get(real);
      if (!entry) return { error: folders.has(real) ? 'it is a folder' : 'the file does not exist' };
      return readBlob(entry);
    },
    resolve(dir, relPath) {
      return posix.resolve(dir, relPath);
    },
    realpath(path) {
      return follow(path);
    },
  };
}

/** project-relative path -> entry, for every file under prefix at commit */
function listTree(repoRoot: string, commit: string, prefix: string): Map<string, TreeEntry> {
  // a project path is a path, not a pattern, even with * or : in it
  const args = ['--literal-pathspecs', 'ls-tree', '-r', '-l', '-z', '--full-tree', commit];
  if (prefix) args.push('--', prefix);
  const out = git(repoRoot, args).toString('utf8');
  const entries = new Map<string, TreeEntry>();
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    const path = record.slice(tab + 1);
    if (type !== 'blob') continue; // submodules
    if (prefix && !path.startsWith(prefix + '/')) continue;
    entries.set(prefix ? path.slice(prefix.length + 1) : path, { mode, oid, size: Number(size) || 0 });
  }
  return entries;
}

/** reads every YAML and data file (and every link) in one `git cat-file --batch` */
function prefetch(repoRoot: string, byPath: ReadonlyMap<string, TreeEntry>): Map<string, string> {
  const wanted = new Set<string>();
  let dataBytes = 0;
  for (const [path, entry] of byPath) {
    if (entry.mode === '120000' || /\.ya?ml$/i.test(path)) wanted.add(entry.oid);
    else if (PREFETCH.test(path) && dataBytes + entry.size <= PREFETCH_LIMIT) {
      dataBytes += entry.size;
      wanted.add(entry.oid);
    }
  }
  const blobs = new Map<string, string>();
  if (wanted.size === 0) return blobs;
  const out = git(repoRoot, ['cat-file', '--batch'], [...wanted].join('\n') + '\n');
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [oid, type, size] = out.toString('utf8', at, eol).split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const length = Number(size);
    blobs.set(oid, out.toString('utf8', at, at + length));
    at += length + 1; // content, then a newline
  }
  return blobs;
}
