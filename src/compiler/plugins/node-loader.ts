// The default plugin loader (CompilerHost.plugins): Node's require, which
// loads ES modules synchronously since Node 20.19 (nnc's minimum). compile()
// is synchronous and called from every command, the watcher and nnc diff; an
// `await import()` here would make all of them async for a feature most
// projects do not use. The cost: a plugin cannot use top-level await (it is
// told so in a diagnostic). Errors come back as values: a plugin that does not
// parse, throws while it loads or is missing is a diagnostic, never a crash.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
    try {
      return { exports: require(path) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_REQUIRE_ASYNC_MODULE') {
        return { reason: 'async', error: 'it uses top-level await, which nnc cannot run while it compiles; move the awaited work into emit or a function' };
      }
      if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${path}'`)) return { reason: 'missing', error: 'the file does not exist' };
      if (error instanceof SyntaxError && !thrownAt(error, path)) {
        const line = syntaxErrorLine(path);
        return { reason: 'syntax', error: `it has a syntax error: ${messageOf(error)}`, ...(line === undefined ? {} : { line }) };
      }
      const line = thrownAt(error, path);
      const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
      return { reason: 'throws', error: `it threw while loading: ${name}${messageOf(error)}`, ...(line === undefined ? {} : { line }) };
    }
  },
};

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
