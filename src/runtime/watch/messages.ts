// The wire messages a watched project sends (shared/protocol.ts), built from
// its plans, diagnostics and its training driver's events. Pure: what is sent
// and when is project.ts's business, what late clients get late-clients.ts's.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan } from '../../compiler/plan.js';
import type { ServerMessage, TrainingStatsView, WarmStartView } from '../../shared/protocol.js';
import { addedNames, diagnosticView, epochStatsView, planSummary, runView, statsView, tensorViews } from '../server/views.js';
import type { LogEntry, RunRecord, Snapshot } from '../store/types.js';
import type { EpochSummary, TrainStats } from '../train/types.js';

type Message<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export function diagnosticsMessage(project: string, dir: string, diagnostics: readonly Diagnostic[]): Message<'diagnostics'> {
  return { type: 'diagnostics', project, diagnostics: diagnostics.map((d) => diagnosticView(dir, d)) };
}

export function compiledMessage(project: string, plan: Plan): Message<'project_compiled'> {
  return { type: 'project_compiled', project, summary: planSummary(project, plan) };
}

/** What a new plan adds to the previous one: tokens, layers and heads by name, and a new model when its hash changed. */
export function createdMessages(project: string, previous: Plan, next: Plan): ServerMessage[] {
  const out: ServerMessage[] = [];
  const tokens = addedNames(previous.vocabulary.tokens, next.vocabulary.tokens);
  if (tokens.length) out.push({ type: 'token_created', project, tokens });
  const layers = addedNames(previous.layers.map((l) => l.name), next.layers.map((l) => l.name));
  if (layers.length) out.push({ type: 'layer_created', project, layers });
  const heads = addedNames(previous.heads.map((h) => h.name), next.heads.map((h) => h.name));
  if (heads.length) out.push({ type: 'head_created', project, heads });
  if (previous.modelHash !== next.modelHash) out.push({ type: 'model_created', project, modelHash: next.modelHash });
  return out;
}

export function runStartedMessage(project: string, run: RunRecord, warmStart: WarmStartView | null): Message<'run_started'> {
  return { type: 'run_started', project, run: runView(run), ...(warmStart ? { warmStart } : {}) };
}

export function runEndedMessage(project: string, run: RunRecord): Message<'run_ended'> {
  return { type: 'run_ended', project, run: runView(run) };
}

/** A window of training batches. */
export function batchStatsMessage(project: string, runId: string, stats: TrainStats): Message<'training_stats'> {
  return { type: 'training_stats', project, stats: statsView(runId, stats) };
}

/**
 * An epoch's end, with its validation metrics per head of `heads`; its tensor
 * memory is the last batch window's (`lastBatch`, null when none was seen).
 */
export function epochStatsMessage(
  project: string,
  runId: string,
  summary: EpochSummary,
  heads: readonly string[],
  lastBatch: TrainingStatsView | null,
): Message<'training_stats'> {
  const memory = lastBatch ? { numTensors: lastBatch.numTensors, numBytes: lastBatch.memoryBytes } : null;
  return { type: 'training_stats', project, stats: epochStatsView(runId, summary, heads, memory) };
}

export function weightsMessage(project: string, runId: string, snapshot: Snapshot): Message<'weights_update'> {
  return { type: 'weights_update', project, runId, step: snapshot.step, tensors: tensorViews(snapshot.tensors) };
}

/**
 * A log line as it happens. Live lines have no store id yet: `liveId` (1, 2,
 * ...) becomes a negative id, so a client never confuses them with stored ones.
 */
export function liveLogMessage(project: string, liveId: number, runId: string | null, log: LogEntry): Message<'training_log'> {
  return { type: 'training_log', project, log: { id: -liveId, runId, ...log, count: 1 } };
}

/** A training failure outside any run's log (the driver's 'error' event), as an error log line. */
export function driverErrorMessage(project: string, liveId: number, runId: string | null, message: string, time: number): Message<'training_log'> {
  return liveLogMessage(project, liveId, runId, { time, level: 'error', category: 'train', message, spam: false });
}
