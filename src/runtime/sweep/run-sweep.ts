// Runs a compiled sweep: trials on `parallel` training drivers (worker
// threads, each with TensorFlow.js loaded once, the same machinery as `nnc
// watch`), each trial a run tagged with the sweep and trial. With halving,
// trials train in segments: all to the first halving epoch, then the best
// share continue from their last checkpoint (a resumed run, as `nnc train
// --resume` makes one) to the next, and so on. An abort stops every running
// trial after its current batch, with its checkpoints, and starts no more.
import type { CompiledSweep, SweepTrial } from '../../compiler/check-sweep.js';
import type { RunRecord } from '../store/types.js';
import type { DriverEvent, DriverFactory, RunRequest, TrainingDriver } from '../watch/driver.js';
import type { ResumeFrom } from '../session/types.js';
import { bestUpTo, halve, rankTrials } from './halving.js';
import type { SweepRecord, SweepWriter, TrialStatus } from './sweep-store.js';

export interface TrialState {
  readonly trial: SweepTrial;
  status: TrialStatus;
  runId: string | null;
  runs: string[];
  epochs: number;
  /** the sweep metric at each epoch end, across the trial's runs */
  readonly series: Array<{ epoch: number; value: number }>;
  value: number | null;
  stoppedAt: number | null;
  error: string | null;
}

export type SweepEvent =
  | { readonly type: 'trial_started'; readonly trial: number; readonly runId: string; readonly from: number; readonly to: number }
  | { readonly type: 'trial_epoch'; readonly trial: number; readonly epoch: number; readonly to: number; readonly value: number | null }
  | { readonly type: 'trial_ended'; readonly state: TrialState }
  | { readonly type: 'rung'; readonly epoch: number; readonly kept: readonly number[]; readonly stopped: readonly number[] }
  | { readonly type: 'warning'; readonly message: string };

export interface SweepRunOptions {
  readonly projectDir: string;
  readonly sweep: CompiledSweep;
  readonly parallel: number;
  readonly backend?: string;
  readonly signal: AbortSignal;
  readonly createDriver: DriverFactory;
  /** a stopped segment's saved state, to continue it (session/run-session.ts loadResume) */
  readonly loadResume: (runId: string) => Promise<ResumeFrom | string>;
  readonly writer: SweepWriter;
  readonly onEvent?: (event: SweepEvent) => void;
}

export interface SweepOutcome {
  readonly sweep: SweepRecord;
  readonly status: 'completed' | 'stopped';
  /** best first */
  readonly ranked: readonly TrialState[];
  readonly durationMs: number;
}

interface Task {
  readonly state: TrialState;
  /** train up to this many epochs in all */
  readonly to: number;
  readonly resume: ResumeFrom | null;
}

interface Slot {
  readonly driver: TrainingDriver;
  task: Task | null;
  ended: RunRecord | null;
  error: string | null;
  idle: (() => void) | null;
}

export async function runSweep(options: SweepRunOptions): Promise<SweepOutcome> {
  const { sweep, writer, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const started = Date.now();
  const record = writer.createSweep({
    name: sweep.name,
    method: sweep.method,
    metric: sweep.metric,
    mode: sweep.mode,
    parallel: options.parallel,
    spec: sweep.spec,
    info: { parameters: sweep.parameters, halving: sweep.halving, trials: sweep.trials.length, file: sweep.file, seed: sweep.seed },
    trials: sweep.trials.map((t) => ({ trial: t.index, params: { ...t.values }, planHash: t.plan.hash })),
  });
  const states: TrialState[] = sweep.trials.map((trial) => ({ trial, status: 'pending', runId: null, runs: [], epochs: 0, series: [], value: null, stoppedAt: null, error: null }));
  const halvingEpochs = sweep.halving?.epochs ?? [];
  const slots: Slot[] = [];
  let stopping = false;

  const onAbort = () => {
    stopping = true;
    for (const slot of slots) if (slot.task) void slot.driver.stop('stopped');
  };
  signal.addEventListener('abort', onAbort, { once: true });

  function slotEvent(slot: Slot, event: DriverEvent): void {
    const task = slot.task;
    if (event.type === 'idle') {
      const done = slot.idle;
      slot.idle = null;
      done?.();
      return;
    }
    if (!task) return;
    const state = task.state;
    const index = state.trial.index;
    if (event.type === 'run_started') {
      state.runId = event.run.id;
      state.runs.push(event.run.id);
      state.status = 'running';
      writer.tagRun(event.run.id, record.id, index);
      writer.updateTrial(record.id, index, { status: 'running', runId: event.run.id });
      emit({ type: 'trial_started', trial: index, runId: event.run.id, from: state.epochs, to: task.to });
    } else if (event.type === 'epoch') {
      const value = event.summary.metrics[sweep.metric];
      if (value !== undefined && Number.isFinite(value)) state.series.push({ epoch: event.summary.epoch, value });
      state.epochs = event.summary.epoch;
      state.value = bestUpTo(state.series, Infinity, sweep.mode);
      writer.updateTrial(record.id, index, { epochs: state.epochs, value: state.value });
      emit({ type: 'trial_epoch', trial: index, epoch: event.summary.epoch, to: task.to, value: value ?? null });
    } else if (event.type === 'run_ended') {
      slot.ended = event.run;
    } else if (event.type === 'error') {
      slot.error = event.message;
    } else if (event.type === 'log' && event.log.level === 'error') {
      slot.error ??= event.log.message;
    }
  }

  function slotFor(i: number): Slot {
    if (slots[i]) return slots[i];
    const slot: Slot = { driver: null as unknown as TrainingDriver, task: null, ended: null, error: null, idle: null };
    (slot as { driver: TrainingDriver }).driver = options.createDriver({
      projectDir: options.projectDir,
      ...(options.backend ? { backend: options.backend } : {}),
      onEvent: (event) => slotEvent(slot, event),
    });
    slots[i] = slot;
    return slot;
  }

  async function runTask(slot: Slot, task: Task): Promise<void> {
    slot.task = task;
    slot.ended = null;
    slot.error = null;
    const idle = new Promise<void>((resolve) => (slot.idle = resolve));
    const { plan, data } = task.state.trial;
    const request: RunRequest & { resume?: ResumeFrom } = {
      plan,
      data,
      parentId: task.resume?.runId ?? null,
      epochs: task.to,
      source: 'sweep',
      ...(task.resume ? { resume: task.resume } : {}),
    };
    slot.driver.start(request);
    await idle;
    finishTask(task, slot.ended, slot.error);
    slot.task = null;
  }

  function finishTask(task: Task, run: RunRecord | null, error: string | null): void {
    const state = task.state;
    const index = state.trial.index;
    const total = state.trial.plan.project.training.epochs;
    if (!run || run.status === 'failed') {
      state.status = 'failed';
      state.error = (run?.info.error as string | undefined) ?? error ?? 'the run did not start';
    } else if (run.status === 'stopped' || run.status === 'interrupted' || run.status === 'superseded') {
      state.status = 'stopped';
    } else {
      const trained = typeof run.info.epochs === 'number' ? (run.info.epochs as number) : task.to;
      state.epochs = Math.max(state.epochs, Math.min(trained, task.to));
      state.status = run.info.stoppedEarly === true || task.to >= total ? 'completed' : 'waiting';
    }
    if (state.series.length === 0 && run && Number.isFinite(run.best[sweep.metric])) state.value = run.best[sweep.metric]!;
    writer.updateTrial(record.id, index, { status: state.status, epochs: state.epochs, value: state.value });
    emit({ type: 'trial_ended', state });
  }

  /** Trains every task on the slots, each slot taking the next task when its run ends; none start once stopping. */
  async function runAll(tasks: Task[]): Promise<void> {
    const queue = [...tasks];
    const width = Math.max(1, Math.min(options.parallel, queue.length));
    await Promise.all(
      Array.from({ length: width }, async (_, i) => {
        const slot = slotFor(i);
        for (let task = queue.shift(); task && !stopping; task = queue.shift()) await runTask(slot, task);
      }),
    );
  }

  try {
    // stage k trains to halving epoch k; the last stage trains each survivor to its own training.epochs
    let alive = states;
    for (let stage = 0; stage <= halvingEpochs.length && !stopping; stage++) {
      const rung = halvingEpochs[stage];
      const tasks: Task[] = [];
      for (const state of alive) {
        if (state.status !== 'pending' && state.status !== 'waiting') continue;
        const to = rung ?? state.trial.plan.project.training.epochs;
        let resume: ResumeFrom | null = null;
        if (state.status === 'waiting' && state.runId) {
          const loaded = await options.loadResume(state.runId);
          if (typeof loaded === 'string') {
            state.status = 'failed';
            state.error = loaded;
            writer.updateTrial(record.id, state.trial.index, { status: 'failed' });
            emit({ type: 'warning', message: `Trial ${state.trial.index} cannot continue: ${loaded}` });
            continue;
          }
          resume = loaded;
        }
        tasks.push({ state, to, resume });
      }
      await runAll(tasks);
      if (stopping || rung === undefined) break;
      // rank every trial still in the sweep (early-stopped ones too) by its best value up to this epoch
      const contenders = alive.filter((s) => s.status === 'waiting' || s.status === 'completed');
      const { kept, stopped } = halve(contenders.map((s) => ({ trial: s.trial.index, value: bestUpTo(s.series, rung, sweep.mode) ?? s.value })), sweep.halving!.keep, sweep.mode);
      for (const state of contenders) {
        if (!stopped.includes(state.trial.index) || state.status !== 'waiting') continue;
        state.status = 'pruned';
        state.stoppedAt = rung;
        writer.updateTrial(record.id, state.trial.index, { status: 'pruned', stoppedAt: rung });
      }
      alive = alive.filter((s) => kept.includes(s.trial.index));
      emit({ type: 'rung', epoch: rung, kept, stopped });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await Promise.all(slots.map((s) => s.driver.close()));
  }
  for (const state of states) {
    // a trial left waiting by a stop stays resumable from its run; say it stopped
    if (state.status === 'waiting' || state.status === 'running') {
      state.status = 'stopped';
      writer.updateTrial(record.id, state.trial.index, { status: 'stopped' });
    }
  }
  const status = stopping ? 'stopped' : 'completed';
  const ranked = rankSweep(states, sweep.mode);
  const durationMs = Date.now() - started;
  writer.endSweep(record.id, status, { durationMs, best: ranked[0] && ranked[0].value !== null ? { trial: ranked[0].trial.index, value: ranked[0].value, runId: ranked[0].runId } : null });
  return { sweep: { ...record, status }, status, ranked, durationMs };
}

/** Which trials rank above others whatever their values: those that trained furthest. */
const GROUP: Record<TrialStatus, number> = { completed: 0, stopped: 0, running: 0, waiting: 0, pruned: 1, pending: 2, failed: 3 };

/**
 * Best first: trained trials (completed, or stopped by a signal) by value;
 * then pruned ones, the later pruned first; then those never started and the
 * failed. Ties by trial index.
 */
export function rankSweep<T extends { readonly trial: { readonly index: number }; readonly value: number | null; readonly status: TrialStatus; readonly stoppedAt?: number | null }>(states: readonly T[], mode: 'min' | 'max'): T[] {
  const byValue = rankTrials(states.map((s) => ({ trial: s.trial.index, value: s.value, state: s })), mode).map((c) => c.state);
  const order = new Map(byValue.map((s, i) => [s, i]));
  return [...states].sort((a, b) => GROUP[a.status] - GROUP[b.status] || (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0) || order.get(a)! - order.get(b)!);
}
