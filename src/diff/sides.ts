// The command line of `nnc diff` -> two sides, each compiled: a folder through
// the file system, a git revision through git (never checked out).
//
// An argument that is an existing folder is a folder; anything else must be a
// commit of the repository that holds the project. `nnc diff <rev> <folder>`
// reads as "this project, <rev> against the working tree", which is also what
// "<folder> as the head" would give.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { compile, type CompileResult } from '../compiler/index.js';
import type { SideInput } from './compare.js';
import { createGitHost, resolveRepository } from './git-host.js';
import { sampleKeysOf } from './sample-changes.js';
import { viewOfCompile } from './side-view.js';
import { diffPluginLoader, folderHost } from './plugin-trust.js';

export type SideSpec =
  | { readonly kind: 'folder'; readonly label: string; readonly dir: string; /** as shown, relative to the current folder */ readonly project: string; /** the working tree of a revision's project: its path in the repository */ readonly repoProject?: string }
  | { readonly kind: 'revision'; readonly label: string; readonly commit: string; readonly repoRoot: string; readonly projectPath: string; readonly projectDir: string };

export interface ResolvedSides {
  readonly base: SideSpec;
  readonly head: SideSpec;
  /** folders whose run store may hold runs of these plans */
  readonly storeDirs: { readonly base: string; readonly head: string };
}

/** A command-line mistake: the message is a sentence for the user. */
export type Resolution = ResolvedSides | { readonly error: string };

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** the real path of a path that may not exist (yet or any more): its nearest existing ancestor, resolved */
function realish(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realish(parent), basename(abs));
}

export function resolveSides(positionals: readonly string[], cwd: string): Resolution {
  if (positionals.length === 0) return { error: 'Give the base to compare against: a git revision such as origin/main, or a project folder.' };
  if (positionals.length > 3) return { error: `Expected at most three arguments (<base> [<head>] [project]), got ${positionals.length}.` };
  const [first, second, third] = positionals;
  const folder = (arg: string) => isFolder(resolve(cwd, arg));
  let headArg: string | null = second ?? null;
  let projectArg = third ?? '.';
  if (positionals.length === 2 && !folder(first) && folder(second)) {
    headArg = null; // <rev> <project>: the project's working tree is the head
    projectArg = second;
  }
  const projectAbs = realish(resolve(cwd, projectArg));
  const shown = (dir: string) => relative(cwd, dir).split(sep).join('/') || '.';
  let repo: { root: string; projectPath: string; commits: Map<string, string | null> } | null | undefined;
  const repoOf = () => {
    if (repo !== undefined) return repo;
    let probe = projectAbs;
    while (!isFolder(probe) && dirname(probe) !== probe) probe = dirname(probe);
    const revisions = [first, headArg].filter((arg): arg is string => arg !== null && !folder(arg));
    const found = resolveRepository(probe, revisions);
    if (!found) return (repo = null);
    const root = realish(found.root);
    return (repo = { root, projectPath: relative(root, projectAbs).split(sep).join('/'), commits: found.commits });
  };

  const side = (arg: string): SideSpec | { error: string } => {
    if (folder(arg)) return { kind: 'folder', label: arg, dir: resolve(cwd, arg), project: shown(resolve(cwd, arg)) };
    const r = repoOf();
    if (!r) return { error: `'${arg}' is not a folder, and '${projectArg}' is not inside a git repository, so it cannot be a revision either.` };
    if (r.projectPath.startsWith('..')) return { error: `The project '${projectArg}' is outside the git repository at '${r.root}'.` };
    const commit = r.commits.get(arg) ?? null;
    if (!commit) return { error: `'${arg}' is neither a folder nor a git revision of the repository at '${r.root}'. Give a branch, tag or commit (check with 'git rev-parse --verify ${arg}'), or an existing folder.` };
    return { kind: 'revision', label: arg, commit, repoRoot: r.root, projectPath: r.projectPath, projectDir: projectAbs };
  };

  const base = side(first);
  if ('error' in base) return base;
  let head: SideSpec | { error: string };
  if (headArg === null) {
    if (!isFolder(projectAbs)) return { error: `The project folder '${projectArg}' does not exist in the working tree. Give a head revision to compare two revisions.` };
    head = { kind: 'folder', label: 'working tree', dir: projectAbs, project: shown(resolve(cwd, projectArg)), ...(base.kind === 'revision' ? { repoProject: base.projectPath || '.' } : {}) };
  } else head = side(headArg);
  if ('error' in head) return head;
  const storeOf = (s: SideSpec) => (s.kind === 'folder' ? s.dir : s.projectDir);
  return { base, head, storeDirs: { base: storeOf(base), head: storeOf(head) } };
}

export interface CompiledSide {
  readonly input: SideInput;
  readonly result: CompileResult;
  /** ms */
  readonly time: number;
}

/** trustPlugins: run the side's plugins (plugin-trust.ts); without it none runs, and plugin layers are compared as written */
export function compileSide(spec: SideSpec, options: { trustPlugins?: boolean } = {}): CompiledSide {
  const started = performance.now();
  const trust = options.trustPlugins === true;
  let result: CompileResult;
  let input: Omit<SideInput, 'view' | 'diagnostics'>;
  if (spec.kind === 'folder') {
    result = compile(spec.dir, folderHost(trust));
    input = { label: spec.label, commit: null, project: spec.project, projectDir: spec.dir, repoProject: spec.repoProject ?? null };
  } else {
    const git = createGitHost({ repoRoot: spec.repoRoot, commit: spec.commit, projectPath: spec.projectPath, projectDir: spec.projectDir });
    const host = { ...git, plugins: diffPluginLoader(trust, git) };
    result = compile(spec.projectDir, host);
    input = { label: spec.label, commit: spec.commit, project: spec.projectPath || '.', projectDir: spec.projectDir, repoProject: spec.projectPath || '.' };
  }
  return { input: { ...input, view: viewOfCompile(result), diagnostics: result.diagnostics, samples: sampleKeysOf(result.plan, result.data) }, result, time: performance.now() - started };
}
