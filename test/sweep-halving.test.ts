// Successive halving and the sweep scheduler, with fake training drivers that
// report made-up metrics: which trials continue at each halving epoch, which
// stop there, what each continuation resumes from, and a stop mid-sweep.
import { describe, expect, it } from 'vitest';
import type { CompiledSweep, SweepTrial } from '../src/compiler/check-sweep.js';
import type { Plan } from '../src/compiler/plan.js';
import { bestUpTo, halve, rungsFor } from '../src/runtime/sweep/halving.js';
import { runSweep, type SweepEvent } from '../src/runtime/sweep/run-sweep.js';
import type { SweepWriter, TrialRecord } from '../src/runtime/sweep/sweep-store.js';
import type { DriverFactory, DriverOptions, RunRequest } from '../src/runtime/watch/driver.js';
import type { RunRecord } from '../src/runtime/store/types.js';

describe('halving', () => {
  it('keeps the best share, rounded up, ties to the lower trial, no value last', () => {
    const contenders = [{ trial: 1, value: 0.5 }, { trial: 2, value: 0.9 }, { trial: 3, value: null }, { trial: 4, value: 0.5 }, { trial: 5, value: 0.7 }];
    expect(halve(contenders, 0.5, 'max')).toEqual({ kept: [2, 5, 1], stopped: [4, 3] });
    expect(halve(contenders, 0.5, 'min')).toEqual({ kept: [1, 4, 5], stopped: [2, 3] });
    expect(halve(contenders, 0.01, 'max').kept).toEqual([2]);
    expect(halve([{ trial: 1, value: 1 }, { trial: 2, value: 2 }], 0.5, 'min')).toEqual({ kept: [1], stopped: [2] });
  });

  it('ranks by the best value up to the halving epoch, and trains in segments up to each trial\'s end', () => {
    const series = [{ epoch: 1, value: 0.4 }, { epoch: 2, value: 0.3 }, { epoch: 3, value: 0.1 }];
    expect(bestUpTo(series, 2, 'min')).toBe(0.3);
    expect(bestUpTo(series, 2, 'max')).toBe(0.4);
    expect(bestUpTo(series, Infinity, 'min')).toBe(0.1);
    expect(rungsFor(10, [3, 6])).toEqual([3, 6, 10]);
    expect(rungsFor(5, [3, 6])).toEqual([3, 5]);
  });
});

/** Trial i reports `score[i] + 0.01 * epoch` at every epoch end. */
const SCORES = [0.5, 0.9, 0.1, 0.7, 0.3, 0.8];

function fakeSweep(halving: CompiledSweep['halving'], epochs = 8): CompiledSweep {
  const trials: SweepTrial[] = SCORES.map((_, i) => ({
    index: i + 1,
    values: { 'training.learningRate': (i + 1) / 100 },
    label: `training.learningRate=${(i + 1) / 100}`,
    plan: { hash: `plan${i + 1}`, project: { training: { epochs } } } as unknown as Plan,
    data: null,
  }));
  return { name: 'fake', file: 'sweep.yaml', method: 'grid', parameters: ['training.learningRate'], metric: 'score', mode: 'max', seed: 0, halving, trials, spec: {} as CompiledSweep['spec'] };
}

interface Started {
  readonly trial: number;
  readonly epochs: number;
  readonly resumedFrom: string | null;
}

/** Drivers that "train" at once (or wait for a stop when `hold`), reporting SCORES. */
function fakeDrivers(options: { hold?: boolean } = {}) {
  const started: Started[] = [];
  const trained = new Map<string, number>();
  let runs = 0;
  const factory: DriverFactory = (driver: DriverOptions) => {
    let stop: (() => void) | null = null;
    return {
      start(request: RunRequest & { resume?: { runId: string; state: { epoch: number } } }) {
        const trial = Number(request.plan.hash.slice(4));
        const from = request.resume?.state.epoch ?? 0;
        const id = `run${++runs}`;
        started.push({ trial, epochs: request.epochs!, resumedFrom: request.resume?.runId ?? null });
        const run = (status: RunRecord['status'], epochs: number) => ({ id, status, info: { epochs, stoppedEarly: false }, best: {} }) as unknown as RunRecord;
        void (async () => {
          await Promise.resolve();
          driver.onEvent({ type: 'run_started', run: run('running', from), warmStart: null });
          if (options.hold) {
            await new Promise<void>((resolve) => (stop = resolve));
            driver.onEvent({ type: 'run_ended', run: run('stopped', from) });
          } else {
            for (let epoch = from + 1; epoch <= request.epochs!; epoch++) {
              driver.onEvent({ type: 'epoch', runId: id, summary: { epoch, epochs: request.epochs!, step: epoch, metrics: { score: SCORES[trial - 1] + 0.01 * epoch }, durationMs: 1, samplesPerSecond: 1, improved: true } });
            }
            trained.set(id, request.epochs!);
            driver.onEvent({ type: 'run_ended', run: run('completed', request.epochs!) });
          }
          driver.onEvent({ type: 'idle' });
        })();
      },
      stop() {
        stop?.();
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  };
  const loadResume = async (runId: string) => ({ runId, state: { epoch: trained.get(runId)! } }) as never;
  return { factory, started, loadResume };
}

function memoryWriter() {
  const trials = new Map<number, Partial<TrialRecord>>();
  const tags = new Map<string, number>();
  const writer: SweepWriter = {
    createSweep: (s) => ({ id: 'sfake', name: s.name, status: 'running', createdAt: 0, endedAt: null, method: s.method, metric: s.metric, mode: s.mode, parallel: s.parallel, spec: {}, info: s.info }),
    updateTrial: (_, trial, patch) => void trials.set(trial, { ...trials.get(trial), ...patch }),
    tagRun: (runId, _, trial) => void tags.set(runId, trial),
    endSweep() {},
    close() {},
  };
  return { writer, trials, tags };
}

describe('runSweep with halving', () => {
  it('stops the worst half at each halving epoch and resumes the rest from their last run', async () => {
    const { factory, started, loadResume } = fakeDrivers();
    const { writer, trials, tags } = memoryWriter();
    const events: SweepEvent[] = [];
    const outcome = await runSweep({
      projectDir: '/nowhere', sweep: fakeSweep({ epochs: [2, 4], keep: 0.5 }), parallel: 2, signal: new AbortController().signal,
      createDriver: factory, loadResume, writer, onEvent: (e) => events.push(e),
    });
    expect(events.filter((e) => e.type === 'rung')).toEqual([
      { type: 'rung', epoch: 2, kept: [2, 6, 4], stopped: [1, 5, 3] },
      { type: 'rung', epoch: 4, kept: [2, 6], stopped: [4] },
    ]);
    // six trials to epoch 2; three continue to 4 and two to 8, each resuming its own previous run
    expect(started.filter((s) => s.epochs === 2).map((s) => s.trial).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(started.filter((s) => s.epochs === 4).map((s) => s.trial).sort()).toEqual([2, 4, 6]);
    expect(started.filter((s) => s.epochs === 8).map((s) => s.trial).sort()).toEqual([2, 6]);
    for (const s of started.filter((s) => s.epochs > 2)) expect(tags.get(s.resumedFrom!)).toBe(s.trial);
    expect(started.filter((s) => s.epochs === 2).every((s) => s.resumedFrom === null)).toBe(true);

    expect(outcome.status).toBe('completed');
    expect(outcome.ranked.map((s) => [s.trial.index, s.status, s.stoppedAt, s.epochs])).toEqual([
      [2, 'completed', null, 8],
      [6, 'completed', null, 8],
      [4, 'pruned', 4, 4],
      [1, 'pruned', 2, 2],
      [5, 'pruned', 2, 2],
      [3, 'pruned', 2, 2],
    ]);
    expect(outcome.ranked[0].value).toBeCloseTo(0.98);
    expect(trials.get(3)).toMatchObject({ status: 'pruned', stoppedAt: 2 });
    expect(trials.get(2)).toMatchObject({ status: 'completed', epochs: 8 });
    expect(tags.size).toBe(11);
  });

  it('without halving every trial trains to its end, at most `parallel` at once', async () => {
    const { factory, started, loadResume } = fakeDrivers();
    const outcome = await runSweep({ projectDir: '/nowhere', sweep: fakeSweep(null), parallel: 3, signal: new AbortController().signal, createDriver: factory, loadResume, writer: memoryWriter().writer });
    expect(started.map((s) => s.epochs)).toEqual([8, 8, 8, 8, 8, 8]);
    expect(outcome.ranked.map((s) => s.trial.index)).toEqual([2, 6, 4, 1, 5, 3]);
  });

  it('a stop ends the running trials as stopped and starts no more', async () => {
    const { factory, started, loadResume } = fakeDrivers({ hold: true });
    const controller = new AbortController();
    const outcome = await runSweep({
      projectDir: '/nowhere', sweep: fakeSweep({ epochs: [2], keep: 0.5 }), parallel: 2, signal: controller.signal, createDriver: factory, loadResume, writer: memoryWriter().writer,
      onEvent: (e) => {
        if (e.type === 'trial_started' && e.trial === 2) setTimeout(() => controller.abort(), 5);
      },
    });
    expect(outcome.status).toBe('stopped');
    expect(started.map((s) => s.trial)).toEqual([1, 2]);
    expect(outcome.ranked.filter((s) => s.status === 'stopped').map((s) => s.trial.index).sort()).toEqual([1, 2]);
    expect(outcome.ranked.filter((s) => s.status === 'pending')).toHaveLength(4);
  });
});
