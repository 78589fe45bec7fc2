// `nnc diff --sweep <id>`: a stored sweep's trials against the project's base
// configuration (its files without overrides), or two trials (or the base and
// one trial) against each other as an ordinary PlanDiff.
//
// A trial is compiled again from the project's files with its values written
// over them (overrides.ts), as `nnc sweep` compiled it; when that gives
// another plan than the one the trial trained, the files changed since, and a
// note says so. The metric side comes from the run store: each trial's value
// of the sweep's metric (ranked as `nnc sweep --show` ranks them) and the
// best metrics of its latest run; the base's from the best completed run of
// its plan, when there is one.
import { compile, createParseCache, type CompileResult, type ParseCache } from '../compiler/index.js';
import { hasErrors } from '../compiler/diagnostics.js';
import { flowText, type Override } from '../compiler/overrides.js';
import type { RunRecord } from '../runtime/store/types.js';
import { bestRun } from './best-runs.js';
import { comparePlans, diagnosticLine, type RunBest, type SideInput } from './compare.js';
import type { BlastRadius, DiagnosticLine, DiffSummary, HeadRow, LayerRow, MetricsDiff, PlanDiff, SettingChange } from './plan-diff.js';
import { pluginChangeNotes, uncheckedNote, folderHost } from './plugin-trust.js';
import { sampleKeysOf } from './sample-changes.js';
import { viewOfCompile } from './side-view.js';

export interface SweepDiffInfo {
  readonly id: string;
  readonly name: string;
  /** running | completed | stopped | failed */
  readonly status: string;
  readonly method: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  /** the varied paths, in the Sweep's order */
  readonly parameters: readonly string[];
  readonly trials: number;
}

/** One trial against the base: what its values change in the model, and how it did. */
export interface SweepTrialDiff {
  /** 1-based, best first (as `nnc sweep --show` ranks) */
  readonly rank: number;
  readonly trial: number;
  /** pending | running | waiting | completed | pruned | stopped | failed */
  readonly status: string;
  /** path -> value, in the Sweep's order */
  readonly params: Readonly<Record<string, unknown>>;
  /** 'layers.hidden.units=12, training.learningRate=0.01' */
  readonly label: string;
  /** the trial's best value of the sweep's metric; null when none was reported */
  readonly value: number | null;
  /** value minus the base run's best value of the metric; null without both */
  readonly delta: number | null;
  readonly epochs: number;
  /** the halving epoch a pruned trial stopped at */
  readonly stoppedAt: number | null;
  /** the trial's latest run */
  readonly runId: string | null;
  /** the plan the trial trained */
  readonly trainedPlanHash: string;
  /** the plan the project's files give the trial's values now; null when they do not compile */
  readonly planHash: string | null;
  readonly compiled: boolean;
  /** against the base: layers, parameters, weight memory */
  readonly summary: DiffSummary;
  /** layers whose type, shape, parameters or settings differ from the base */
  readonly layers: readonly LayerRow[];
  readonly heads: readonly HeadRow[];
  readonly blastRadius: BlastRadius;
  readonly settings: readonly SettingChange[];
  /** the validation metrics (all metrics without validation) at the best epoch of the trial's latest run; null without a run */
  readonly best: Readonly<Record<string, number>> | null;
  /** the trial's errors when its values no longer compile with the project's files */
  readonly diagnostics: readonly DiagnosticLine[];
}

export interface SweepDiff {
  readonly sweep: SweepDiffInfo;
  /** the project's files without overrides */
  readonly base: {
    readonly project: string;
    readonly compiled: boolean;
    readonly planHash: string | null;
    readonly params: number | null;
    readonly weightBytes: number | null;
    readonly diagnostics: readonly DiagnosticLine[];
  };
  /** the best completed run of the base's plan in the store, with its best metrics; null when there is none */
  readonly baseRun: RunBest | null;
  /** best first */
  readonly trials: readonly SweepTrialDiff[];
  readonly notes: readonly string[];
}

/** what the run store holds about the sweep */
export interface StoredSweep {
  readonly sweep: SweepDiffInfo;
  /** ranked, best first */
  readonly trials: ReadonlyArray<{ readonly rank: number; readonly trial: number; readonly status: string; readonly params: Readonly<Record<string, unknown>>; readonly value: number | null; readonly epochs: number; readonly stoppedAt: number | null; readonly runId: string | null; readonly planHash: string }>;
  /** the sweep's runs */
  readonly runs: readonly RunRecord[];
  /** every run of the project, for the base's best run */
  readonly allRuns: readonly RunRecord[];
}

export interface SweepSideOptions {
  readonly projectDir: string;
  /** as shown */
  readonly project: string;
  readonly trustPlugins?: boolean;
  /** parses of the project's files shared by the base's and every trial's compile */
  readonly cache?: ParseCache;
}

const trialLabel = (params: Readonly<Record<string, unknown>>) => Object.entries(params).map(([path, value]) => `${path}=${flowText(value)}`).join(', ');

/** The pseudo-file a trial's values are written in, as its diagnostics name it. */
export const trialFile = (sweepId: string, trial: number) => `<sweep ${sweepId} trial ${trial}>`;

/** The trial's values as overrides, one per line of its pseudo-file. */
function trialOverrides(sweepId: string, trial: number, params: Readonly<Record<string, unknown>>): Override[] {
  return Object.entries(params).map(([path, value], i) => ({
    path,
    value,
    file: trialFile(sweepId, trial),
    pathSpan: { line: i + 1, column: 1, length: path.length },
    valueSpan: { line: i + 1, column: path.length + 2, length: flowText(value).length },
  }));
}

interface Compiled {
  readonly input: SideInput;
  readonly result: CompileResult;
}

function compileAs(options: SweepSideOptions, label: string, overrides: readonly Override[]): Compiled {
  const result = compile(options.projectDir, folderHost(options.trustPlugins === true), { ...(options.cache ? { cache: options.cache } : {}), ...(overrides.length ? { overrides } : {}) });
  return {
    result,
    input: { label, commit: null, project: options.project, projectDir: options.projectDir, repoProject: null, view: viewOfCompile(result), diagnostics: result.diagnostics, samples: sampleKeysOf(result.plan, result.data) },
  };
}

const runBest = (run: RunRecord | undefined | null): RunBest | null => (run ? { id: run.id, best: run.best } : null);

/** validation metrics, or all of them when the run held nothing out */
function shownMetrics(best: Readonly<Record<string, number>>): Record<string, number> {
  const names = Object.keys(best).sort();
  const validation = names.filter((n) => /(^|\.)val_/.test(n));
  return Object.fromEntries((validation.length ? validation : names).map((n) => [n, best[n]]));
}

function baseRunOf(stored: StoredSweep, planHash: string | null): RunBest | null {
  if (!planHash) return null;
  return runBest(bestRun(stored.allRuns.filter((r) => r.planHash === planHash && r.status === 'completed')));
}

function staleNote(trial: number, trained: string, now: string | null): string | null {
  if (now === trained) return null;
  if (now === null) return `Trial ${trial}'s values no longer compile with the project's files (it trained plan ${trained.slice(0, 8)}): its diagnostics are listed with it.`;
  return `Trial ${trial} trained plan ${trained.slice(0, 8)}, but the project's files give its values plan ${now.slice(0, 8)} now: the files changed since the sweep ran, and what is shown is what the trial's values change today.`;
}

/** Every trial of the sweep against the base configuration. */
export function diffSweep(stored: StoredSweep, sideOptions: SweepSideOptions): { diff: SweepDiff; exitCode: 0 | 1 } {
  const options = { ...sideOptions, cache: sideOptions.cache ?? createParseCache() };
  const base = compileAs(options, 'base', []);
  const baseRun = baseRunOf(stored, base.input.view.planHash);
  const notes: string[] = [];
  const unchecked = uncheckedNote('base', base.result, base.input.view);
  if (unchecked) notes.push(unchecked);
  if (!base.input.view.compiled) notes.push(`The base (the project's files without the sweep's values) does not compile: trials are compared with it as written in its YAML, without shapes or parameters.`);
  const runs = new Map(stored.runs.map((r) => [r.id, r]));
  let broken = hasErrors(base.result.diagnostics);
  const trials = stored.trials.map((t): SweepTrialDiff => {
    const side = compileAs(options, `trial ${t.trial}`, trialOverrides(stored.sweep.id, t.trial, t.params));
    const run = t.runId ? runs.get(t.runId) : undefined;
    const diff = comparePlans(base.input, side.input);
    const now = side.input.view.planHash;
    const stale = staleNote(t.trial, t.planHash, now);
    if (stale) notes.push(stale);
    if (hasErrors(side.result.diagnostics)) broken = true;
    const baseValue = baseRun?.best[stored.sweep.metric];
    return {
      rank: t.rank,
      trial: t.trial,
      status: t.status,
      params: t.params,
      label: trialLabel(t.params),
      value: t.value,
      delta: t.value !== null && baseValue !== undefined && Number.isFinite(baseValue) ? t.value - baseValue : null,
      epochs: t.epochs,
      stoppedAt: t.stoppedAt,
      runId: t.runId,
      trainedPlanHash: t.planHash,
      planHash: now,
      compiled: side.input.view.compiled,
      summary: diff.summary,
      layers: (diff.layers ?? []).filter((r) => r.marker !== ''),
      heads: (diff.heads ?? []).filter((h) => h.marker !== ''),
      blastRadius: diff.blastRadius,
      settings: diff.settings,
      best: run ? shownMetrics(run.best) : null,
      diagnostics: hasErrors(side.result.diagnostics) ? side.result.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnosticLine(d, options.projectDir)) : [],
    };
  });
  if (!baseRun && base.input.view.planHash) notes.push(`The base's plan (${base.input.view.planHash.slice(0, 8)}) has no completed run in the store, so trials' metrics are not compared with it ('nnc train' makes one).`);
  const view = base.input.view;
  return {
    diff: {
      sweep: stored.sweep,
      base: {
        project: options.project,
        compiled: view.compiled,
        planHash: view.planHash,
        params: view.params,
        weightBytes: view.weightBytes,
        diagnostics: hasErrors(base.result.diagnostics) ? base.result.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnosticLine(d, options.projectDir)) : [],
      },
      baseRun,
      trials,
      notes,
    },
    exitCode: broken ? 1 : 0,
  };
}

/**
 * Two sides of one sweep as an ordinary PlanDiff: `trials` holds one trial
 * (the base against it) or two (the first against the second). Metrics: each
 * trial's latest run, the base's best completed run.
 */
export function diffTrials(stored: StoredSweep, trials: readonly number[], sideOptions: SweepSideOptions): { diff: PlanDiff; exitCode: 0 | 1 } {
  const options = { ...sideOptions, cache: sideOptions.cache ?? createParseCache() };
  const byIndex = new Map(stored.trials.map((t) => [t.trial, t]));
  const runs = new Map(stored.runs.map((r) => [r.id, r]));
  const notes: string[] = [];
  const sideOf = (n: number) => {
    const t = byIndex.get(n)!;
    const side = compileAs(options, `trial ${n} (${trialLabel(t.params)})`, trialOverrides(stored.sweep.id, n, t.params));
    const stale = staleNote(n, t.planHash, side.input.view.planHash);
    if (stale) notes.push(stale);
    const run = t.runId ? runs.get(t.runId) ?? null : null;
    if (!run) notes.push(`Trial ${n} has no run in the store (${t.status}), so no metrics are compared.`);
    return { ...side, run: runBest(run) };
  };
  const head = sideOf(trials[trials.length - 1]);
  let base: Compiled & { run: RunBest | null };
  if (trials.length === 2) base = sideOf(trials[0]);
  else {
    const compiled = compileAs(options, 'base', []);
    const run = baseRunOf(stored, compiled.input.view.planHash);
    if (!run && compiled.input.view.planHash) notes.push(`The base's plan (${compiled.input.view.planHash.slice(0, 8)}) has no completed run in the store, so no metrics are compared ('nnc train' makes one).`);
    base = { ...compiled, run };
  }
  let diff = comparePlans(base.input, head.input, { base: base.run, head: head.run });
  if (diff.metrics) diff = { ...diff, metrics: { ...diff.metrics, source: { kind: 'store' } } satisfies MetricsDiff };
  const unchecked = [uncheckedNote('base', base.result, base.input.view), uncheckedNote('head', head.result, head.input.view), ...pluginChangeNotes(base.result.plan, head.result.plan)].filter((n): n is string => n !== null);
  diff = { ...diff, notes: [...diff.notes, ...notes, ...unchecked] };
  return { diff, exitCode: head.input.view.compiled || !hasErrors(head.result.diagnostics) ? 0 : 1 };
}
