// Watching one project folder's files with chokidar: every YAML file and
// dataset source below it except .nnc/, .git/, node_modules/ and dot-files
// (editor swap and backup files). Saves are debounced: a burst of events
// (an editor's write-temp-then-rename, a formatter run, a checkout) becomes
// one call with every path that changed. chokidar can miss the last of a
// quick series of saves (measured: 3 in 6 bursts of 100 saves at 10 ms), so
// after each call the files it named are looked at again once things are
// quiet, and a file that still changed since is reported again.
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';

export interface FileWatchOptions {
  /** quiet time after the last event before onChange, ms (default 5; the settle check catches what a short wait misses) */
  readonly debounceMs?: number;
  /** longest wait under a steady stream of events, ms (default 250) */
  readonly maxWaitMs?: number;
  /** quiet time after which the last reported files are checked again, ms (default 150) */
  readonly settleMs?: number;
  /** project-relative paths (forward slashes) that changed */
  onChange(paths: string[]): void;
  onError?(error: Error): void;
}

export interface FileWatch {
  /** resolves once the initial scan is done and later saves are seen */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const WATCHED = /\.(ya?ml|jsonl|ndjson|json|csv)$/i;
const SKIPPED_DIRS = new Set(['.nnc', '.git', 'node_modules']);

/** True for paths the compiler never reads, relative to the project folder. */
export function ignoredPath(projectDir: string, path: string, isFile?: boolean): boolean {
  const rel = relative(projectDir, path);
  if (rel === '') return false;
  if (rel.startsWith('..')) return true;
  const parts = rel.split(sep);
  if (parts.some((p) => SKIPPED_DIRS.has(p) || p.startsWith('.'))) return true;
  // only files can be told apart by name; folders are walked
  return isFile === true && !WATCHED.test(parts[parts.length - 1]!);
}

function fingerprint(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

export async function watchProjectFiles(projectDir: string, options: FileWatchOptions): Promise<FileWatch> {
  const { watch } = await import('chokidar');
  const debounceMs = options.debounceMs ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 250;
  const settleMs = options.settleMs ?? 150;
  const changed = new Set<string>();
  // what each reported file looked like when it was reported
  const reported = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  let firstAt = 0;
  let closed = false;

  const fire = () => {
    timer = null;
    if (closed || changed.size === 0) return;
    const paths = [...changed].sort();
    changed.clear();
    for (const rel of paths) reported.set(rel, fingerprint(join(projectDir, rel)));
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(settle, settleMs);
    options.onChange(paths);
  };

  const settle = () => {
    settleTimer = null;
    if (closed || timer) return; // a burst is under way: its own fire() checks again
    for (const [rel, seen] of reported) if (fingerprint(join(projectDir, rel)) !== seen) changed.add(rel);
    reported.clear();
    if (changed.size > 0) fire();
  };

  const watcher: FSWatcher = watch(projectDir, {
    ignoreInitial: true,
    ignored: (path, stats) => ignoredPath(projectDir, path, stats?.isFile()),
    // an editor's delete-then-recreate within 100 ms is one change
    atomic: 100,
    followSymlinks: false,
  });

  watcher.on('all', (event, path) => {
    if (closed) return;
    if ((event === 'add' || event === 'change' || event === 'unlink') && !WATCHED.test(path)) return;
    const now = performance.now();
    if (changed.size === 0) firstAt = now;
    changed.add(relative(projectDir, path).split(sep).join('/') || '.');
    if (timer) clearTimeout(timer);
    const wait = Math.min(debounceMs, Math.max(0, firstAt + maxWaitMs - now));
    timer = setTimeout(fire, wait);
  });
  watcher.on('error', (error) => options.onError?.(error as Error));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await watcher.close();
    },
  };
}
