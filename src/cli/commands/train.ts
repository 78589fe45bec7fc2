// nnc train [project]: compile, train once (the same run session as nnc watch),
// store the run and its checkpoint, print a summary against baselines.
import { relative } from 'node:path';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import type { RunRecord, RunStore } from '../../runtime/store/types.js';
import type { Baseline, EpochSummary, TrainStats } from '../../runtime/train/index.js';
import type { SessionEvent } from '../../runtime/session/types.js';
import { epochLine, formatMetric } from '../../runtime/watch/report.js';
import { resolveRunId } from '../../runtime/store/run-id.js';
import { defineCommand, UserError } from '../command.js';
import { projectDir } from '../project-dir.js';
import { parseSetOption, printWithSetArguments, SET_OPTION, setHelp } from '../set-option.js';
import { sharedStoreUrl } from '../queue-store.js';

const help = `Usage: nnc train [project] [options]

Compiles the project, trains it once and stores the run in <project>/.nnc/:
metrics, logs, weight snapshots, and two checkpoints: the best epoch by
training.checkpoint.monitor (default val_loss) in .nnc/runs/<id>/, the run's
model, and the last epoch with the optimizer's state in .nnc/runs/<id>/last/.
Ctrl-C, SIGTERM or SIGHUP stops after the current batch and keeps both
checkpoints (status 'stopped'); a second one quits at once.

Arguments:
  project          project folder (default: the current folder)

Options:
  --epochs <n>     train for n epochs instead of the plan's training.epochs
                   (with --resume: up to n epochs in all)
${setHelp(19)}
  --resume <run>   continue a stopped, interrupted or finished run from its
                   last checkpoint, with its optimizer state and epoch count,
                   as a new run whose parent is that run; the project must
                   still compile to the same plan
  --backend <b>    TensorFlow.js backend: node, wasm or cpu (default: the
                   first that starts; also NNC_BACKEND)
  --format <f>     text (default) or json: the finished run as JSON on stdout
  --metrics-out <file>
                   write the run's metrics per head at its best epoch
                   (validation) as a small stable JSON, to commit beside the
                   project ('nnc diff' compares two revisions' files)
  --store <url>    store the run in this PostgreSQL store (postgres://…;
                   default: NNC_STORE, else <project>/.nnc/)
  --artifacts <dir>
                   with --store: checkpoint files in this folder instead of
                   the store (also NNC_ARTIFACTS)
  --queue          with a PostgreSQL store: train nothing here; enqueue the
                   run as a job (its plan, and its datasets' samples stored
                   once per content hash) for 'nnc worker' on any machine,
                   print the job id and return
  --retries <n>    with --queue: how often a job whose worker died is
                   retried (default 2)
  -h, --help       show this help

Exit code: 0 trained (or stopped), 1 errors in the project or a failed run,
2 bad command line.`;

export default defineCommand({
  name: 'train',
  help,
  options: { epochs: { type: 'string' }, resume: { type: 'string' }, backend: { type: 'string' }, format: { type: 'string', default: 'text' }, 'metrics-out': { type: 'string' }, store: { type: 'string' }, queue: { type: 'boolean' }, retries: { type: 'string' }, ...SET_OPTION },
  async run({ values, positionals }) {
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`'--format' is 'text' or 'json', not '${format}'.`);
    if (positionals.length > 1) throw new UserError(`Expected one project folder, got ${positionals.length}.`);
    const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
    if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 1)) {
      throw new UserError(`'--epochs' takes a whole number of 1 or more, not '${String(values.epochs)}'.`);
    }
    const json = format === 'json';
    const out = json ? process.stderr : process.stdout;
    const say = (line: string) => out.write(`${line}\n`);

    const dir = projectDir(positionals[0]);
    const set = parseSetOption(values.set);
    if (set.diagnostics.length) {
      printWithSetArguments({ diagnostics: set.diagnostics, files: [] }, set, { stream: out });
      return 2;
    }
    const compiled = compile(dir, undefined, { overrides: set.overrides });
    printWithSetArguments(compiled, set, { stream: out });
    if (!compiled.plan) return 1;
    const plan = compiled.plan;
    if (plan.overrides) say(`Overrides: ${plan.overrides.join(', ')} (plan ${plan.hash.slice(0, 8)}).`);
    const storeUrl = (values.store as string | undefined) ?? process.env.NNC_STORE;
    if (values.queue === true) {
      if (values.resume !== undefined) throw new UserError(`'--resume' trains here; with '--queue' a retried job continues its own run. Drop one of them.`);
      // what only applies where the run trains is refused, not dropped
      if (values.backend !== undefined) throw new UserError(`'--backend' picks the backend where the run trains: give it to 'nnc worker' (or NNC_BACKEND there), not to 'nnc train --queue'.`);
      if (values['metrics-out'] !== undefined) throw new UserError(`'--metrics-out' writes the run's metrics when it ends here; with '--queue' it ends on a worker. Once it has, 'nnc runs --store …' shows it.`);
      const { enqueueTrainJob } = await import('../queue-commands.js');
      return enqueueTrainJob({ dir, url: sharedStoreUrl(values.store, 'nnc train --queue'), compiled: { plan, data: compiled.data, diagnostics: compiled.diagnostics }, epochs, retries: values.retries, json, say });
    }
    if (values.retries !== undefined) throw new UserError(`'--retries' applies to queued jobs: add '--queue'.`);

    const { loadTf } = await import('../../runtime/backend/index.js');
    let loaded;
    try {
      loaded = await loadTf(values.backend as string | undefined);
    } catch (error) {
      throw new UserError((error as Error).message, values.backend === undefined ? 1 : 2);
    }
    say(`Training '${plan.project.name}' on the TensorFlow.js '${loaded.backend}' backend.`);

    const { openProjectStore } = await import('../queue-commands.js');
    const { createSessionContext, loadResume, releaseSession, runSession } = await import('../../runtime/session/run-session.js');
    const store = await openProjectStore(dir, storeUrl);
    store.saveDiagnostics(compiled.diagnostics);
    let resume: Exclude<Awaited<ReturnType<typeof loadResume>>, string> | undefined;
    if (values.resume !== undefined) {
      try {
        resume = await resumable(store, plan, String(values.resume), epochs, loadResume);
      } catch (error) {
        store.close();
        throw error;
      }
      say(`Resuming run ${resume.runId} after epoch ${resume.state.epoch}${resume.state.batchesDone ? ` (and ${resume.state.batchesDone} batches of epoch ${resume.state.epoch + 1})` : ''}.`);
    }
    // Ctrl-C, SIGTERM (docker stop, CI, systemd) and SIGHUP (a closed terminal) all stop
    // after the current batch with both checkpoints; a second signal quits at once.
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 2));
      controller.abort();
      if (signal === 'SIGHUP') return; // the terminal is gone
      say(`\n${signal === 'SIGINT' ? 'Stopping' : `${signal}: stopping`} after the current batch (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once).`);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    const progress = await createProgress(out, Boolean(out.isTTY) && !json);
    let ended: RunRecord | null = null;
    const ctx = createSessionContext({ tf: loaded.tf, backend: loaded.backend, store, projectDir: dir });
    try {
      await runSession(ctx, { plan, data: compiled.data, parentId: resume?.runId ?? null, source: 'train', ...(epochs ? { epochs } : {}), ...(resume ? { resume } : {}) }, {
        signal: controller.signal,
        stopStatus: () => 'stopped',
        post: (event: SessionEvent) => {
          if (event.type === 'stats') progress.stats(event.stats);
          else if (event.type === 'epoch') progress.epoch(event.summary);
          else if (event.type === 'log' && event.log.level === 'warning') progress.line(`warning: ${event.log.message}`);
          else if (event.type === 'run_ended') ended = event.run;
        },
      });
    } finally {
      progress.stop();
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      releaseSession(ctx);
    }
    const run = ended as RunRecord | null;
    if (!run) {
      store.close();
      if (controller.signal.aborted) {
        say('Stopped before training started; no run was stored.');
        return 0;
      }
      throw new Error('The training session ended without a run record.');
    }
    const baselines = (run.info.baselines ?? []) as Baseline[];
    const checkpoint = relative(process.cwd(), store.runDir(run.id)) || '.';
    if (json) process.stdout.write(`${JSON.stringify({ run, baselines, checkpoint })}\n`);
    else say(summary(run, plan, baselines, checkpoint, store));
    const metricsOut = values['metrics-out'] as string | undefined;
    if (metricsOut !== undefined && run.status !== 'failed') {
      const { trainMetricsFile, writeMetricsFile } = await import('../../runtime/metrics/metrics-file.js');
      const file = trainMetricsFile(run, plan.project.name, plan.heads.map((h) => h.name), store.metrics(run.id));
      if (file) writeMetricsFile(metricsOut, file);
      process.stderr.write(file ? `Wrote the metrics of epoch ${file.epoch} to '${metricsOut}'.\n` : `No epoch finished, so no metrics were written to '${metricsOut}'.\n`);
    }
    store.close();
    return run.status === 'failed' ? 1 : 0;
  },
});

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The run to resume and its saved state, after checking it can continue with this plan. */
async function resumable(
  store: RunStore,
  plan: Plan,
  id: string,
  epochs: number | undefined,
  loadResume: typeof import('../../runtime/session/run-session.js').loadResume,
): Promise<Exclude<Awaited<ReturnType<typeof loadResume>>, string>> {
  const run = resolveRunId(store, id);
  if (typeof run === 'string') throw new UserError(run, 1);
  id = run.id; // a unique start of the id names the run too
  if (run.status === 'running') throw new UserError(`Run '${id}' is still running. Stop it first (Ctrl-C or SIGTERM), then resume it.`, 1);
  if (run.planHash !== plan.hash) {
    throw new UserError(`Run '${id}' trained plan ${run.planHash.slice(0, 8)}, but the project now compiles to plan ${plan.hash.slice(0, 8)}: a resumed run continues the same plan. Restore the files it trained on, or start a new run with 'nnc train'.`, 1);
  }
  const resume = await loadResume(store, id);
  if (typeof resume === 'string') throw new UserError(resume, 1);
  const target = epochs ?? plan.project.training.epochs;
  if (resume.state.epoch >= target) {
    throw new UserError(`Run '${id}' has already trained ${resume.state.epoch} epochs, and this run would stop at ${target}. Give '--epochs <n>' with n above ${resume.state.epoch} to train further.`, 1);
  }
  return resume;
}

interface Progress {
  stats(stats: TrainStats): void;
  epoch(summary: EpochSummary): void;
  line(text: string): void;
  stop(): void;
}

/** A progress bar on a terminal; one line per epoch otherwise. */
async function createProgress(out: NodeJS.WriteStream, tty: boolean): Promise<Progress> {
  if (!tty) {
    return { stats() {}, epoch: (summary) => void out.write(`${epochLine(summary)}\n`), line: (text) => void out.write(`${text}\n`), stop() {} };
  }
  const { default: progress } = await import('cli-progress');
  const multi = new progress.MultiBar(
    {
      stream: out,
      format: 'epoch {epoch} |{bar}| step {value}/{total} | {losses} | {speed} samples/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    progress.Presets.shades_classic,
  );
  let bar: ReturnType<typeof multi.create> | null = null;
  return {
    stats(stats) {
      const losses = Object.entries(stats.losses).map(([head, value]) => `${head} ${value.toFixed(4)}`).join(' ') || '-';
      const payload = { epoch: `${stats.epoch}/${stats.epochs}`, losses, speed: Math.round(stats.samplesPerSecond) };
      bar ??= multi.create(stats.stepsPerEpoch * stats.epochs, 0, payload);
      bar.update(stats.step, payload);
    },
    epoch: (summary) => multi.log(`${epochLine(summary)}\n`),
    line: (text) => multi.log(`${text}\n`),
    stop: () => multi.stop(),
  };
}

function summary(run: RunRecord, plan: Plan, baselines: readonly Baseline[], checkpoint: string, store: RunStore): string {
  const seconds = (((run.endedAt ?? Date.now()) - run.startedAt) / 1000).toFixed(1);
  const info = run.info as { epochs?: number; steps?: number; samplesPerSecond?: number; error?: string; stoppedEarly?: boolean };
  const lines = [`\nRun ${run.id} ${run.status}${run.status === 'failed' ? `: ${info.error ?? 'unknown error'}` : ''} in ${seconds} s` +
    (info.steps !== undefined ? ` (${info.epochs} epochs, ${info.steps} steps, ${Math.round(info.samplesPerSecond ?? 0)} samples/s${info.stoppedEarly ? ', stopped early' : ''})` : '') + '.'];
  const rows: string[][] = [];
  for (const head of plan.heads) {
    const base = baselines.find((b) => b.head === head.name);
    const validated = Object.keys(run.best).some((name) => name.startsWith(`${head.name}.val_`));
    for (const name of ['accuracy', 'f1', 'mae', 'token_accuracy', 'perplexity', 'loss']) {
      // without validation samples, the best training metrics
      const metric = validated ? `val_${name}` : name;
      const best = run.best[`${head.name}.${metric}`];
      if (best === undefined) continue;
      const reference = base?.metrics[metric];
      rows.push([head.name, metric, formatMetric(best), reference === undefined ? '' : `${formatMetric(reference)} (${base!.description})`]);
    }
  }
  if (rows.length > 0) {
    const table = [['head', 'metric', 'best', 'baseline'], ...rows];
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    lines.push(...table.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd()));
  }
  if (run.status !== 'failed') {
    const best = run.info as { bestEpoch?: number | null; checkpoint?: { monitor: string; value: number | null } };
    const which = best.bestEpoch != null && best.checkpoint
      ? `the best epoch (${best.bestEpoch}, ${best.checkpoint.monitor} ${formatMetric(best.checkpoint.value ?? Number.NaN)}) in ${checkpoint}/`
      : `no best epoch (none finished) in ${checkpoint}/`;
    const where = /^postgres(ql)?:/i.test(store.path) ? store.path : relative(process.cwd(), store.path);
    lines.push(`Saved ${which}, the last epoch with the optimizer's state in ${checkpoint}/last/; the store is ${where}.`);
  }
  return lines.join('\n');
}
