// The compiler: load -> validate -> check (+ data) -> lower. Stages return
// diagnostics; compile() never throws for bad input.
import { check } from './check.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { nodeHost, type CompilerHost } from './host.js';
import { boundDiagnostic } from './limits.js';
import { load, type ParseCache, type SourceFile } from './load.js';
import { lower } from './lower.js';
import { applyOverrides, overrideText, type Override } from './overrides.js';
import type { Plan } from './plan.js';
import type { PlanData } from './plan-data.js';
import { validate, type ValidDocument } from './validate.js';
import { resolve, join } from 'node:path';
import { applyPlugins } from './plugins/apply.js';
import { loadPlugins } from './plugins/load-plugins.js';
import { withPlugins } from './plugins/plan-plugins.js';
import { activatePlugins } from './plugins/registry.js';
import { MESSAGES } from './diagnostic-messages.js';

export interface CompileResult {
  /** null when there are errors */
  readonly plan: Plan | null;
  /** the samples, beside the plan (never stored with it); null when there are errors */
  readonly data: PlanData | null;
  /** sorted by file and position */
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly SourceFile[];
  /** wall time per stage, ms */
  readonly timings: Readonly<Record<string, number>>;
  /** the Sweep documents that passed their schema (check-sweep.ts reads them; the plan does not) */
  readonly sweeps: readonly ValidDocument[];
}

export interface CompileOptions {
  /** reuse parses of unchanged files between compiles (createParseCache) */
  readonly cache?: ParseCache;
  /** values written over the documents before validation (--set, a sweep trial; overrides.ts); the plan lists them */
  readonly overrides?: readonly Override[];
}

export function compile(projectDir: string, host: CompilerHost = nodeHost, options: CompileOptions = {}): CompileResult {
  const dir = resolve(projectDir);
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = now - t;
    t = now;
  };
  const loaded = load(dir, host, options.cache);
  lap('load');
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const fallbackFile = loaded.files[0]?.path ?? join(dir, 'nnc.yaml');
  if (loaded.files.length === 0 && loaded.diagnostics.length === 0) {
    diagnostics.push({ code: MESSAGES.noYamlFiles.code, severity: 'error', message: `No YAML files were found in '${projectDir}'. Run 'nnc init ${projectDir}' to create a project, or give the path of a project folder.`, file: dir, line: 1, column: 1, length: 1 });
    return { plan: null, data: null, diagnostics, files: [], timings, sweeps: [] };
  }
  const overridden = options.overrides?.length ? applyOverrides(loaded.documents, options.overrides) : null;
  if (overridden) diagnostics.push(...overridden.diagnostics);
  // plugins add layer and dataset types: loaded before validation, which then sees their documents made ready (plugins/apply.ts)
  const plugins = loadPlugins(dir, overridden?.documents ?? loaded.documents, host);
  activatePlugins(plugins.set);
  const prepared = applyPlugins(overridden?.documents ?? loaded.documents, plugins.set);
  diagnostics.push(...plugins.diagnostics, ...prepared.diagnostics);
  const validated = validate(prepared.documents);
  diagnostics.push(...validated.diagnostics);
  const sweeps = validated.documents.filter((d) => d.kind === 'Sweep');
  lap('validate');
  let plan: Plan | null = null;
  let data: PlanData | null = null;
  if (!hasErrors(diagnostics) && !prepared.blocked) {
    const checked = check(dir, prepared.restore(validated.documents).filter((d) => d.kind !== 'Sweep'), host, fallbackFile);
    diagnostics.push(...checked.diagnostics);
    lap('check');
    if (checked.checked && !hasErrors(diagnostics)) {
      ({ plan, data } = lower(checked.checked));
      plan = withPlugins(plan, plugins.set, prepared.datasetOrigins);
      // listed, not hashed: the hash changes with the values they wrote, not with how they were given
      if (options.overrides?.length) plan = { ...plan, overrides: options.overrides.map(overrideText) };
      lap('lower');
    }
  }
  // a value quoted in a message is cut when long: a 10 MB line is not echoed (limits.ts)
  return { plan, data, diagnostics: sortDiagnostics(diagnostics).map(boundDiagnostic), files: loaded.files, timings, sweeps };
}

export type { Plan } from './plan.js';
export type { PlanData } from './plan-data.js';
export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostics, formatDiagnostic } from './format.js';
export { createParseCache, type ParseCache } from './load.js';
