// One watched project: compile on every save, send diagnostics at once, and
// when the plan changed and compiles, end the current run as 'superseded' and
// start a warm-started one. A compile with errors leaves the run alone (c12's
// watch keeps the last good state). Also the ProjectSource the server reads.
import { resolve } from 'node:path';
import type { CompileResult } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { ServerMessage, TrainingStatsView, WarmStartView } from '../../shared/protocol.js';
import type { ProjectSource } from '../server/source.js';
import { addedNames, diagnosticView, epochStatsView, planSummary, runView, statsView, tensorViews } from '../server/views.js';
import type { RunRecord, RunStore } from '../store/types.js';
import type { EpochSummary } from '../train/types.js';
import { createProjectCompiler } from './cached-compile.js';
import { createCachingHost } from './cached-host.js';
import type { DriverEvent, DriverFactory, TrainingDriver } from './driver.js';
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

/** first: the first compile; unchanged: same plan hash, nothing restarts; changed: a new run starts; errors: the run is left alone */
export type CompileOutcome = 'first' | 'unchanged' | 'changed' | 'errors';

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

const RECENT_EPOCHS = 5;

export function createLiveProject(options: LiveProjectOptions): LiveProject {
  const { dir, name, store, emit, reporter } = options;
  const host = createCachingHost();
  const compiler = createProjectCompiler(dir, host);
  const compile = options.compile ?? (() => compiler.compile());

  let plan: Plan | null = null; // the last plan that compiled
  let data: PlanData | null = null; // its samples (compile() keeps them beside the plan)
  let diagnostics: readonly Diagnostic[] = [];
  let running: RunRecord | null = null;
  let warmStart: WarmStartView | null = null;
  let lastStats: TrainingStatsView | null = null;
  // the running run's last few epoch ends, for a client that connects late
  let recentEpochs: TrainingStatsView[] = [];
  let lastWeights: Extract<ServerMessage, { type: 'weights_update' }> | null = null;
  let parentId: string | null = null; // the newest run whose weights a warm start can use
  let activePlan: Plan | null = null; // the plan of the run started or under way
  let active = false;
  let idleWaiters: Array<() => void> = [];
  let work: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let liveLogId = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let savedDiagnostics = '';
  const restartDelayMs = options.restartDelayMs ?? 30;
  const runIds: string[] = [];

  // store.backups: the project's periodic backups, said in the store's log
  const backups = createPeriodicBackup(store, (level, message) => store.addLog(null, { time: Date.now(), level, category: 'system', message, spam: false }));
  const driver: TrainingDriver = options.driver({ projectDir: dir, ...(options.backend ? { backend: options.backend } : {}), onEvent });

  function onEvent(event: DriverEvent): void {
    switch (event.type) {
      case 'ready':
        reporter?.backend?.(name, event.backend, event.notes);
        return;
      case 'run_started':
        running = event.run;
        warmStart = event.warmStart;
        lastStats = null;
        lastWeights = null;
        recentEpochs = [];
        runIds.push(event.run.id);
        emit({ type: 'run_started', project: name, run: runView(event.run), ...(event.warmStart ? { warmStart: event.warmStart } : {}) });
        reporter?.runStarted?.(name, event.run, event.warmStart);
        return;
      case 'stats':
        lastStats = statsView(event.runId, event.stats);
        emit({ type: 'training_stats', project: name, stats: lastStats });
        return;
      case 'epoch': {
        const heads = (activePlan ?? plan)?.heads.map((h) => h.name) ?? [];
        const memory = lastStats ? { numTensors: lastStats.numTensors, numBytes: lastStats.memoryBytes } : null;
        const stats = epochStatsView(event.runId, event.summary, heads, memory);
        recentEpochs = [...recentEpochs.slice(-(RECENT_EPOCHS - 1)), stats];
        emit({ type: 'training_stats', project: name, stats });
        reporter?.epoch?.(name, event.runId, event.summary);
        return;
      }
      case 'snapshot':
        lastWeights = { type: 'weights_update', project: name, runId: event.runId, step: event.snapshot.step, tensors: tensorViews(event.snapshot.tensors) };
        emit(lastWeights);
        return;
      case 'log':
        emit({ type: 'training_log', project: name, log: { id: -++liveLogId, runId: event.runId, ...event.log, count: 1 } });
        return;
      case 'run_ended':
        if (running?.id === event.run.id) running = null;
        // a failed run may have no checkpoint: keep warm-starting from the one before
        if (event.run.status !== 'failed') parentId = event.run.id;
        emit({ type: 'run_ended', project: name, run: runView(event.run) });
        reporter?.runEnded?.(name, event.run);
        return;
      case 'error':
        emit({ type: 'training_log', project: name, log: { id: -++liveLogId, runId: running?.id ?? null, time: Date.now(), level: 'error', category: 'train', message: event.message, spam: false, count: 1 } });
        reporter?.error?.(name, event.message);
        return;
      case 'idle':
        active = false;
        if (running) orphaned(running);
        running = null;
        for (const resolve of idleWaiters.splice(0)) resolve();
        return;
    }
  }

  /** The driver went idle without ending its run (the worker died): the run failed. */
  function orphaned(run: RunRecord): void {
    try {
      store.endRun(run.id, 'failed', { error: 'The training worker ended during the run.' });
      const ended = store.getRun(run.id);
      if (ended) {
        emit({ type: 'run_ended', project: name, run: runView(ended) });
        reporter?.runEnded?.(name, ended);
      }
    } catch (error) {
      reporter?.error?.(name, `Run '${run.id}' could not be marked failed: ${(error as Error).message}`);
    }
  }

  function waitIdle(): Promise<void> {
    return active ? new Promise((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** Brings training in line with the last good plan: one restart at a time, newest plan wins. */
  function reconcile(): Promise<void> {
    if (work) {
      again = true;
      return work;
    }
    work = (async () => {
      do {
        again = false;
        const wanted = plan;
        const wantedData = data;
        if (closed || !wanted || wanted.hash === activePlan?.hash) continue;
        if (active) {
          await driver.stop('superseded');
          await waitIdle();
        }
        if (closed) return;
        if (plan !== wanted) {
          again = true;
          continue;
        }
        activePlan = wanted;
        active = true;
        driver.start({ plan: wanted, data: wantedData, parentId, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) });
      } while (again);
    })().finally(() => {
      work = null;
    });
    return work;
  }

  function scheduleRestart(delay: number): void {
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = null;
    if (delay <= 0) {
      void reconcile();
      return;
    }
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void reconcile();
    }, delay);
  }

  /** The store keeps the last compile's diagnostics; written after the messages went out, and only when they changed. */
  function saveDiagnostics(): void {
    const text = JSON.stringify(diagnostics);
    if (text === savedDiagnostics) return;
    savedDiagnostics = text;
    const toSave = diagnostics;
    setImmediate(() => {
      if (closed || toSave !== diagnostics) return;
      try {
        store.saveDiagnostics(toSave);
      } catch (error) {
        savedDiagnostics = '';
        reporter?.error?.(name, `The diagnostics could not be stored: ${(error as Error).message}`);
      }
    });
  }

  function createdMessages(previous: Plan, next: Plan): ServerMessage[] {
    const out: ServerMessage[] = [];
    const tokens = addedNames(previous.vocabulary.tokens, next.vocabulary.tokens);
    if (tokens.length) out.push({ type: 'token_created', project: name, tokens });
    const layers = addedNames(previous.layers.map((l) => l.name), next.layers.map((l) => l.name));
    if (layers.length) out.push({ type: 'layer_created', project: name, layers });
    const heads = addedNames(previous.heads.map((h) => h.name), next.heads.map((h) => h.name));
    if (heads.length) out.push({ type: 'head_created', project: name, heads });
    if (previous.modelHash !== next.modelHash) out.push({ type: 'model_created', project: name, modelHash: next.modelHash });
    return out;
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
    currentState() {
      const out: ServerMessage[] = [];
      if (plan) out.push({ type: 'project_compiled', project: name, summary: planSummary(name, plan) });
      out.push({ type: 'diagnostics', project: name, diagnostics: diagnostics.map((d) => diagnosticView(dir, d)) });
      if (running) out.push({ type: 'run_started', project: name, run: runView(running), ...(warmStart ? { warmStart } : {}) });
      if (running) {
        const id = running.id;
        for (const stats of recentEpochs) if (stats.runId === id) out.push({ type: 'training_stats', project: name, stats });
        if (lastStats?.runId === id) out.push({ type: 'training_stats', project: name, stats: lastStats });
      }
      if (lastWeights) out.push(lastWeights);
      return out;
    },
    recompile(changed) {
      if (closed) return 'unchanged';
      const started = performance.now();
      if (changed) for (const rel of changed) host.invalidate(resolve(dir, rel));
      const result = compile(dir);
      diagnostics = result.diagnostics;
      emit({ type: 'diagnostics', project: name, diagnostics: diagnostics.map((d) => diagnosticView(dir, d)) });
      const previous = plan;
      let outcome: CompileOutcome;
      if (!result.plan) outcome = 'errors';
      else if (!previous) outcome = 'first';
      else outcome = result.plan.hash === previous.hash ? 'unchanged' : 'changed';
      if (result.plan && outcome !== 'unchanged') {
        plan = result.plan;
        data = result.data;
        backups.update(plan);
        emit({ type: 'project_compiled', project: name, summary: planSummary(name, plan) });
        if (previous) for (const message of createdMessages(previous, plan)) emit(message);
      }
      reporter?.compiled?.(name, result, outcome, performance.now() - started);
      saveDiagnostics();
      if (outcome === 'first') scheduleRestart(0);
      else if (outcome === 'changed') scheduleRestart(restartDelayMs);
      return outcome;
    },
    async settled() {
      while (work || restartTimer) await (work ?? new Promise((resolve) => setTimeout(resolve, 2)));
    },
    async close() {
      closed = true;
      backups.close();
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      await work?.catch(() => undefined);
      await driver.close();
    },
  };
}
