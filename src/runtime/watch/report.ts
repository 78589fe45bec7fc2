// What `nnc watch` prints: diagnostics on each compile, the backend, one line
// per run start and end, one line per epoch. Lines are prefixed with the
// project's name when several projects are watched.
import pc from 'picocolors';
import type { CompileResult } from '../../compiler/index.js';
import { formatDiagnostics, summarize } from '../../compiler/format.js';
import type { RunRecord } from '../store/types.js';
import type { EpochSummary } from '../train/types.js';
import type { WarmStartView } from '../../shared/protocol.js';
import type { WatchReporter } from './project.js';
import type { CompileOutcome } from './restart.js';

export interface ReporterOptions {
  readonly out?: NodeJS.WriteStream;
  /** prefix lines with the project name */
  readonly prefix?: boolean;
  readonly cwd?: string;
}

const short = (id: string) => id;

export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 || (Math.abs(value) < 0.001 && value !== 0) ? value.toExponential(2) : value.toFixed(4);
}

/** `epoch 3/20  loss 0.4120  val_loss 0.4561  sentiment.val_accuracy 0.8125  (1.2 s, 830 samples/s)` */
export function epochLine(summary: EpochSummary): string {
  const keys = Object.keys(summary.metrics).filter((k) => k === 'loss' || k === 'val_loss' || /\.val_(accuracy|perplexity|mae)$/.test(k));
  const metrics = keys.map((k) => `${k} ${formatMetric(summary.metrics[k]!)}`).join('  ');
  const seconds = (summary.durationMs / 1000).toFixed(1);
  return `epoch ${summary.epoch}/${summary.epochs}  ${metrics}  (${seconds} s, ${Math.round(summary.samplesPerSecond)} samples/s)${summary.improved ? ' *' : ''}`;
}

export function createReporter(options: ReporterOptions = {}): WatchReporter {
  const out = options.out ?? process.stdout;
  const color = pc.createColors(Boolean(out.isTTY) && !process.env.NO_COLOR);
  const cwd = options.cwd ?? process.cwd();
  const say = (project: string, text: string) => out.write(`${options.prefix ? `${color.dim(`[${project}]`)} ` : ''}${text}\n`);

  return {
    compiled(project: string, result: CompileResult, outcome: CompileOutcome, ms: number) {
      if (result.diagnostics.length > 0) {
        const sources = out.isTTY ? new Map(result.files.map((f) => [f.path, f.text])) : undefined;
        out.write(formatDiagnostics(result.diagnostics, { cwd, sources, color: Boolean(out.isTTY) }) + '\n');
      }
      const time = color.dim(`(${Math.round(ms)} ms)`);
      if (outcome === 'errors') say(project, `${color.red('✗')} ${summarize(result.diagnostics)}; the current run continues ${time}`);
      else if (outcome === 'unchanged') say(project, `${color.dim('=')} the plan did not change; nothing restarts ${time}`);
      else {
        const plan = result.plan!;
        const what = `${plan.layers.length} layers, ${plan.heads.length} head${plan.heads.length === 1 ? '' : 's'}, ${plan.totals.params.toLocaleString('en-US')} parameters`;
        say(project, `${color.green('✓')} compiled ${color.dim(plan.hash.slice(0, 8))}: ${what}${result.diagnostics.length ? `; ${summarize(result.diagnostics)}` : ''} ${time}`);
      }
    },
    backend(project: string, backend: string) {
      say(project, `training on the TensorFlow.js '${backend}' backend`);
    },
    runStarted(project: string, run: RunRecord, warm: WarmStartView | null) {
      if (!warm) {
        say(project, `run ${color.bold(short(run.id))} started (cold start)`);
        return;
      }
      const reused = warm.reused.length ? warm.reused.join(', ') : 'none';
      const fresh = warm.fresh.length ? warm.fresh.join(', ') : 'none';
      say(project, `run ${color.bold(short(run.id))} started from ${short(warm.parentId)}: reused ${reused}; fresh ${fresh}`);
    },
    epoch(project: string, _runId: string, summary: EpochSummary) {
      say(project, epochLine(summary));
    },
    runEnded(project: string, run: RunRecord) {
      const status = run.status === 'completed' ? color.green(run.status) : run.status === 'failed' ? color.red(run.status) : color.dim(run.status);
      const best = Object.entries(run.best)
        .filter(([k]) => k === 'val_loss' || k.endsWith('.val_accuracy'))
        .map(([k, v]) => `${k} ${formatMetric(v)}`)
        .join(', ');
      const error = typeof run.info.error === 'string' ? `: ${run.info.error}` : '';
      say(project, `run ${short(run.id)} ${status}${best ? ` (best ${best})` : ''}${error}`);
    },
    error(project: string, message: string) {
      say(project, `${color.red('error')} ${message}`);
    },
  };
}
