// A Sweep document, checked and compiled before anything trains: every
// parameter path names something in the project (file:line:col at its key,
// with did-you-mean), ranges make sense for the method, the metric is one runs
// report (checked as the early-stopping monitor is), halving epochs fall
// within training, and every trial's plan compiles with its values written
// over the documents (overrides.ts). A trial that does not compile is a
// diagnostic naming its values; the values' own errors point into the Sweep
// file, at the listed value or range that caused them.
import { didYouMean, inferredMode, listed, reportedMetrics } from './check-monitor.js';
import { diagnosticAt, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { displayPath } from './format.js';
import { nodeHost, type CompilerHost } from './host.js';
import { compile, createParseCache, type CompileResult, type ParseCache } from './index.js';
import { load, locate, type LoadedDocument } from './load.js';
import { flowText, resolvePath, type Override } from './overrides.js';
import type { MetricMode, Plan } from './plan.js';
import type { PlanData } from './plan-data.js';
import type { ValidDocument } from './raw.js';
import { formOf, gridSize, gridTrials, randomTrials, type SweepMethod, type TrialValues } from './sweep-space.js';
import type { RawSweep } from './validators/raw.js';
import { MESSAGES } from './diagnostic-messages.js';

/** Grids larger than this are refused: a typo in a list should not queue a million runs. */
export const MAX_TRIALS = 10_000;
/** Trials that do not compile, each named in its own diagnostic; the rest are counted. */
const NAMED_FAILURES = 10;

export interface SweepTrial {
  /** 1-based */
  readonly index: number;
  /** path -> value, in the Sweep's order */
  readonly values: Readonly<Record<string, unknown>>;
  /** 'layers.encoder.units=64, training.learningRate=0.003' */
  readonly label: string;
  readonly plan: Plan;
  readonly data: PlanData | null;
}

export interface CompiledSweep {
  readonly name: string;
  /** project-relative file of the Sweep document */
  readonly file: string;
  readonly method: SweepMethod;
  readonly parameters: readonly string[];
  readonly metric: string;
  readonly mode: MetricMode;
  readonly seed: number;
  readonly halving: { readonly epochs: readonly number[]; readonly keep: number } | null;
  readonly trials: readonly SweepTrial[];
  /** the Sweep document as written, stored with the sweep */
  readonly spec: RawSweep;
}

export interface SweepCompileResult {
  /** the project without overrides */
  readonly base: CompileResult;
  /** null when there are errors (or no Sweep was picked) */
  readonly sweep: CompiledSweep | null;
  readonly diagnostics: readonly Diagnostic[];
  /** the names of the project's sweeps */
  readonly names: readonly string[];
}

export interface SweepCompileOptions {
  /** which Sweep, when the project holds several */
  readonly name?: string;
  /** false: check the document and its paths only, compile no trial (nnc check) */
  readonly trials?: boolean;
  readonly cache?: ParseCache;
}

/**
 * Compiles the project, then the named Sweep (the only one when no name is
 * given) and, unless `trials: false`, every trial's plan.
 */
export function compileSweep(projectDir: string, host: CompilerHost = nodeHost, options: SweepCompileOptions = {}): SweepCompileResult {
  const cache = options.cache ?? createParseCache();
  const base = compile(projectDir, host, { cache });
  const sweeps = base.sweeps as ReadonlyArray<ValidDocument & { kind: 'Sweep' }>;
  const names = sweeps.map((d) => (d.value as RawSweep).name);
  const diagnostics: Diagnostic[] = [...base.diagnostics];
  const done = (sweep: CompiledSweep | null) => ({ base, sweep, diagnostics: sortDiagnostics(diagnostics), names });
  diagnostics.push(...duplicateNames(sweeps));
  if (!base.plan || hasErrors(diagnostics)) return done(null);
  const picked = options.name === undefined ? (sweeps.length === 1 ? sweeps[0] : null) : sweeps.find((d) => (d.value as RawSweep).name === options.name) ?? null;
  if (!picked) return done(null);
  const documents = load(projectDir, host, cache).documents;
  const sweep = checkSweep(projectDir, host, picked, documents, base.plan, cache, options.trials !== false, diagnostics);
  return done(hasErrors(diagnostics) ? null : sweep);
}

/** Every Sweep of the project, checked without compiling trials (what `nnc check` adds). */
export function checkSweeps(projectDir: string, base: CompileResult, host: CompilerHost = nodeHost, cache: ParseCache = createParseCache()): Diagnostic[] {
  const sweeps = base.sweeps as ReadonlyArray<ValidDocument & { kind: 'Sweep' }>;
  if (sweeps.length === 0 || !base.plan) return [];
  const diagnostics: Diagnostic[] = duplicateNames(sweeps);
  const documents = load(projectDir, host, cache).documents;
  for (const sweep of sweeps) checkSweep(projectDir, host, sweep, documents, base.plan, cache, false, diagnostics);
  return diagnostics;
}

function duplicateNames(sweeps: readonly LoadedDocument[]): Diagnostic[] {
  const seen = new Map<string, LoadedDocument>();
  const out: Diagnostic[] = [];
  for (const d of sweeps) {
    const name = (d.value as RawSweep).name;
    const first = seen.get(name);
    if (first) out.push(diagnosticAt(d, ['name'], MESSAGES.duplicateSweep.code, `Another Sweep is named '${name}' (in '${first.file.relPath}'). Give each Sweep its own name: 'nnc sweep --name <name>' picks one.`));
    else seen.set(name, d);
  }
  return out;
}

function checkSweep(
  projectDir: string,
  host: CompilerHost,
  document: LoadedDocument,
  documents: readonly LoadedDocument[],
  basePlan: Plan,
  cache: ParseCache,
  compileTrials: boolean,
  diagnostics: Diagnostic[],
): CompiledSweep | null {
  const raw = document.value as RawSweep;
  const method: SweepMethod = raw.method ?? 'grid';
  const before = diagnostics.length;
  const err = (path: (string | number)[], code: number, message: string, part: 'key' | 'value' = 'value') => diagnostics.push(diagnosticAt(document, path, code, message, { part }));

  // paths: each must name something in the project, as --set paths do
  for (const path of Object.keys(raw.parameters)) {
    const keySpan = locate(document, ['parameters', path], 'key');
    const resolved = resolvePath(documents, { path, file: document.file.path, pathSpan: keySpan });
    if ('code' in resolved) diagnostics.push(resolved);
    const values = raw.parameters[path];
    const form = formOf(values);
    if (method === 'grid' && form !== 'list' && form !== 'choice') {
      err(['parameters', path], MESSAGES.gridNeedsLists.code, `A grid tries every listed value, but '${path}' is a range ('${form}') to draw from. List the values (as in [0.001, 0.003, 0.01]), or set 'method: random'.`);
    }
    const bounds = (values as { uniform?: number[]; logUniform?: number[]; int?: number[] })[form as 'uniform'];
    if (form !== 'list' && form !== 'choice' && bounds && (form === 'int' ? bounds[0] > bounds[1] : bounds[0] >= bounds[1])) {
      err(['parameters', path, form], MESSAGES.rangeBounds.code, `The range of '${path}' is [${bounds.join(', ')}]: the low bound must come first and be ${form === 'int' ? 'at most' : 'below'} the high one.`);
    }
  }
  if (method === 'random' && raw.trials === undefined) {
    err(['method'], MESSAGES.randomNeedsTrials.code, `A random sweep needs 'trials', how many trials to draw. Add 'trials: <n>'.`);
  }
  const size = gridSize(raw.parameters);
  if (method === 'grid' && Number.isFinite(size) && size > MAX_TRIALS && (raw.trials ?? Infinity) > MAX_TRIALS) {
    err(['parameters'], MESSAGES.gridTooLarge.code, `This grid has ${size.toLocaleString('en-US')} combinations, more than the ${MAX_TRIALS.toLocaleString('en-US')} trials nnc runs in one sweep. List fewer values, or set 'method: random' with 'trials'.`, 'key');
  }
  const halvingEpochs = raw.halving?.epochs ?? [];
  halvingEpochs.forEach((epoch, i) => {
    if (i > 0 && epoch <= halvingEpochs[i - 1]) err(['halving', 'epochs', i], MESSAGES.halvingOrder.code, `Halving epochs go in increasing order, but ${epoch} comes after ${halvingEpochs[i - 1]}.`);
  });

  // the metric, as the early-stopping monitor is checked: against what runs of this plan report
  const metric = raw.metric;
  const validated = basePlan.project.training.validationSplit > 0;
  const known = reportedMetrics(basePlan.heads.map((h) => ({ name: h.name, task: h.task, ...(h.metrics ? { metrics: h.metrics } : {}), classes: h.classes })), true);
  if (!known.includes(metric)) {
    err(['metric'], MESSAGES.sweepMetric.code, `Runs do not report a metric '${metric}'.${didYouMean(metric, known)} Runs of this project report ${listed(known)}.`);
  } else if (!validated && (metric.startsWith('val_') || metric.includes('.val_'))) {
    err(['metric'], MESSAGES.sweepMetric.code, `'${metric}' is a validation metric, but 'validationSplit' is 0, so nothing is held out to compute it. Rank by '${metric.replace('val_', '')}', or set 'validationSplit' above 0.`);
  }
  if (diagnostics.length > before && hasErrors(diagnostics.slice(before))) return null;

  const picked: TrialValues[] = method === 'grid' ? gridTrials(raw.parameters, raw.trials ?? Infinity) : randomTrials(raw.parameters, raw.trials ?? 0, raw.seed ?? 0);
  const spec = {
    name: raw.name,
    file: document.file.relPath,
    method,
    parameters: Object.keys(raw.parameters),
    metric,
    mode: raw.mode ?? inferredMode(metric),
    seed: raw.seed ?? 0,
    halving: raw.halving ? { epochs: [...raw.halving.epochs], keep: raw.halving.keep ?? 0.5 } : null,
    spec: raw,
  };
  if (!compileTrials) return { ...spec, trials: [] };

  const trials: SweepTrial[] = [];
  const seen = new Set<string>();
  let failed = 0;
  for (const trial of picked) {
    const overrides: Override[] = trial.values.map(({ path, value, item }) => ({
      path,
      value,
      file: document.file.path,
      pathSpan: locate(document, ['parameters', path], 'key'),
      valueSpan: locate(document, itemPath(raw, path, item)),
    }));
    const label = trial.values.map(({ path, value }) => `${path}=${flowText(value)}`).join(', ');
    const result = compile(projectDir, host, { cache, overrides });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0 && result.plan) {
      trials.push({ index: trial.index, values: Object.fromEntries(trial.values.map((v) => [v.path, v.value])), label, plan: result.plan, data: result.data });
      const epochs = result.plan.project.training.epochs;
      if (halvingEpochs.length && result.plan.project.training.schedule.type === 'cosine' && !seen.has('cosine')) {
        seen.add('cosine');
        diagnostics.push(diagnosticAt(document, ['halving'], 3079, `With halving, trials train in segments (to each halving epoch, then on), and a cosine schedule decays over each segment's end epoch instead of training.epochs, so trial ${trial.index}'s learning rate follows another curve than 'nnc train' would. Use a 'step' or 'exponential' schedule, which do not depend on the number of epochs, or leave 'halving' out.`, { severity: 'warning', part: 'key' }));
      }
      halvingEpochs.forEach((epoch, i) => {
        if (epoch >= epochs) {
          const key = `halving:${i}`;
          if (!seen.has(key)) err(['halving', 'epochs', i], MESSAGES.halvingAfterTraining.code, `Trials are ranked after epoch ${epoch}, but trial ${trial.index} (${label}) trains ${epochs} epochs in all. Give halving epochs below training.epochs.`);
          seen.add(key);
        }
      });
      continue;
    }
    failed++;
    // a bad value fails every trial that takes it: its own diagnostic once, then one line per trial
    for (const d of errors) {
      const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
      if (!seen.has(key)) diagnostics.push(d);
      seen.add(key);
    }
    if (failed <= NAMED_FAILURES) {
      const first = errors[0];
      const where = first ? `${displayPath(first.file, projectDir)}:${first.line}:${first.column}` : '';
      err(['parameters'], MESSAGES.trialDoesNotCompile.code, `Trial ${trial.index} (${label}) does not compile: ${first ? `${first.message.replace(/\.$/, '')} (${where})` : 'the compiler gave no plan'}. Change or remove the values that cause it.`, 'key');
    }
  }
  if (failed > NAMED_FAILURES) err(['parameters'], MESSAGES.trialDoesNotCompile.code, `${failed - NAMED_FAILURES} more trials do not compile. Fix the ones above, then check again.`, 'key');
  return { ...spec, trials };
}

/** The path of a listed value inside the Sweep document: [...] or {choice: [...]}. */
function itemPath(raw: RawSweep, path: string, item: number | null): (string | number)[] {
  if (item === null) return ['parameters', path];
  return Array.isArray(raw.parameters[path]) ? ['parameters', path, item] : ['parameters', path, 'choice', item];
}

