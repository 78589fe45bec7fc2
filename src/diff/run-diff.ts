// `nnc diff` as a function of its arguments: resolve the sides, compile both,
// look up stored runs, compare, render. The command only prints the result.
import { bestRuns } from './best-runs.js';
import { DEFAULT_METRICS_FILE } from './metrics-files.js';
import { comparePlans } from './compare.js';
import type { PlanDiff } from './plan-diff.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import { compileSide, resolveSides } from './sides.js';
import { hasErrors } from '../compiler/diagnostics.js';
import { pluginChangeNotes, uncheckedNote } from './plugin-trust.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

export interface DiffOutcome {
  readonly diff: PlanDiff;
  readonly output: string;
  /** 0 when the head compiles, 1 when it has errors */
  readonly exitCode: 0 | 1;
  /** ms spent compiling each side */
  readonly times: { readonly base: number; readonly head: number };
}

/** A command-line mistake comes back as { error: sentence }. */
export async function runDiff(positionals: readonly string[], options: { cwd: string; format: DiffFormat; color?: boolean; /** run the plugins of both sides (never by default: a revision's plugins may come from anyone) */ trustPlugins?: boolean; /** project-relative metrics file (default metrics.json) */ metricsFile?: string }): Promise<DiffOutcome | { error: string }> {
  const sides = resolveSides(positionals, options.cwd);
  if ('error' in sides) return sides;
  const base = compileSide(sides.base, { trustPlugins: options.trustPlugins });
  const head = compileSide(sides.head, { trustPlugins: options.trustPlugins });
  const metricsFile = options.metricsFile ?? DEFAULT_METRICS_FILE;
  const runs = await bestRuns(sides.storeDirs, { base: base.input.view.planHash, head: head.input.view.planHash }, { base: sides.base, head: sides.head, metricsFile });
  let diff = comparePlans(base.input, head.input, runs);
  if (diff.metrics && runs.source) diff = { ...diff, metrics: { ...diff.metrics, source: runs.source } };
  if (runs.note) diff = { ...diff, notes: [...diff.notes, runs.note] };
  const unchecked = [uncheckedNote('base', base.result, base.input.view), uncheckedNote('head', head.result, head.input.view), ...pluginChangeNotes(base.result.plan, head.result.plan)].filter((n): n is string => n !== null);
  if (unchecked.length) diff = { ...diff, notes: [...diff.notes, ...unchecked] };
  const output = options.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : options.format === 'markdown' ? renderMarkdown(diff) : renderText(diff, { color: options.color }) + '\n';
  return { diff, output, exitCode: head.input.view.compiled || !hasErrors(head.result.diagnostics) ? 0 : 1, times: { base: base.time, head: head.time } };
}
