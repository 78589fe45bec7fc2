// nnc/runtime: training, predictions and the layer registration, on
// TensorFlow.js. The same functions the CLI runs: train() is `nnc train`'s run
// session (the run is stored in <project>/.nnc/ like any other), and
// loadPredictor() is what `nnc serve` and the export's predict.js predict
// with, so its objects are those `nnc predict --format json` prints.
import type { Plan } from '../compiler/plan.js';
import type { PlanData } from '../compiler/plan-data.js';
import { loadTf, type Tf } from '../runtime/backend/index.js';
import type { PredictOptions, Prediction } from '../runtime/export/portable/open-predictor.js';
import { registerNncLayers as registerPortableLayers } from '../runtime/export/portable/portable-layers.js';
import type { LogEntry, RunRecord, RunStore } from '../runtime/store/types.js';
import type { EpochSummary, TrainStats } from '../runtime/train/types.js';
import type { DriverEvent } from '../runtime/watch/driver.js';
import type { Compiled } from './compiler.js';
import type { HeadReport } from '../runtime/metrics/report.js';

export type { EpochSummary, LogEntry, Prediction, PredictOptions, RunRecord, Tf, TrainStats };

/** Registers nnc's layer classes that tfjs-layers lacks (NncAttention, NncPool, NncPadMask) with `tf`, for tf.loadLayersModel on an export (idempotent). */
export function registerNncLayers(tf: Tf): void {
  registerPortableLayers(tf);
}

/** The run store: the project folder's .nnc/nnc.db, or a shared PostgreSQL store (README, Team store). */
export interface StoreOptions {
  /** a PostgreSQL store's URL (postgres://user@host:5432/db; the password from PGPASSWORD or ~/.pgpass); default: NNC_STORE, else the folder's store */
  readonly store?: string;
}

async function openStore(project: string, options: StoreOptions & { readonly?: boolean }): Promise<RunStore> {
  const url = options.store ?? (process.env.NNC_STORE || undefined);
  // the PostgreSQL store's modules only for a shared store (start-up, BENCHMARKS.md)
  if (url) return (await import('../runtime/store/open-store.js')).openRunStore(project, { store: url, readonly: options.readonly });
  return (await import('../runtime/store/store.js')).createRunStore(project, { readonly: options.readonly });
}

export interface BackendOptions {
  /** 'node', 'wasm' or 'cpu' (default: the first that starts; also env NNC_BACKEND) */
  readonly backend?: string;
}

export interface TrainOptions extends BackendOptions, StoreOptions {
  /** the project folder whose store (.nnc/) keeps the run; default: the compiled project's */
  readonly project?: string;
  /** the plan's samples (compile().data); taken from the compile result when it is given */
  readonly data?: PlanData | null;
  /** overrides the plan's training.epochs */
  readonly epochs?: number;
  /** aborting stops after the current batch with both checkpoints written (status 'stopped') */
  readonly signal?: AbortSignal;
  /** the run record, once stored */
  onStart?(run: RunRecord): void;
  /** every few batches: step, epoch, losses, learning rate, speed */
  onProgress?(stats: TrainStats): void;
  /** at each epoch's end: training and validation metrics */
  onEpoch?(summary: EpochSummary): void;
  /** the run's log lines (those `nnc logs` shows) */
  onLog?(entry: LogEntry): void;
}

export interface TrainedRun {
  /** as `nnc runs --format json` lists it: id, status, best metrics, info (bestEpoch, baselines, ...) */
  readonly run: RunRecord;
  /** the run's folder: its best epoch's model, and last/ */
  readonly checkpoint: string;
}

/**
 * Trains once and stores the run, as `nnc train` does. Takes compile()'s
 * result (or a plan with `project` and `data`); resolves when the run ends,
 * with its record (status 'completed', 'stopped' or 'failed' with info.error).
 */
export async function train(compiled: Compiled | Plan, options: TrainOptions = {}): Promise<TrainedRun> {
  const isCompiled = 'diagnostics' in compiled;
  if (isCompiled && !compiled.plan) throw new Error(`The project does not compile:\n${compiled.format()}`);
  const plan = (isCompiled ? compiled.plan : compiled) as Plan;
  const project = options.project ?? (isCompiled ? compiled.dir : undefined);
  if (!project) throw new Error("train(plan, options) needs options.project, the folder whose .nnc/ store keeps the run (or pass compile()'s result).");
  const data = options.data ?? (isCompiled ? compiled.data : null);
  const { tf, backend } = await loadTf(options.backend);
  const { createSessionContext, releaseSession, runSession } = await import('../runtime/session/run-session.js');
  const store = await openStore(project, options);
  if (isCompiled) store.saveDiagnostics(compiled.diagnostics);
  const ctx = createSessionContext({ tf, backend, store, projectDir: project });
  let ended: RunRecord | null = null;
  try {
    await runSession(ctx, { plan, data, parentId: null, source: 'train', ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) }, {
      signal: options.signal ?? new AbortController().signal,
      stopStatus: () => 'stopped',
      post: (event: DriverEvent) => {
        if (event.type === 'run_started') options.onStart?.(event.run);
        else if (event.type === 'stats') options.onProgress?.(event.stats);
        else if (event.type === 'epoch') options.onEpoch?.(event.summary);
        else if (event.type === 'log') options.onLog?.(event.log);
        else if (event.type === 'run_ended') ended = event.run;
      },
    });
    const run = ended as RunRecord | null;
    if (!run) throw new Error(options.signal?.aborted ? 'Stopped before training started; no run was stored.' : 'The training session ended without a run record.');
    return { run, checkpoint: store.runDir(run.id) };
  } finally {
    releaseSession(ctx);
    store.close();
  }
}

export interface LoadPredictorOptions extends BackendOptions, StoreOptions {
  /** a project's run (its id or a unique start of it); default: the pinned run, else the newest completed one */
  readonly run?: string;
  /** a TensorFlow.js instance to use instead of nnc's backend choice (e.g. @tensorflow/tfjs-node's) */
  readonly tf?: Tf;
}

export interface LoadedPredictor {
  readonly heads: readonly string[];
  /** "run r1 of 'sentiment'" or "the export in model/" */
  readonly source: string;
  /** the model card (what `nnc serve`'s GET /model answers) */
  readonly card: unknown;
  /** One prediction per input, in order: what `nnc predict --format json` prints for it. Throws a sentence for a bad input. */
  predict(inputs: readonly (string | readonly number[])[], options?: PredictOptions): Promise<Prediction[]>;
  dispose(): void;
}

/** A stored run of a project folder, or an export folder (`nnc export`), ready to predict. Throws a sentence when there is no model. */
export async function loadPredictor(dir: string, options: LoadPredictorOptions = {}): Promise<LoadedPredictor> {
  const tf = options.tf ?? (await loadTf(options.backend)).tf;
  const { loadServedModel } = await import('../runtime/serve/served-model.js');
  const { resolve } = await import('node:path');
  const served = await loadServedModel(tf, resolve(dir), dir, options.run, options.store ?? (process.env.NNC_STORE || undefined));
  if (typeof served === 'string') throw new Error(served);
  const { model } = served;
  return { heads: model.heads, source: served.source, card: served.card, predict: (inputs, predictOptions) => model.predict(inputs, predictOptions), dispose: () => model.dispose() };
}

export interface EvaluateOptions extends BackendOptions, StoreOptions {
  /** the run (its id or a unique start of it); default: the pinned run, else the newest completed one */
  readonly run?: string;
  /** default: 'test' when the plan holds out a test split, else 'validation' */
  readonly split?: 'validation' | 'test' | 'train';
  /** the heads to score (default: every head) */
  readonly heads?: readonly string[];
  /** 'best' (default: the run's best epoch) or 'last' */
  readonly checkpoint?: 'best' | 'last';
}

export interface Evaluation {
  readonly run: string;
  readonly split: 'validation' | 'test' | 'train';
  readonly checkpoint: 'best' | 'last';
  /** per head what `nnc evaluate --format json` prints under "heads" */
  readonly heads: Readonly<Record<string, { readonly task: string; readonly count: number; readonly metrics: Readonly<Record<string, number>>; readonly report: HeadReport }>>;
}

/**
 * Scores a project's stored run on one of its splits, with the metrics
 * `nnc evaluate` computes (src/runtime/metrics; unlike the command, nothing
 * is stored). Throws a sentence when there is no run, the files do not
 * compile, or the model no longer fits them.
 */
export async function evaluate(dir: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const { resolve } = await import('node:path');
  const project = resolve(dir);
  const { compile } = await import('../compiler/index.js');
  const compiled = compile(project);
  if (!compiled.plan || !compiled.data) throw new Error(`The project's files do not compile ('nnc check' lists the errors), so its splits cannot be read.`);
  const { tf } = await loadTf(options.backend);
  const { findRun, loadRun } = await import('../runtime/predict/load.js');
  const { evaluateHeads } = await import('../runtime/metrics/evaluate-run.js');
  const store = await openStore(project, { ...options, readonly: true });
  try {
    const run = findRun(store, options.run);
    if (typeof run === 'string') throw new Error(run);
    const loaded = await loadRun(tf, store, run, options.checkpoint ?? 'best');
    if (typeof loaded === 'string') throw new Error(loaded);
    try {
      const plan = compiled.plan;
      if (plan.modelHash !== loaded.plan.modelHash) {
        throw new Error(`The model of run ${run.id} was built from another model than the project's files now give (model hash ${loaded.plan.modelHash.slice(0, 8)}, now ${plan.modelHash.slice(0, 8)}), so it cannot score their splits. Train again.`);
      }
      const unknown = (options.heads ?? []).filter((h) => !plan.heads.some((p) => p.name === h));
      if (unknown.length) throw new Error(`The project has no head ${unknown.map((h) => `'${h}'`).join(', ')}. Its heads: ${plan.heads.map((h) => `'${h.name}'`).join(', ')}.`);
      const heads = options.heads ? plan.heads.filter((h) => options.heads!.includes(h.name)) : plan.heads;
      const split = options.split ?? (plan.project.training.testSplit > 0 ? 'test' : 'validation');
      const results = await evaluateHeads({ tf, plan, model: loaded.model, scaling: loaded.scaling, heads, source: { kind: 'split', split, data: compiled.data } });
      return {
        run: run.id,
        split,
        checkpoint: loaded.checkpoint.which === 'last' ? 'last' : 'best',
        heads: Object.fromEntries(results.map((r) => [r.head.name, { task: r.head.task, count: r.report.count, metrics: r.metrics, report: r.report }])),
      };
    } finally {
      loaded.model.dispose();
    }
  } finally {
    store.close();
  }
}
