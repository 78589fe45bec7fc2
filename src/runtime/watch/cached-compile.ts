// The compiler for a watched project: compile() with a parse cache, so a YAML
// file whose text did not change since the last compile is not parsed again,
// and a host that keeps data files by modification time (cached-host.ts).
import type { CompilerHost } from '../../compiler/host.js';
import { compile, createParseCache, type CompileResult } from '../../compiler/index.js';
import { resolve } from 'node:path';
import { createCachingHost } from './cached-host.js';

export interface ProjectCompiler {
  compile(): CompileResult;
  /** YAML files served from the parse cache in the last compile */
  readonly reused: number;
}

export function createProjectCompiler(projectDir: string, host: CompilerHost = createCachingHost()): ProjectCompiler {
  const dir = resolve(projectDir);
  const cache = createParseCache();
  return {
    get reused() {
      return cache.reused;
    },
    compile: () => compile(dir, host, { cache }),
  };
}
