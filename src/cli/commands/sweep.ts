// nnc sweep [project]: compile a Sweep and every trial's plan, train the
// trials on worker threads, rank them; --show <id> prints a stored sweep.
import { availableParallelism } from 'node:os';
import { compileSweep, type CompiledSweep } from '../../compiler/check-sweep.js';
import { hasErrors } from '../../compiler/diagnostics.js';
import { suggest } from '../../compiler/suggest.js';
import type { SweepEvent, SweepOutcome, TrialState } from '../../runtime/sweep/run-sweep.js';
import type { SweepReader, SweepRecord, SweepWriter } from '../../runtime/sweep/sweep-store.js';
import type { SweepTrialView } from '../../shared/protocol.js';
import { defineCommand, UserError } from '../command.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { projectDir } from '../project-dir.js';
import { parseFormat } from '../store-command.js';
import { renderTable } from '../table.js';
import { isPostgresUrl, sharedStoreUrl } from '../queue-store.js';

const help = `Usage: nnc sweep [project] [options]

Trains many variants of the project, as a Sweep document (kind: Sweep) lists
them, and ranks them by its metric. Every trial's plan is compiled first: a
bad path or value, or a combination that does not compile, is an error before
anything trains. Trials train on worker threads, each a run tagged with the
sweep and its values ('nnc runs --sweep <id>' lists them); with 'halving',
only the best trials train past each halving epoch. Ctrl-C, SIGTERM or SIGHUP
stops every trial after its current batch with its checkpoints; a second one
quits at once. The ranked table is stored with the sweep.

Arguments:
  project          project folder (default: the current folder)

Options:
  --name <sweep>   the Sweep to run when the project holds several
  --parallel <n>   trials trained at once (default: one per core, ${availableParallelism()} here)
  --dry-run        compile every trial and list them; train nothing
  --show <id>      print a stored sweep's ranked trials (its id, a unique
                   start of it, or its name for the newest of that name)
  --list           list the stored sweeps
  --backend <b>    TensorFlow.js backend: node, wasm or cpu (also NNC_BACKEND)
  --format <f>     text (default) or json
  --store <url>    a PostgreSQL store (postgres://…; default: NNC_STORE):
                   the sweep, its trials and their runs are stored there
                   (the trials train here, or with --queue on workers);
                   --show and --list read its sweeps
  --queue          with a PostgreSQL store: record the sweep there and
                   enqueue a job per trial for 'nnc worker' on any machine
                   (not for sweeps with 'halving'); prints the job ids, then
                   waits, showing the trials' progress, and prints the ranking
  --detach         with --queue: return once the trials are enqueued
  --retries <n>    with --queue: how often a job whose worker died is
                   retried (default 2)
  -h, --help       show this help

Exit code: 0 trained (or stopped) or shown, 1 errors in the project or the
Sweep, or no such sweep, 2 bad command line.`;

export default defineCommand({
  name: 'sweep',
  help,
  options: {
    name: { type: 'string' },
    parallel: { type: 'string' },
    'dry-run': { type: 'boolean' },
    show: { type: 'string' },
    list: { type: 'boolean' },
    backend: { type: 'string' },
    format: { type: 'string' },
    store: { type: 'string' },
    queue: { type: 'boolean' },
    detach: { type: 'boolean' },
    retries: { type: 'string' },
  },
  async run({ values, positionals }) {
    const format = parseFormat(values.format);
    if (positionals.length > 1) throw new UserError(`Expected one project folder, got ${positionals.length}.`);
    const dir = projectDir(positionals[0]);
    const storeUrl = (values.store as string | undefined) ?? process.env.NNC_STORE;
    if (storeUrl && !isPostgresUrl(storeUrl)) throw new UserError(`'--store' / NNC_STORE takes a PostgreSQL URL (postgres://…), not '${storeUrl}'.`);
    if (values.show !== undefined) return show(dir, String(values.show), format, storeUrl);
    if (values.list === true) return list(dir, format, storeUrl);
    if (values.queue !== true && (values.detach === true || values.retries !== undefined)) throw new UserError(`'--detach' and '--retries' apply to queued sweeps: add '--queue'.`);
    const parallel = values.parallel === undefined ? availableParallelism() : Number(values.parallel);
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) {
      throw new UserError(`'--parallel' takes a whole number from 1 to 64, not '${String(values.parallel)}'.`);
    }
    const json = format === 'json';
    const out = json ? process.stderr : process.stdout;
    const say = (line: string) => out.write(`${line}\n`);

    const compiled = compileSweep(dir, undefined, { ...(values.name !== undefined ? { name: String(values.name) } : {}) });
    printDiagnostics({ ...compiled.base, diagnostics: compiled.diagnostics }, { stream: out });
    if (hasErrors(compiled.diagnostics)) return 1;
    if (!compiled.sweep) {
      if (compiled.names.length === 0) throw new UserError(`The project holds no Sweep document. Add one (kind: Sweep, with 'parameters' and 'metric'); README.md has an example.`, 1);
      if (values.name !== undefined) {
        const close = suggest(String(values.name), compiled.names);
        throw new UserError(`The project holds no Sweep named '${String(values.name)}'.${close ? ` Did you mean '${close}'?` : ''} Its sweeps: ${compiled.names.map((n) => `'${n}'`).join(', ')}.`, 1);
      }
      throw new UserError(`The project holds ${compiled.names.length} Sweeps (${compiled.names.map((n) => `'${n}'`).join(', ')}). Pick one with '--name <sweep>'.`, 2);
    }
    const sweep = compiled.sweep;
    const width = Math.min(parallel, sweep.trials.length);
    if (values['dry-run'] === true) {
      if (json) process.stdout.write(`${JSON.stringify({ sweep: describeSweep(sweep), trials: sweep.trials.map((t) => ({ trial: t.index, params: t.values, planHash: t.plan.hash, epochs: t.plan.project.training.epochs })) }, null, 2)}\n`);
      else {
        say(`Sweep '${sweep.name}' (${sweep.file}): ${sweep.trials.length} trials (${sweep.method}) compile; ranked by ${sweep.metric} (${sweep.mode}).`);
        say(renderTable(['trial', ...sweep.parameters, 'plan', 'epochs'], sweep.trials.map((t) => [String(t.index), ...sweep.parameters.map((p) => shownValue(t.values[p])), t.plan.hash.slice(0, 8), String(t.plan.project.training.epochs)]), (_, c) => c));
      }
      return 0;
    }

    if (values.queue === true) {
      if (values.parallel !== undefined) throw new UserError(`'--parallel' sets how many trials train here at once; with '--queue' that is how many 'nnc worker' processes take them (each '--concurrency <n>').`);
      if (values.backend !== undefined) throw new UserError(`'--backend' picks the backend where trials train: give it to 'nnc worker' (or NNC_BACKEND there), not to 'nnc sweep --queue'.`);
      const { enqueueSweepJobs } = await import('../queue-commands.js');
      return enqueueSweepJobs({
        dir,
        url: sharedStoreUrl(values.store, 'nnc sweep --queue'),
        sweep,
        diagnostics: compiled.diagnostics,
        retries: values.retries,
        detach: values.detach === true,
        json,
        say,
        show: (id) => show(dir, id, format, storeUrl),
      });
    }
    const [{ openProjectStore }, { sweepWriterFor }, { runSweep }, { createWorkerDriver }, { loadResume }] = await Promise.all([
      import('../queue-commands.js'),
      import('../../runtime/sweep/sweep-store.js'),
      import('../../runtime/sweep/run-sweep.js'),
      import('../../runtime/watch/worker-driver.js'),
      import('../../runtime/session/run-session.js'),
    ]);
    // with a shared store the sweep, its trials and runs go there: the trial threads open
    // their own store from NNC_STORE, which each thread copies from this process when it starts
    if (storeUrl) process.env.NNC_STORE = storeUrl;
    const store = await openProjectStore(dir, storeUrl);
    let writer: SweepWriter;
    try {
      store.saveDiagnostics(compiled.diagnostics);
      writer = sweepWriterFor(store, dir);
    } catch (error) {
      store.close();
      throw error;
    }
    const where = storeUrl ? ` Stored in '${store.path}'; the trials train here.` : '';
    say(`Sweep '${sweep.name}': ${sweep.trials.length} trials (${sweep.method}${sweep.halving ? `, halving after epochs ${sweep.halving.epochs.join(', ')} keeping ${sweep.halving.keep}` : ''}), ${width} at a time, ranked by ${sweep.metric} (${sweep.mode}).${where}`);

    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 2));
      controller.abort();
      if (signal !== 'SIGHUP') say(`\n${signal === 'SIGINT' ? 'Stopping' : `${signal}: stopping`} every trial after its current batch (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once).`);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    const progress = await createSweepProgress(out, Boolean(out.isTTY) && !json, sweep);
    let outcome: SweepOutcome;
    try {
      outcome = await runSweep({
        projectDir: dir,
        sweep,
        parallel: width,
        ...(values.backend !== undefined ? { backend: String(values.backend) } : {}),
        signal: controller.signal,
        createDriver: createWorkerDriver,
        loadResume: (runId) => loadResume(store, runId),
        writer,
        onEvent: progress.event,
      });
    } finally {
      progress.stop();
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      writer.close();
      store.close();
    }
    const rows = outcome.ranked.map((s, i) => ({ rank: i + 1, trial: s.trial.index, status: s.status, params: s.trial.values, value: s.value, epochs: s.epochs, runId: s.runId, stoppedAt: s.stoppedAt, ...(s.error ? { error: s.error } : {}) }));
    if (json) process.stdout.write(`${JSON.stringify({ sweep: outcome.sweep, durationMs: outcome.durationMs, trials: rows }, null, 2)}\n`);
    else {
      say(`\nSweep ${outcome.sweep.id} '${sweep.name}' ${outcome.status} in ${(outcome.durationMs / 1000).toFixed(1)} s: ${sweep.trials.length} trials, ${width} at a time.`);
      say(rankedTable(sweep.parameters, sweep.metric, rows));
      const best = outcome.ranked[0];
      if (best?.value !== null && best?.runId) say(`Best: trial ${best.trial.index} (${best.trial.label}), run ${best.runId}. 'nnc runs --sweep ${outcome.sweep.id}${storeUrl ? ' --store …' : ''}' lists its runs; 'nnc runs --pin ${best.runId}${storeUrl ? ' --store …' : ''}' makes predict use it.`);
    }
    return rows.some((r) => r.status === 'failed') && !rows.some((r) => r.status === 'completed') ? 1 : 0;
  },
});

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function describeSweep(sweep: CompiledSweep) {
  return { name: sweep.name, file: sweep.file, method: sweep.method, parameters: sweep.parameters, metric: sweep.metric, mode: sweep.mode, seed: sweep.seed, halving: sweep.halving };
}

function shownValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return Math.abs(value) >= 1000 || (Math.abs(value) < 0.001 && value !== 0) ? value.toExponential(3) : value.toFixed(4);
}

function rankedTable(parameters: readonly string[], metric: string, rows: readonly SweepTrialView[]): string {
  const header = ['rank', 'trial', 'status', ...parameters, metric, 'epochs', 'run'];
  const cells = rows.map((r) => [
    String(r.rank),
    String(r.trial),
    r.status === 'pruned' && r.stoppedAt !== null ? `pruned@${r.stoppedAt}` : r.status,
    ...parameters.map((p) => shownValue(r.params[p])),
    formatValue(r.value),
    String(r.epochs),
    r.runId ?? '-',
  ]);
  return renderTable(header, cells, (_, c) => c);
}

interface SweepProgress {
  event(event: SweepEvent): void;
  stop(): void;
}

/** A bar per running trial on a terminal; one line per finished trial (and per halving) otherwise. */
async function createSweepProgress(out: NodeJS.WriteStream, tty: boolean, sweep: CompiledSweep): Promise<SweepProgress> {
  const label = (index: number) => sweep.trials.find((t) => t.index === index)?.label ?? '';
  const total = sweep.trials.length;
  const ended = (state: TrialState) => {
    const what = state.status === 'waiting' ? `reached epoch ${state.epochs}` : `${state.status} after ${state.epochs} epochs`;
    return `trial ${state.trial.index}/${total} ${what}: ${sweep.metric} ${formatValue(state.value)}${state.runId ? ` (run ${state.runId})` : ''}${state.error ? `: ${state.error}` : ''} [${state.trial.label}]`;
  };
  const rung = (e: Extract<SweepEvent, { type: 'rung' }>) => `halving after epoch ${e.epoch}: trial${e.kept.length === 1 ? '' : 's'} ${e.kept.join(', ')} continue${e.stopped.length ? `; ${e.stopped.join(', ')} stop` : ''}`;
  if (!tty) {
    return {
      event(e) {
        if (e.type === 'trial_ended') out.write(`${ended(e.state)}\n`);
        else if (e.type === 'rung') out.write(`${rung(e)}\n`);
        else if (e.type === 'warning') out.write(`warning: ${e.message}\n`);
      },
      stop() {},
    };
  }
  const { default: progress } = await import('cli-progress');
  const multi = new progress.MultiBar(
    { stream: out, format: 'trial {trial} |{bar}| epoch {value}/{total} | {metric} | {label}', hideCursor: true, clearOnComplete: false, autopadding: true },
    progress.Presets.shades_classic,
  );
  const bars = new Map<number, ReturnType<typeof multi.create>>();
  return {
    event(e) {
      if (e.type === 'trial_started') {
        const bar = multi.create(e.to, e.from, { trial: `${e.trial}/${total}`, metric: `${sweep.metric} -`, label: label(e.trial).slice(0, 60) });
        bars.set(e.trial, bar);
      } else if (e.type === 'trial_epoch') {
        bars.get(e.trial)?.update(e.epoch, { metric: `${sweep.metric} ${formatValue(e.value)}` });
      } else if (e.type === 'trial_ended') {
        const bar = bars.get(e.state.trial.index);
        if (bar) multi.remove(bar);
        bars.delete(e.state.trial.index);
        multi.log(`${ended(e.state)}\n`);
      } else if (e.type === 'rung') multi.log(`${rung(e)}\n`);
      else if (e.type === 'warning') multi.log(`warning: ${e.message}\n`);
    },
    stop: () => multi.stop(),
  };
}

/** Reads the sweeps of the project's SQLite store, or of its project in a PostgreSQL store. */
async function withSweeps<T>(dir: string, url: string | undefined, read: (reader: SweepReader) => T): Promise<T> {
  if (!url) {
    const { readSweeps } = await import('../../runtime/sweep/sweep-store.js');
    return readSweeps(dir, read);
  }
  const { openSharedStore } = await import('../../runtime/store/open-store.js');
  const store = openSharedStore(dir, url, { readonly: true });
  try {
    return read(store.sweeps.reader());
  } finally {
    store.close();
  }
}

/** nnc sweep --show <id> */
async function show(dir: string, id: string, format: 'text' | 'json', url?: string): Promise<number> {
  const { trialViews } = await import('../../runtime/sweep/sweep-views.js');
  const found = await withSweeps(dir, url, (reader) => {
    const sweep = reader.findSweep(id);
    return typeof sweep === 'string' ? sweep : { sweep, trials: reader.trials(sweep.id) };
  });
  if (typeof found === 'string') throw new UserError(found, 1);
  const rows = trialViews(found.sweep, found.trials);
  if (format === 'json') {
    console.log(JSON.stringify({ sweep: found.sweep, trials: rows }, null, 2));
    return 0;
  }
  const s = found.sweep;
  const seconds = typeof s.info.durationMs === 'number' ? ` in ${((s.info.durationMs as number) / 1000).toFixed(1)} s` : '';
  const width = s.parallel > 0 ? `${s.parallel} at a time` : 'on queued workers';
  console.log(`Sweep ${s.id} '${s.name}' ${s.status}${seconds}: ${rows.length} trials (${s.method}), ${width}, ranked by ${s.metric} (${s.mode}).`);
  console.log(rankedTable((s.info.parameters as string[] | undefined) ?? Object.keys(rows[0]?.params ?? {}), s.metric, rows));
  return 0;
}

/** nnc sweep --list */
async function list(dir: string, format: 'text' | 'json', url?: string): Promise<number> {
  const sweeps = await withSweeps(dir, url, (reader) => reader.listSweeps());
  if (format === 'json') {
    console.log(JSON.stringify(sweeps, null, 2));
    return 0;
  }
  if (sweeps.length === 0) {
    console.log(`No sweep is stored in '${dir}' yet. Run 'nnc sweep' to train one.`);
    return 0;
  }
  const best = (s: SweepRecord) => {
    const b = s.info.best as { trial: number; value: number } | null | undefined;
    return b ? `trial ${b.trial}: ${formatValue(b.value)}` : '-';
  };
  console.log(renderTable(['id', 'name', 'status', 'started', 'trials', 'metric', 'best'], sweeps.map((s) => [s.id, s.name, s.status, new Date(s.createdAt).toISOString().replace('T', ' ').slice(0, 19), String(s.info.trials ?? '-'), `${s.metric} (${s.mode})`, best(s)]), (_, c) => c));
  return 0;
}
