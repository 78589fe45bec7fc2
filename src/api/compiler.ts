// nnc/compiler: compile a project folder into diagnostics and a plan. This
// entry's module graph never loads TensorFlow.js, SQLite or chokidar (held by
// test/api-package.test.ts), so checking a project stays as fast as `nnc check`.
import { resolve } from 'node:path';
import { compile as compileProject, type CompileOptions } from '../compiler/index.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import { formatDiagnostics } from '../compiler/format.js';
import type { Plan } from '../compiler/plan.js';
import type { PlanData } from '../compiler/plan-data.js';

export type { Diagnostic, Plan, PlanData };
export type { PlanHead, PlanLayer, PlanInput, PlanVocabulary } from '../compiler/plan.js';

export interface Compiled {
  /** the project folder, absolute */
  readonly dir: string;
  /** null when there are errors */
  readonly plan: Plan | null;
  /** the samples, beside the plan (a plan holds none); null when there are errors */
  readonly data: PlanData | null;
  /** sorted by file and position; the same objects `nnc check --format json` prints */
  readonly diagnostics: readonly Diagnostic[];
  /** no error among the diagnostics */
  readonly ok: boolean;
  /** the diagnostics as `nnc check` prints them (paths relative to `cwd`, default process.cwd()) */
  format(cwd?: string): string;
}

export type { CompileOptions };

/** Compiles the project in `dir` (load, validate, check, data, lower), as `nnc check` and `nnc build` do. Never throws for bad input. */
export function compile(dir: string, options: CompileOptions = {}): Compiled {
  const abs = resolve(dir);
  const result = compileProject(abs, undefined, options);
  return {
    dir: abs,
    plan: result.plan,
    data: result.data,
    diagnostics: result.diagnostics,
    ok: result.plan !== null,
    format: (cwd = process.cwd()) => formatDiagnostics(result.diagnostics, { cwd }),
  };
}

export { formatDiagnostics };
