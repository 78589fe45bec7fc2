// Compile a project held in memory and format its diagnostics as the CLI
// prints them (paths relative to the project folder, no colour, no frames).
import { compile, type CompileResult } from '../../src/compiler/index.js';
import { formatDiagnostic } from '../../src/compiler/format.js';
import { memoryHost } from '../../src/compiler/host.js';
import { textProject } from './text-project.js';

export const ROOT = '/virtual/demo';

export const BASE: Record<string, string> = textProject({
  samples: ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}'],
});

export function compileFiles(files: Record<string, string | null>, base: Record<string, string> = BASE): CompileResult {
  const merged: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(files)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return compile(ROOT, memoryHost(ROOT, merged));
}

/** Formatted diagnostic lines, as `nnc check` prints them from inside the project. */
export function check(files: Record<string, string | null>, base?: Record<string, string>): string[] {
  return compileFiles(files, base).diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }));
}
