// Project document -> PlanProject with every default filled in (docs/format.md).
import type { PlanProject, Schedule } from './plan.js';
import type { RawProject } from './raw.js';
import { resolveCheckpointMonitor, resolveMonitor } from './check-monitor.js';

export const TRAINING_DEFAULTS = {
  seed: 42,
  epochs: 20,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 0.001,
  validationSplit: 0.2,
} as const;

function resolveSchedule(raw: NonNullable<RawProject['training']>['schedule']): Schedule {
  if (raw === undefined || raw === 'none' || raw === null) return { type: 'none' };
  switch (raw.type) {
    case 'step':
      return { type: 'step', every: raw.every ?? 5, factor: raw.factor ?? 0.5 };
    case 'exponential':
      return { type: 'exponential', rate: raw.rate ?? 0.95 };
    case 'cosine':
      return { type: 'cosine', minLearningRate: raw.minLearningRate ?? 0 };
    default:
      return { type: 'none' };
  }
}

export function resolveProject(raw: RawProject): PlanProject {
  const t = raw.training ?? {};
  // split: {validation} or its shorthand validationSplit (both given is an error at check time: split wins here)
  const validationSplit = t.split?.validation ?? t.validationSplit ?? TRAINING_DEFAULTS.validationSplit;
  const text = raw.input.type === 'text';
  const maxLength = text ? raw.input.maxLength ?? 32 : 0;
  const features = text ? 0 : raw.input.features ?? 0;
  return {
    name: raw.name,
    description: raw.description ?? '',
    input: {
      type: raw.input.type,
      tokenizer: raw.input.tokenizer ?? 'word',
      lowercase: raw.input.lowercase ?? true,
      maxLength,
      truncate: text ? raw.input.truncate ?? 'start' : 'start',
      features,
      shape: text ? [maxLength] : [features],
    },
    training: {
      seed: t.seed ?? TRAINING_DEFAULTS.seed,
      epochs: t.epochs ?? TRAINING_DEFAULTS.epochs,
      batchSize: t.batchSize ?? TRAINING_DEFAULTS.batchSize,
      optimizer: t.optimizer ?? TRAINING_DEFAULTS.optimizer,
      learningRate: t.learningRate ?? TRAINING_DEFAULTS.learningRate,
      schedule: resolveSchedule(t.schedule),
      // docs/format.md: "leave it out for no clipping"
      clipNorm: t.clipNorm ?? null,
      validationSplit,
      testSplit: t.split?.test ?? 0,
      stratify: t.split?.stratify ?? false,
      earlyStopping: t.earlyStopping ? { ...resolveMonitor(t.earlyStopping, validationSplit), patience: t.earlyStopping.patience ?? 5 } : null,
      checkpoint: resolveCheckpointMonitor(t, validationSplit),
      // only when given, so plans without it keep their hashes
      ...(t.init !== undefined ? { init: t.init.replace(/\\/g, '/').replace(/\/+$/, '') } : {}),
    },
    // samples and store only when given, so plans without them keep their hashes
    monitor: { weightsEvery: raw.monitor?.weightsEvery ?? 50, ...(raw.monitor?.samples !== undefined ? { samples: raw.monitor.samples } : {}) },
    ...(raw.store?.backups ? { store: { backups: { every: raw.store.backups.every, everyMs: durationMs(raw.store.backups.every), keep: raw.store.backups.keep ?? 5 } } } : {}),
  };
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** '30m', '1h', '1.5h', '1d' (the schema's pattern) in milliseconds; NaN for anything else. */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]) : Number.NaN;
}
