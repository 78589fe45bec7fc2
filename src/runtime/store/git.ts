// The git state recorded with a run: the commit checked out and whether the
// project folder has uncommitted changes. Quiet: a folder outside git, or a
// machine without git, gives { commit: null, dirty: false }.
import { execFileSync } from 'node:child_process';

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
  const status = git(dir, ['status', '--porcelain', '--', '.']);
  if (status === null) return { commit: null, dirty: false };
  // null in a repository without commits yet
  const head = git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  return { commit: head?.trim() || null, dirty: status.trim().length > 0 };
}
