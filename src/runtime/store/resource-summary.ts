// A run's resource figures for `nnc runs`: its peak resident set size and its
// mean throughput, from the sys.* series stored at every stats tick
// (train/resources.ts); a run stored before them gives its info's
// samplesPerSecond, if any, and no peak.
import type { RunRecord, RunStore } from './types.js';

export interface RunResources {
  /** the highest sys.rss of the run, null when it stored none */
  readonly peakRssBytes: number | null;
  /** the mean of sys.samples_per_second (else the run's overall figure), null when unknown */
  readonly meanSamplesPerSecond: number | null;
}

export function runResources(store: RunStore, run: RunRecord): RunResources {
  let peak: number | null = null;
  let sum = 0;
  let n = 0;
  for (const p of store.metrics(run.id, ['sys.rss', 'sys.samples_per_second'])) {
    if (!Number.isFinite(p.value)) continue;
    if (p.name === 'sys.rss') peak = Math.max(peak ?? 0, p.value);
    else {
      sum += p.value;
      n++;
    }
  }
  const overall = run.info.samplesPerSecond;
  return { peakRssBytes: peak, meanSamplesPerSecond: n > 0 ? sum / n : typeof overall === 'number' ? overall : null };
}
