// What a viewer that connects late is sent first: the messages a watched
// project sent that still describe it. Fed every message the project sends;
// replays the last compiled plan, the last diagnostics, the running run with
// its last few epoch ends and its last batch window, and the last weights.
import type { ServerMessage, TrainingStatsView } from '../../shared/protocol.js';

/** how many of the running run's epoch ends a late client gets */
export const RECENT_EPOCHS = 5;

type Message<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export interface LateClientState {
  /** every message the project sends, in order, as it sends it */
  remember(message: ServerMessage): void;
  /** the running run is gone without a run_ended message (its worker died) */
  forgetRun(): void;
  /** the messages a client connecting now is sent, in the order it needs them */
  replay(): ServerMessage[];
  /** the last batch window's stats since the running run started (an epoch's stats take its memory numbers) */
  lastBatch(): TrainingStatsView | null;
}

export function createLateClientState(project: string): LateClientState {
  let compiled: Message<'project_compiled'> | null = null;
  let diagnostics: Message<'diagnostics'> = { type: 'diagnostics', project, diagnostics: [] };
  let started: Message<'run_started'> | null = null; // the running run
  let lastBatch: TrainingStatsView | null = null;
  let recentEpochs: TrainingStatsView[] = [];
  let weights: Message<'weights_update'> | null = null;

  return {
    remember(message) {
      switch (message.type) {
        case 'project_compiled':
          compiled = message;
          return;
        case 'diagnostics':
          diagnostics = message;
          return;
        case 'run_started':
          started = message;
          lastBatch = null;
          recentEpochs = [];
          weights = null;
          return;
        case 'training_stats':
          if (message.stats.kind === 'epoch') recentEpochs = [...recentEpochs.slice(-(RECENT_EPOCHS - 1)), message.stats];
          else lastBatch = message.stats;
          return;
        case 'weights_update':
          weights = message;
          return;
        case 'run_ended':
          if (started?.run.id === message.run.id) started = null;
          return;
        default:
          return;
      }
    },
    forgetRun() {
      started = null;
    },
    replay() {
      const out: ServerMessage[] = [];
      if (compiled) out.push(compiled);
      out.push(diagnostics);
      if (started) {
        const id = started.run.id;
        out.push(started);
        for (const stats of recentEpochs) if (stats.runId === id) out.push({ type: 'training_stats', project, stats });
        if (lastBatch?.runId === id) out.push({ type: 'training_stats', project, stats: lastBatch });
      }
      if (weights) out.push(weights);
      return out;
    },
    lastBatch: () => lastBatch,
  };
}
