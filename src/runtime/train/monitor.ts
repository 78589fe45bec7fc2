// Best values per metric, the best epoch by the checkpoint's metric, and early
// stopping on its own metric. The compiler checked both names against the
// metrics runs report (compiler/check-monitor.ts); a name can still go
// unreported when a head has no validation samples: that is said once, with
// the metric used instead.
import { inferredMode, reportedMetrics } from '../../compiler/check-monitor.js';
import type { MetricMode, PlanHead, PlanTraining } from '../../compiler/plan.js';
import type { LogLevel } from '../store/types.js';

const UNTRACKED = new Set(['lr', 'grad_norm']);

export function maximized(metric: string): boolean {
  return inferredMode(metric) === 'max';
}

/** What a resumed run carries over (saved beside the last checkpoint). */
export interface MonitorState {
  readonly best: Readonly<Record<string, number>>;
  /** the epoch whose weights the best checkpoint holds, or null before the first */
  readonly bestEpoch: number | null;
  /** the checkpoint metric's value at bestEpoch */
  readonly bestValue: number | null;
  readonly earlyBest: number | null;
  /** epochs since early stopping's metric last improved */
  readonly waited: number;
}

export interface Monitor {
  /** the metric that picks the best checkpoint */
  readonly name: string;
  readonly mode: MetricMode;
  /** the metric early stopping watches, or null without early stopping */
  readonly earlyName: string | null;
  update(metrics: Readonly<Record<string, number>>, epoch: number): { improved: boolean; stop: boolean };
  state(): MonitorState;
}

export interface MonitorOptions {
  readonly training: PlanTraining;
  /** the heads that train, and whether each has validation samples */
  readonly heads: readonly { readonly head: PlanHead; readonly validated: boolean }[];
  readonly log: (level: LogLevel, message: string) => void;
  readonly resume?: MonitorState;
}

export function createMonitor({ training, heads, log, resume }: MonitorOptions): Monitor {
  const reported = new Set(reportedNow(heads));
  // plans stored before checkpoint monitors existed
  const checkpoint = training.checkpoint ?? { monitor: training.earlyStopping?.monitor ?? 'val_loss', mode: undefined };
  const name = available(checkpoint.monitor, 'the best checkpoint', reported, heads, log);
  const mode = name === checkpoint.monitor ? checkpoint.mode ?? inferredMode(name) : inferredMode(name);
  const early = training.earlyStopping;
  const earlyName = early ? available(early.monitor, 'early stopping', reported, heads, log) : null;
  const earlyMode = early && earlyName === early.monitor ? early.mode ?? inferredMode(earlyName) : inferredMode(earlyName ?? 'loss');

  const best: Record<string, number> = { ...resume?.best };
  let bestEpoch = resume?.bestEpoch ?? null;
  let bestValue = resume?.bestValue ?? null;
  let earlyBest = resume?.earlyBest ?? null;
  let waited = resume?.waited ?? 0;
  const better = (value: number, previous: number | null, m: MetricMode) => previous === null || (m === 'max' ? value > previous : value < previous);

  return {
    name,
    mode,
    earlyName,
    update(metrics, epoch) {
      for (const [metric, value] of Object.entries(metrics)) {
        if (UNTRACKED.has(metric) || !Number.isFinite(value)) continue;
        if (better(value, best[metric] ?? null, inferredMode(metric))) best[metric] = value;
      }
      const value = metrics[name];
      const improved = value !== undefined && Number.isFinite(value) && better(value, bestValue, mode);
      if (improved) {
        bestValue = value;
        bestEpoch = epoch;
      }
      let stop = false;
      if (early && earlyName) {
        const watched = metrics[earlyName];
        if (watched !== undefined && Number.isFinite(watched) && better(watched, earlyBest, earlyMode)) {
          earlyBest = watched;
          waited = 0;
        } else waited++;
        stop = waited >= early.patience;
      }
      return { improved, stop };
    },
    state: () => ({ best: { ...best }, bestEpoch, bestValue, earlyBest, waited }),
  };
}

function reportedNow(heads: MonitorOptions['heads']): string[] {
  const validated = heads.every((h) => h.validated);
  const names = new Set(reportedMetrics(heads.map((h) => h.head), validated).filter((n) => !n.includes('.val_')));
  for (const h of heads) if (h.validated) for (const n of reportedMetrics([h.head], true)) if (n.includes('.val_')) names.add(n);
  return [...names];
}

/** The metric itself when this run reports it, else the training metric it stands for (said in a warning). */
function available(
  metric: string,
  purpose: string,
  reported: ReadonlySet<string>,
  heads: MonitorOptions['heads'],
  log: MonitorOptions['log'],
): string {
  if (reported.has(metric)) return metric;
  const training = metric.replace('val_', '');
  const instead = reported.has(training) ? training : 'loss';
  const unvalidated = heads.filter((h) => !h.validated).map((h) => `'${h.head.name}'`);
  const why = unvalidated.length > 0
    ? `${unvalidated.length === 1 ? 'head' : 'heads'} ${unvalidated.join(', ')} ${unvalidated.length === 1 ? 'has' : 'have'} no validation samples (too few samples for 'validationSplit')`
    : `this run does not train head '${metric.split('.')[0]}'`;
  log('warning', `'${metric}' is not reported because ${why}: ${purpose} follows '${instead}' instead. Add samples or raise 'validationSplit'.`);
  return instead;
}
