// What the training loop takes and reports. Metric names follow the store:
// "loss", "val_loss", "<head>.loss", "<head>.val_accuracy", "lr", "grad_norm".
import type { Plan } from '../../compiler/plan.js';
import type { LogEntry, Snapshot } from '../store/types.js';
import type { LayersModel, Tf } from '../emit/tf.js';
import type { MonitorState } from './monitor.js';
import type { ResourceUsage } from './resources.js';

type WeightsManifestEntry = Parameters<Tf['io']['decodeWeights']>[1][number];
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
  /** the process's CPU and memory at this tick (resources.ts) */
  readonly resources?: ResourceUsage;
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
  /** the best checkpoint's metric improved on its best so far: this epoch is the new best */
  readonly improved: boolean;
}

/** A moment to save the model: after every epoch, and when a stop request ends the run. */
export interface CheckpointEvent {
  /** 1-based number of the epoch under way (the last one finished unless batchesDone > 0) */
  readonly epoch: number;
  readonly step: number;
  /** batches of `epoch` already trained when a stop request ended it mid-way; 0 at an epoch's end */
  readonly batchesDone: number;
  /** this epoch is the best so far by the checkpoint's metric: save it as the run's model */
  readonly best: boolean;
  /** the checkpoint's metric and its value at this epoch (null when not reported) */
  readonly monitor: { readonly name: string; readonly mode: 'min' | 'max'; readonly value: number | null };
  /** everything a resumed run needs besides the weights (reads the optimizer's slots) */
  state(): Promise<TrainingState>;
}

/** Saved beside the last checkpoint (store/checkpoint.ts) so `nnc train --resume` continues the run. */
export interface TrainingState {
  /** epochs finished */
  readonly epoch: number;
  readonly step: number;
  /** batches of the next epoch already trained (a stop request ended it mid-way) */
  readonly batchesDone: number;
  readonly monitor: MonitorState;
  /** the optimizer's weights (tf.io.encodeWeights of optimizer.getWeights(): iterations, then its slots in variable order) */
  readonly optimizer: { readonly className: string; readonly specs: readonly WeightsManifestEntry[]; readonly data: ArrayBuffer };
}

export interface TrainEvents {
  onStats?(stats: TrainStats): void;
  onLog?(entry: LogEntry): void;
  onSnapshot?(snapshot: Snapshot): void;
  onEpoch?(summary: EpochSummary): void | Promise<void>;
  /** save the model now: at the end of every epoch and when a stop request ends the run */
  onCheckpoint?(checkpoint: CheckpointEvent): Promise<void>;
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
  /** continue a stopped run from its last checkpoint's state (the model holds its last weights) */
  readonly resume?: TrainingState;
}

export interface TrainResult {
  /** stopped: a stop request ended the run */
  readonly status: 'completed' | 'stopped';
  readonly stoppedEarly: boolean;
  /** epochs finished, counting those of a resumed run's parent */
  readonly epochs: number;
  readonly steps: number;
  /** best value of every validation metric (and loss), e.g. {"val_loss": 0.3, "sentiment.val_accuracy": 0.9} */
  readonly best: Readonly<Record<string, number>>;
  /** metrics of the last epoch */
  readonly final: Readonly<Record<string, number>>;
  /** the metric that picked the best checkpoint, its mode, and the epoch it picked (null: no epoch finished) */
  readonly checkpoint: { readonly monitor: string; readonly mode: 'min' | 'max'; readonly epoch: number | null; readonly value: number | null };
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
