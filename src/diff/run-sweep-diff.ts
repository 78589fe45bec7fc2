// `nnc diff --sweep <id> [--trial a [--trial b]] [project]` as a function of
// its arguments: read the sweep from the run store, compile the base and the
// trials, compare, render. A mistake of the user's comes back as
// { error, exitCode }: 2 for the command line, 1 for what the store lacks.
import { resolve, relative, sep } from 'node:path';
import { statSync } from 'node:fs';
import { hasStore } from '../runtime/store/paths.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import { renderSweepMarkdown, renderSweepText } from './render-sweep.js';
import type { DiffFormat } from './run-diff.js';
import { diffSweep, diffTrials, type StoredSweep } from './sweep-diff.js';
import type { PlanDiff } from './plan-diff.js';
import type { SweepDiff } from './sweep-diff.js';
import type { SweepReader } from '../runtime/sweep/sweep-store.js';

export interface SweepDiffRequest {
  readonly cwd: string;
  readonly positionals: readonly string[];
  /** a sweep id, a unique start of one, or a sweep's name (its newest) */
  readonly sweep: string;
  /** as given to --trial */
  readonly trials: readonly string[];
  readonly format: DiffFormat;
  readonly color?: boolean;
  readonly trustPlugins?: boolean;
}

export interface SweepDiffOutcome {
  readonly diff: SweepDiff | PlanDiff;
  readonly output: string;
  /** 0 when the base and the trials compared compile, 1 when one has errors */
  readonly exitCode: 0 | 1;
}

export type SweepDiffError = { readonly error: string; readonly exitCode: 1 | 2 };

export async function runSweepDiff(request: SweepDiffRequest): Promise<SweepDiffOutcome | SweepDiffError> {
  if (request.positionals.length > 1) {
    return { error: `With --sweep, nnc diff compares the sweep's trials in the project's files and takes at most the project folder, not ${request.positionals.length} arguments ('${request.positionals.join("' '")}').`, exitCode: 2 };
  }
  const trials: number[] = [];
  for (const text of request.trials) {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) return { error: `'--trial' takes a trial number (1, 2, …, as 'nnc sweep --show' lists them), not '${text}'.`, exitCode: 2 };
    trials.push(n);
  }
  if (trials.length > 2) return { error: `Give at most two '--trial' options: one compares the base with that trial, two compare the first trial with the second (got ${trials.length}).`, exitCode: 2 };
  if (trials.length === 2 && trials[0] === trials[1]) return { error: `'--trial ${trials[0]}' is given twice: give two different trials to compare them.`, exitCode: 2 };
  const projectArg = request.positionals[0] ?? '.';
  const projectDir = resolve(request.cwd, projectArg);
  if (!isFolder(projectDir)) return { error: `The project folder '${projectArg}' does not exist.`, exitCode: 2 };
  const stored = await readStoredSweep(projectDir, request.sweep);
  if (typeof stored === 'string') return { error: stored, exitCode: 1 };
  const known = stored.trials.map((t) => t.trial).sort((a, b) => a - b);
  const missing = trials.filter((n) => !known.includes(n));
  if (missing.length > 0) {
    return { error: `Sweep ${stored.sweep.id} ('${stored.sweep.name}') has no trial ${missing.join(' or ')}: its trials are ${rangeText(known)}. 'nnc sweep --show ${stored.sweep.id}' lists them.`, exitCode: 1 };
  }
  const options = { projectDir, project: relative(request.cwd, projectDir).split(sep).join('/') || '.', trustPlugins: request.trustPlugins };
  if (trials.length > 0) {
    const { diff, exitCode } = diffTrials(stored, trials, options);
    const output = request.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : request.format === 'markdown' ? renderMarkdown(diff) : renderText(diff, { color: request.color }) + '\n';
    return { diff, output, exitCode };
  }
  const { diff, exitCode } = diffSweep(stored, options);
  const output = request.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : request.format === 'markdown' ? renderSweepMarkdown(diff) : renderSweepText(diff, { color: request.color }) + '\n';
  return { diff, output, exitCode };
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** '1 to 8', or '1, 3, 4' when not consecutive */
function rangeText(numbers: readonly number[]): string {
  if (numbers.length === 0) return 'none';
  const consecutive = numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
  return consecutive && numbers.length > 2 ? `${numbers[0]} to ${numbers[numbers.length - 1]}` : numbers.join(', ');
}

/** The sweep, its ranked trials and runs, and the project's runs (for the base's best run); a sentence when there is no such sweep. */
export async function readStoredSweep(projectDir: string, id: string): Promise<StoredSweep | string> {
  const [{ sharedStoreUrl, openSharedStore }, { sweepSummary, trialViews }] = await Promise.all([import('../runtime/store/open-store.js'), import('../runtime/sweep/sweep-views.js')]);
  const read = (reader: SweepReader): Omit<StoredSweep, 'allRuns'> | string => {
    const sweep = reader.findSweep(id);
    if (typeof sweep === 'string') return sweep;
    const records = reader.trials(sweep.id);
    const planHashes = new Map(records.map((t) => [t.trial, t.planHash]));
    const summary = sweepSummary(sweep);
    return {
      sweep: { id: sweep.id, name: sweep.name, status: sweep.status, method: sweep.method, metric: sweep.metric, mode: sweep.mode, parameters: summary.parameters, trials: records.length },
      trials: trialViews(sweep, records).map((t) => ({ ...t, planHash: planHashes.get(t.trial) ?? '' })),
      runs: reader.runs(sweep.id),
    };
  };
  // a shared store that --store / NNC_STORE names, else the project's own
  const url = sharedStoreUrl();
  if (url) {
    const store = openSharedStore(projectDir, url, { readonly: true });
    try {
      const found = read(store.sweeps.reader());
      return typeof found === 'string' ? found : { ...found, allRuns: store.listRuns() };
    } finally {
      store.close();
    }
  }
  if (!hasStore(projectDir)) return `There is no sweep '${id}' in this project: it has no run store yet. Run 'nnc sweep' first.`;
  const [{ readSweeps }, { createRunStore }] = await Promise.all([import('../runtime/sweep/sweep-store.js'), import('../runtime/store/store.js')]);
  const found = readSweeps(projectDir, read);
  if (typeof found === 'string') return found;
  const store = createRunStore(projectDir, { readonly: true });
  try {
    return { ...found, allRuns: store.listRuns() };
  } finally {
    store.close();
  }
}
