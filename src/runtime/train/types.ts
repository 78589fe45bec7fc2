// What the training loop takes and reports. Metric names follow the store:
// "loss", "val_loss", "<head>.loss", "<head>.val_accuracy", "lr", "grad_norm".
import type { Plan } from '../../compiler/plan.js';
import type { LogEntry, Snapshot } from '../store/types.js';
import type { LayersModel, Tf } from '../emit/tf.js';
import type { Baseline } from './baselines.js';
import type { PreparedData } from './examples.js';
import type { Scaling } from './scaling.js';

export interface TrainStats {
  readonly step: number;
  /** 1-based */
  readonly epoch: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** mean training loss per head since the previous stats */
  readonly losses: Readonly<Record<string, number>>;
  /** e.g. "sentiment.accuracy" since the previous stats */
  readonly metrics: Readonly<Record<string, number>>;
  readonly lr: number;
  /** mean global gradient norm (before clipping) since the previous stats */
  readonly gradNorm: number;
  /** steps whose gradient was clipped, since the start */
  readonly clipped: number;
  readonly samplesPerSecond: number;
  readonly elapsedMs: number;
  readonly memory: { readonly numTensors: number; readonly numBytes: number };
}

export interface EpochSummary {
  /** 1-based */
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  /** training and validation metrics of this epoch, plus lr and grad_norm */
  readonly metrics: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly samplesPerSecond: number;
  /** the monitored metric improved on its best so far */
  readonly improved: boolean;
}

export interface TrainEvents {
  onStats?(stats: TrainStats): void;
  onLog?(entry: LogEntry): void;
  onSnapshot?(snapshot: Snapshot): void;
  onEpoch?(summary: EpochSummary): void | Promise<void>;
  /** save the model now: at the end of every epoch and when a stop request ends the run */
  onCheckpoint?(epoch: number): Promise<void>;
}

export interface TrainOptions {
  readonly tf: Tf;
  readonly plan: Plan;
  readonly model: LayersModel;
  /** overrides plan.project.training.epochs */
  readonly epochs?: number;
  readonly signal?: AbortSignal;
  readonly events?: TrainEvents;
  /** batches between stats events (and the host reads they need); default 10 */
  readonly statsEvery?: number;
  /** precomputed by prepareData(plan); computed when absent */
  readonly data?: PreparedData;
}

export interface TrainResult {
  /** stopped: a stop request ended the run */
  readonly status: 'completed' | 'stopped';
  readonly stoppedEarly: boolean;
  readonly epochs: number;
  readonly steps: number;
  /** best value of every validation metric (and loss), e.g. {"val_loss": 0.3, "sentiment.val_accuracy": 0.9} */
  readonly best: Readonly<Record<string, number>>;
  /** metrics of the last epoch */
  readonly final: Readonly<Record<string, number>>;
  readonly baselines: readonly Baseline[];
  readonly clippedSteps: number;
  readonly samplesPerSecond: number;
  readonly durationMs: number;
  readonly scaling: Scaling;
}

/** Saved in model.json's userDefinedMetadata under "nnc". */
export interface ModelMetadata {
  readonly scaling: Scaling;
}
