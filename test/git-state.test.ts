// The git state a run records (src/runtime/store/git.ts): found from the
// project folder or any folder above it, through a .git folder or a linked
// worktree's .git file; nothing outside a repository (answered without git).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitState } from '../src/runtime/store/git.js';

const root = mkdtempSync(join(tmpdir(), 'nnc-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

describe('gitState', () => {
  it('is empty outside any repository', () => {
    const dir = join(root, 'plain', 'project');
    mkdirSync(dir, { recursive: true });
    expect(gitState(dir)).toEqual({ commit: null, dirty: false });
  });

  it('finds the repository above the project folder, its commit and whether the folder changed', () => {
    const repo = join(root, 'repo');
    const project = join(repo, 'models', 'sentiment');
    mkdirSync(project, { recursive: true });
    git(repo, 'init', '-q');
    // a repository without commits: no commit yet, and the new file is a change
    writeFileSync(join(project, 'nnc.yaml'), 'name: a\n');
    expect(gitState(project)).toEqual({ commit: null, dirty: true });
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(gitState(project)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(project, 'nnc.yaml'), 'name: b\n');
    expect(gitState(project)).toEqual({ commit: head, dirty: true });

    // a linked worktree has a .git file, not a folder
    const linked = join(root, 'linked');
    git(repo, 'worktree', 'add', '-q', linked);
    expect(gitState(join(linked, 'models', 'sentiment'))).toEqual({ commit: head, dirty: false });
  });
});
