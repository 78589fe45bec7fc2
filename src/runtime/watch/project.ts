// One watched project: compile on every save, send diagnostics at once, and
// when the plan changed and compiles, end the current run as 'superseded' and
// start a warm-started one. Also the ProjectSource the server reads. This file
// wires the parts: when training restarts (restart.ts), the wire messages
// (messages.ts), what late clients get (late-clients.ts), the diagnostics in
// the store (save-diagnostics.ts) and the training driver (driver.ts).
import { resolve } from 'node:path';
import type { CompileResult } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { ServerMessage, WarmStartView } from '../../shared/protocol.js';
import type { ProjectSource } from '../server/source.js';
import { trainingTokenCounts } from '../server/token-counts.js';
import type { RunRecord, RunStore } from '../store/types.js';
import type { EpochSummary } from '../train/types.js';
import { createProjectCompiler } from './cached-compile.js';
import { createCachingHost } from './cached-host.js';
import type { DriverEvent, DriverFactory, TrainingDriver } from './driver.js';
import { createLateClientState } from './late-clients.js';
import {
  batchStatsMessage,
  compiledMessage,
  createdMessages,
  diagnosticsMessage,
  driverErrorMessage,
  epochStatsMessage,
  liveLogMessage,
  runEndedMessage,
  runStartedMessage,
  weightsMessage,
} from './messages.js';
import { compileOutcome, createRestarter, type CompileOutcome } from './restart.js';
import { createDiagnosticsSaver } from './save-diagnostics.js';

export type { CompileOutcome } from './restart.js';
import { createPeriodicBackup } from './periodic-backup.js';

/** What the CLI prints; every method optional. */
export interface WatchReporter {
  compiled?(project: string, result: CompileResult, outcome: CompileOutcome, ms: number): void;
  backend?(project: string, backend: string, notes: readonly string[]): void;
  runStarted?(project: string, run: RunRecord, warmStart: WarmStartView | null): void;
  epoch?(project: string, runId: string, summary: EpochSummary): void;
  runEnded?(project: string, run: RunRecord): void;
  error?(project: string, message: string): void;
}

export interface LiveProjectOptions {
  readonly dir: string;
  readonly name: string;
  readonly store: RunStore;
  readonly driver: DriverFactory;
  readonly backend?: string;
  /** overrides the plan's epochs (tests, benchmarks) */
  readonly epochs?: number;
  readonly emit: (message: ServerMessage) => void;
  readonly reporter?: WatchReporter;
  /**
   * how long a changed plan must stay the newest before the current run is
   * superseded, ms (default 30): a burst of saves (a checkout, a formatter,
   * a half-written file) restarts once, with its last plan
   */
  readonly restartDelayMs?: number;
  /** default: createProjectCompiler (parses only the YAML files that changed) */
  readonly compile?: (dir: string) => CompileResult;
}

export interface LiveProject extends ProjectSource {
  /** compile now and act on the result, as a save does */
  recompile(changed?: readonly string[]): CompileOutcome;
  /** the run ids this project started, oldest first */
  readonly runIds: readonly string[];
  /** resolves once no restart is pending or under way */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function createLiveProject(options: LiveProjectOptions): LiveProject {
  const { dir, name, store, reporter } = options;
  const host = createCachingHost();
  const compiler = createProjectCompiler(dir, host);
  const compile = options.compile ?? (() => compiler.compile());
  const late = createLateClientState(name);
  const saver = createDiagnosticsSaver(store, (message) => reporter?.error?.(name, message));

  let plan: Plan | null = null; // the last plan that compiled
  let data: PlanData | null = null; // its samples (compile() keeps them beside the plan)
  let diagnostics: readonly Diagnostic[] = [];
  let running: RunRecord | null = null;
  let closed = false;
  let liveLogId = 0;
  const runIds: string[] = [];

  /** Every message goes out through here: late clients get what still holds. */
  function emit(message: ServerMessage): void {
    late.remember(message);
    options.emit(message);
  }

  // store.backups: the project's periodic backups, said in the store's log
  const backups = createPeriodicBackup(store, (level, message) => store.addLog(null, { time: Date.now(), level, category: 'system', message, spam: false }));
  const driver: TrainingDriver = options.driver({ projectDir: dir, ...(options.backend ? { backend: options.backend } : {}), onEvent });
  const restarter = createRestarter({ driver, delayMs: options.restartDelayMs ?? 30, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) });

  function onEvent(event: DriverEvent): void {
    switch (event.type) {
      case 'ready':
        reporter?.backend?.(name, event.backend, event.notes);
        return;
      case 'run_started':
        running = event.run;
        runIds.push(event.run.id);
        emit(runStartedMessage(name, event.run, event.warmStart));
        reporter?.runStarted?.(name, event.run, event.warmStart);
        return;
      case 'stats':
        emit(batchStatsMessage(name, event.runId, event.stats));
        return;
      case 'epoch': {
        const heads = (restarter.activePlan() ?? plan)?.heads.map((h) => h.name) ?? [];
        emit(epochStatsMessage(name, event.runId, event.summary, heads, late.lastBatch()));
        reporter?.epoch?.(name, event.runId, event.summary);
        return;
      }
      case 'snapshot':
        emit(weightsMessage(name, event.runId, event.snapshot));
        return;
      case 'log':
        emit(liveLogMessage(name, ++liveLogId, event.runId, event.log));
        return;
      case 'run_ended':
        if (running?.id === event.run.id) running = null;
        restarter.runEnded(event.run);
        emit(runEndedMessage(name, event.run));
        reporter?.runEnded?.(name, event.run);
        return;
      case 'error':
        emit(driverErrorMessage(name, ++liveLogId, running?.id ?? null, event.message, Date.now()));
        reporter?.error?.(name, event.message);
        return;
      case 'idle':
        if (running) orphaned(running);
        running = null;
        late.forgetRun();
        restarter.idle();
        return;
    }
  }

  /** The driver went idle without ending its run (the worker died): the run failed. */
  function orphaned(run: RunRecord): void {
    try {
      store.endRun(run.id, 'failed', { error: 'The training worker ended during the run.' });
      const ended = store.getRun(run.id);
      if (ended) {
        emit(runEndedMessage(name, ended));
        reporter?.runEnded?.(name, ended);
      }
    } catch (error) {
      reporter?.error?.(name, `Run '${run.id}' could not be marked failed: ${(error as Error).message}`);
    }
  }

  return {
    name,
    dir,
    live: true,
    runIds,
    plan: () => plan,
    diagnostics: () => diagnostics,
    running: () => running,
    store: () => store,
    samplePreview: (dataset) => data?.datasets.find((d) => d.name === dataset)?.preview,
    tokenCounts: () => (data && plan ? trainingTokenCounts(data, plan.vocabulary.tokens.length) : undefined),
    currentState: () => late.replay(),
    recompile(changed) {
      if (closed) return 'unchanged';
      const started = performance.now();
      if (changed) for (const rel of changed) host.invalidate(resolve(dir, rel));
      const result = compile(dir);
      diagnostics = result.diagnostics;
      emit(diagnosticsMessage(name, dir, diagnostics));
      const previous = plan;
      const outcome = compileOutcome(previous, result.plan);
      if (result.plan && outcome !== 'unchanged') {
        plan = result.plan;
        data = result.data;
        backups.update(plan);
        emit(compiledMessage(name, plan));
        if (previous) for (const message of createdMessages(name, previous, plan)) emit(message);
      }
      reporter?.compiled?.(name, result, outcome, performance.now() - started);
      saver.save(diagnostics);
      if (result.plan) restarter.compiled(outcome, result.plan, result.data);
      return outcome;
    },
    settled: () => restarter.settled(),
    async close() {
      closed = true;
      backups.close();
      saver.close();
      await restarter.close();
      await driver.close();
    },
  };
}
