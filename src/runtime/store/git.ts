// The git state recorded with a run: the commit checked out and whether the
// project folder has uncommitted changes. Quiet: a folder outside git, or a
// machine without git, gives { commit: null, dirty: false }.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface GitState {
  readonly commit: string | null;
  readonly dirty: boolean;
}

function git(dir: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      windowsHide: true,
    });
  } catch {
    return null;
  }
}

export function gitState(dir: string): GitState {
  // outside any repository git can only fail: a few stats instead of spawning it (every watch restart records this)
  if (!insideRepository(dir)) return { commit: null, dirty: false };
  const status = git(dir, ['status', '--porcelain', '--', '.']);
  if (status === null) return { commit: null, dirty: false };
  // null in a repository without commits yet
  const head = git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  return { commit: head?.trim() || null, dirty: status.trim().length > 0 };
}

/** Whether git could find a repository from `dir`: a .git (folder or file) in it or above, or GIT_DIR set. */
function insideRepository(dir: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}
