// The default plugin loader (CompilerHost.plugins): Node's require, which
// loads ES modules synchronously since Node 20.19 (nnc's minimum). compile()
// is synchronous and called from every command, the watcher and nnc diff; an
// `await import()` here would make all of them async for a feature most
// projects do not use. The cost: a plugin cannot use top-level await (it is
// told so in a diagnostic). Errors come back as values: a plugin that does not
// parse, throws while it loads or is missing is a diagnostic, never a crash.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import type { PluginLoader, PluginLoadResult } from '../host.js';

/** The file and line a syntax error is at: `node --check` says it where require does not (only on this error path). */
function syntaxErrorLine(path: string): number | undefined {
  try {
    execFileSync(process.execPath, ['--check', path], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    const found = new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(stderr);
    if (found) return Number(found[1]);
  }
  return undefined;
}

/** Where in the plugin a load-time error was thrown: its first stack frame in that file. */
function thrownAt(error: unknown, path: string): number | undefined {
  const stack = String((error as Error | undefined)?.stack ?? '');
  const url = `file://${path}`;
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(url) >= 0 ? line.indexOf(url) + url.length : line.indexOf(path) >= 0 ? line.indexOf(path) + path.length : -1;
    if (at < 0) continue;
    const position = /^:(\d+):\d+/.exec(line.slice(at));
    if (position) return Number(position[1]);
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0];
  return String(error);
}

export const nodePluginLoader: PluginLoader = {
  runs: true,
  resolvePackage(name, projectDir) {
    try {
      return createRequire(join(projectDir, 'package.json')).resolve(name);
    } catch {
      return null;
    }
  },
  load(path): PluginLoadResult {
    const require = createRequire(path);
    const target = currentVersion(path);
    try {
      return { exports: require(target) };
    } catch (error) {
      return explainLoadError(error, target);
    } finally {
      if (target !== path) rmSync(target, { force: true });
    }
  },
};

/**
 * Node keeps a module it loaded: a plugin edited while nnc watch runs would
 * keep its old code under its new content hash. A changed file is loaded
 * again from a copy named by its content, beside it (so its own relative
 * imports resolve), removed once loaded.
 */
const firstLoaded = new Map<string, string>();

function currentVersion(path: string): string {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch {
    return path; // require says why
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const first = firstLoaded.get(path);
  if (first === undefined || first === hash) {
    firstLoaded.set(path, hash);
    return path;
  }
  const ext = extname(path);
  const copy = join(dirname(path), `.${basename(path, ext)}.${hash}${ext}`);
  writeFileSync(copy, text);
  return copy;
}

function explainLoadError(error: unknown, target: string): PluginLoadResult {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_REQUIRE_ASYNC_MODULE') {
    return { reason: 'async', error: 'it uses top-level await, which nnc cannot run while it compiles; move the awaited work into emit or a function' };
  }
  if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${target}'`)) return { reason: 'missing', error: 'the file does not exist' };
  if (error instanceof SyntaxError && !thrownAt(error, target)) {
    const line = syntaxErrorLine(target);
    return { reason: 'syntax', error: `it has a syntax error: ${messageOf(error)}`, ...(line === undefined ? {} : { line }) };
  }
  const line = thrownAt(error, target);
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return { reason: 'throws', error: `it threw while loading: ${name}${messageOf(error)}`, ...(line === undefined ? {} : { line }) };
}

/** A loader that runs nothing: nnc diff without --trust-plugins, the in-memory hosts of tests and tools. */
export function refusingPluginLoader(why: string): PluginLoader {
  return {
    runs: false,
    resolvePackage: () => null,
    load: () => ({ reason: 'refused', error: why }),
  };
}

/** A test double: modules by absolute path, as objects or as a function run when loaded (to throw, or to count loads). */
export function memoryPluginLoader(modules: Record<string, unknown | (() => unknown)>): PluginLoader & { readonly loaded: string[] } {
  const loaded: string[] = [];
  return {
    runs: true,
    loaded,
    resolvePackage: (name) => (Object.hasOwn(modules, name) ? name : null),
    load(path) {
      if (!Object.hasOwn(modules, path)) return { reason: 'missing', error: 'the file does not exist' };
      loaded.push(path);
      const module = modules[path];
      try {
        return { exports: typeof module === 'function' ? (module as () => unknown)() : module };
      } catch (error) {
        return { reason: 'throws', error: `it threw while loading: ${messageOf(error)}` };
      }
    },
  };
}
