// Stored metric rows of one run and step, back into the training_stats messages
// `nnc watch` sends for them: a batch window (kind 'batch': losses, metrics, and
// the learning rate, gradient norm and resource figures a run stores as named
// rows) and an epoch's end (kind 'epoch': the rows the session stores at an
// epoch's end, its validation metrics and total loss), which the viewer's
// channel keeps in order instead of coalescing. Used by both followers of
// another process's runs: store-follower.ts (a folder's SQLite file) and
// shared-store-follower.ts (`nnc view --store`).
import type { TrainingStatsView } from '../../shared/protocol.js';

export interface StoredMetricRow {
  readonly run_id: string;
  readonly step: number;
  readonly epoch: number;
  readonly name: string;
  readonly value: number | null;
}

/** What the last stats of a run said, to fill a message whose rows arrived in another flush. */
export interface RunFill {
  lr: number;
  gradNorm: number;
  samplesPerSecond: number;
  numTensors: number;
  memoryBytes: number;
}

export const EMPTY_FILL: RunFill = { lr: 0, gradNorm: 0, samplesPerSecond: 0, numTensors: 0, memoryBytes: 0 };

/** What the session stores at an epoch's end (run-session.ts onEpoch): validation metrics and the total loss. */
export function isEpochRow(name: string): boolean {
  return name.includes('val_') || name === 'loss';
}

/**
 * The messages for rows of one run and step: the batch window's, then the
 * epoch's end (kind 'epoch') when the rows hold one; `fill` is updated with
 * what they say.
 */
export function statsMessagesFromRows(rows: readonly StoredMetricRow[], fill: RunFill, epochs: number): TrainingStatsView[] {
  const batch = rows.filter((r) => !isEpochRow(r.name));
  const epoch = rows.filter((r) => isEpochRow(r.name));
  const out: TrainingStatsView[] = [];
  if (batch.length > 0) out.push(statsFromRows(batch, fill, epochs));
  if (epoch.length > 0) out.push({ ...statsFromRows(epoch, fill, epochs), kind: 'epoch' });
  return out;
}

/** The message for rows of one run and step (not empty); `fill` is updated with what they say. */
export function statsFromRows(rows: readonly StoredMetricRow[], fill: RunFill, epochs: number): TrainingStatsView {
  const { run_id: runId, step, epoch } = rows[0]!;
  const losses: Record<string, number> = {};
  const metrics: Record<string, number> = {};
  const system: { cpuPercent?: number; rssBytes?: number; heapUsedBytes?: number } = {};
  let epochEnd = false;
  for (const r of rows) {
    const value = r.value ?? Number.NaN;
    switch (r.name) {
      case 'lr': fill.lr = value; break;
      case 'grad_norm': fill.gradNorm = value; break;
      case 'sys.samples_per_second': fill.samplesPerSecond = value; break;
      case 'sys.tensors': fill.numTensors = value; break;
      case 'sys.tensor_bytes': fill.memoryBytes = value; break;
      case 'sys.cpu_percent': system.cpuPercent = value; break;
      case 'sys.rss': system.rssBytes = value; break;
      case 'sys.heap_used': system.heapUsedBytes = value; break;
      default:
        if (isEpochRow(r.name)) epochEnd = true;
        // "<head>.loss" of a batch window; "loss" and "<head>.val_loss" are metrics, as in epoch stats
        if (r.name.endsWith('.loss') && !r.name.includes('val_')) losses[r.name.slice(0, -'.loss'.length)] = value;
        else metrics[r.name] = value;
    }
  }
  return {
    runId,
    step,
    epoch,
    losses,
    metrics,
    learningRate: fill.lr,
    gradNorm: fill.gradNorm,
    samplesPerSecond: fill.samplesPerSecond,
    progress: epochs > 0 ? Math.min(1, (epoch - (epochEnd ? 0 : 1)) / epochs) : 0,
    numTensors: fill.numTensors,
    memoryBytes: fill.memoryBytes,
    ...system,
    // a batch window, even when it carries the epoch's validation too: the viewer draws both from one message
    kind: 'batch',
  };
}
