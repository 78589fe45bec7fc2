// Best values per metric and early stopping on the monitored one.
// Accuracies are maximized, everything else (losses, mae, perplexity) minimized.
import type { PlanTraining } from '../../compiler/plan.js';
import type { LogLevel } from '../store/types.js';

const UNTRACKED = new Set(['lr', 'grad_norm']);

export function maximized(metric: string): boolean {
  return metric.endsWith('accuracy');
}

export interface Monitor {
  /** the metric early stopping watches (val_loss when none is configured) */
  readonly name: string;
  readonly best: Readonly<Record<string, number>>;
  update(metrics: Readonly<Record<string, number>>): { improved: boolean; stop: boolean };
}

export function createMonitor(
  earlyStopping: PlanTraining['earlyStopping'],
  log: (level: LogLevel, message: string) => void,
): Monitor {
  const best: Record<string, number> = {};
  let name = earlyStopping?.monitor ?? 'val_loss';
  let waited = 0;
  let warned = false;
  return {
    get name() {
      return name;
    },
    best,
    update(metrics) {
      if (!(name in metrics) && !warned) {
        const fallback = name.startsWith('val_') && name.slice(4) in metrics ? name.slice(4) : 'loss';
        if (earlyStopping) log('warning', `Metric '${name}' is not reported (no validation samples?); monitoring '${fallback}' instead.`);
        name = fallback;
        warned = true;
      }
      let improved = false;
      for (const [metric, value] of Object.entries(metrics)) {
        if (UNTRACKED.has(metric) || !Number.isFinite(value)) continue;
        const previous = best[metric];
        const better = previous === undefined || (maximized(metric) ? value > previous : value < previous);
        if (better) best[metric] = value;
        if (metric === name) improved = better;
      }
      waited = improved ? 0 : waited + 1;
      return { improved, stop: earlyStopping !== null && waited >= earlyStopping.patience };
    },
  };
}
