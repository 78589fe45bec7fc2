// One run, as `nnc train` and the session host (a training worker, or the
// in-process driver) do it: create the run in the store, build the model,
// warm-start it from the parent run, train with the run's AbortSignal, store
// metrics, logs, snapshots and checkpoints, end the run. Events go out as
// SessionEvents (types.ts).
//
// The warm start prefers the parent's model still in memory (the previous run
// of this worker, holding its best epoch's weights: no disk round trip), else
// the parent's best checkpoint. A resumed run (`nnc train --resume`) is a new
// run whose parent is the stopped one: it starts from the parent's last
// checkpoint with its optimizer state and epoch count, and inherits its best
// checkpoint until an epoch beats it.
import type { io } from '@tensorflow/tfjs';
import type { Plan } from '../../compiler/plan.js';
import type { WarmStartView } from '../../shared/protocol.js';
import type { Tf } from '../backend/index.js';
import { buildModel } from '../emit/build.js';
import type { LayersModel, Tensor } from '../emit/tf.js';
import { warmStart } from '../emit/warm-start.js';
import {
  BEST_INFO,
  checkpointHandler,
  lastCheckpointDir,
  readTrainingState,
  resolveCheckpoint,
  trainingStateFiles,
  writeCheckpointExtras,
  type BestCheckpointInfo,
} from '../store/checkpoint.js';
import { gitState } from '../store/git.js';
import type { LogEntry, MetricPoint, RunStore } from '../store/types.js';
import { train } from '../train/loop.js';
import { resourcePoints } from '../train/resources.js';
import { prepareData } from '../train/examples.js';
import type { TrainingState } from '../train/types.js';
import { guardCheckpoints } from '../watch/project-root.js';
import type { EndStatus, ResumeFrom, RunRequest, SessionEvent } from './types.js';
import { startFromInit } from '../import/init-weights.js';

export interface SessionContext {
  readonly tf: Tf;
  readonly backend: string;
  readonly store: RunStore;
  readonly projectDir: string;
  /** the last run's trained model, kept for the next warm start */
  last: { readonly runId: string; readonly plan: Plan; readonly model: LayersModel } | null;
}

/** A context for sessions that share TensorFlow.js, a store and the last run's model; releaseSession frees that model. */
export function createSessionContext(options: Omit<SessionContext, 'last'>): SessionContext {
  return { ...options, last: null };
}

/** Disposes the model the context kept for the next warm start (the store stays open: its owner closes it). */
export function releaseSession(ctx: SessionContext): void {
  ctx.last?.model.dispose();
  ctx.last = null;
}

export interface RunControl {
  readonly signal: AbortSignal;
  /** the status a stop request asked for */
  readonly stopStatus: () => EndStatus;
  readonly post: (event: SessionEvent) => void;
}

export async function runSession(ctx: SessionContext, request: RunRequest, control: RunControl): Promise<void> {
  const { tf, store } = ctx;
  const { plan, resume } = request;
  const { post, signal } = control;
  if (signal.aborted) return;
  const git = gitState(ctx.projectDir);
  const record = store.createRun({
    planHash: plan.hash,
    modelHash: plan.modelHash,
    gitCommit: git.commit,
    gitDirty: git.dirty,
    backend: ctx.backend,
    parentId: request.parentId,
    plan,
    info: {
      epochs: request.epochs ?? plan.project.training.epochs,
      seed: plan.project.training.seed,
      source: request.source ?? 'watch',
      ...(plan.overrides?.length ? { overrides: plan.overrides } : {}),
      ...(resume ? { resumedFrom: resume.runId, startEpoch: resume.state.epoch } : {}),
    },
  });
  const runId = record.id;
  const log = (entry: Omit<LogEntry, 'time'>) => {
    const full = { time: Date.now(), ...entry };
    store.addLog(runId, full);
    post({ type: 'log', runId, log: full });
  };

  let model: LayersModel | null = null;
  let kept = false;
  let warm: WarmStartView | null = null;
  // the best epoch's weights, for the next warm start in this worker
  let bestWeights: Map<string, Tensor> | null = null;
  const keepBest = (from: LayersModel) => {
    const next = new Map(from.weights.map((w) => [w.originalName, tf.clone(w.read())] as const));
    if (bestWeights) tf.dispose([...bestWeights.values()]);
    bestWeights = next;
  };
  try {
    model = buildModel(tf, plan);
    // training.init: the checkpoint's weights first; a warm start then overwrites the layers it reuses
    if (plan.project.training.init !== undefined && !resume) log(await startFromInit(tf, model, ctx.projectDir, plan.project.training.init));
    const dir = store.runDir(runId);
    if (resume) await resumeFrom(ctx, model, resume.runId, dir, keepBest, log);
    else warm = await warmStartFrom(ctx, model, request, log);
    post({ type: 'run_started', run: record, warmStart: warm });

    let planWritten = false;
    const result = await train({
      tf,
      plan,
      model,
      data: prepareData(plan, request.data),
      signal,
      ...(request.epochs !== undefined ? { epochs: request.epochs } : {}),
      ...(resume ? { resume: resume.state } : {}),
      // once the project folder is moved or removed, no checkpoint is written under its old path (project-root.ts)
      events: guardCheckpoints(ctx.projectDir, {
        onStats(stats) {
          const points: MetricPoint[] = [
            ...Object.entries(stats.losses).map(([head, value]) => ({ step: stats.step, epoch: stats.epoch, name: `${head}.loss`, value })),
            ...Object.entries(stats.metrics).map(([name, value]) => ({ step: stats.step, epoch: stats.epoch, name, value })),
            { step: stats.step, epoch: stats.epoch, name: 'lr', value: stats.lr },
            { step: stats.step, epoch: stats.epoch, name: 'grad_norm', value: stats.gradNorm },
            ...resourcePoints(stats),
          ];
          store.addMetrics(runId, points);
          post({ type: 'stats', runId, stats });
        },
        onLog(entry) {
          store.addLog(runId, entry);
          post({ type: 'log', runId, log: entry });
        },
        onSnapshot(snapshot) {
          store.addSnapshot(runId, snapshot);
          post({ type: 'snapshot', runId, snapshot });
        },
        onEpoch(summary) {
          // batch-window metrics are stored from the stats; an epoch adds its validation and totals
          const points = Object.entries(summary.metrics)
            .filter(([name]) => name.includes('val_') || name === 'loss')
            .map(([name, value]) => ({ step: summary.step, epoch: summary.epoch, name, value }));
          store.addMetrics(runId, points);
          store.recordEpochBest(runId, summary.metrics);
          post({ type: 'epoch', runId, summary });
        },
        async onCheckpoint(checkpoint) {
          const state = await checkpoint.state();
          const best: BestCheckpointInfo | null = checkpoint.best && checkpoint.monitor.value !== null
            ? { epoch: checkpoint.epoch, step: checkpoint.step, monitor: checkpoint.monitor.name, mode: checkpoint.monitor.mode, value: checkpoint.monitor.value }
            : null;
          // the weights are encoded once; the last checkpoint, the best one and plan.json are written
          // side by side (each atomic on its own, in its own folder or file), so their disk syncs overlap
          const artifacts = await modelArtifacts(tf, model!);
          await settleAll([
            checkpointHandler(lastCheckpointDir(dir), trainingStateFiles({ ...state })).save!(artifacts),
            best ? checkpointHandler(dir, { [BEST_INFO]: `${JSON.stringify(best)}\n` }).save!(artifacts) : null,
            planWritten ? null : writeCheckpointExtras(dir, { plan }),
          ]);
          if (best) keepBest(model!);
          planWritten = true;
        },
      }),
    });
    store.updateBest(runId, { ...result.best });
    // the run's model is its best epoch: that is what the next warm start in this worker starts from
    if (bestWeights && result.checkpoint.epoch !== result.epochs) {
      for (const w of model.weights) {
        const saved = (bestWeights as Map<string, Tensor>).get(w.originalName);
        if (saved) w.write(saved);
      }
    }
    const status = result.status === 'stopped' ? control.stopStatus() : 'completed';
    store.endRun(runId, status, {
      epochs: result.epochs,
      steps: result.steps,
      samplesPerSecond: result.samplesPerSecond,
      durationMs: result.durationMs,
      stoppedEarly: result.stoppedEarly,
      baselines: result.baselines,
      bestEpoch: result.checkpoint.epoch,
      checkpoint: { monitor: result.checkpoint.monitor, mode: result.checkpoint.mode, value: result.checkpoint.value },
      ...(warm ? { warmStart: warm } : {}),
    });
    keep(ctx, { runId, plan, model });
    kept = true;
    post({ type: 'run_ended', run: store.getRun(runId)! });
  } catch (error) {
    const message = (error as Error).message;
    log({ level: 'error', category: 'train', message: `The run failed: ${message}`, spam: false });
    store.endRun(runId, 'failed', { error: message, ...(warm ? { warmStart: warm } : {}) });
    post({ type: 'run_ended', run: store.getRun(runId)! });
  } finally {
    if (!kept) model?.dispose();
    if (bestWeights) tf.dispose([...(bestWeights as Map<string, Tensor>).values()]);
  }
}

/** The model as a checkpoint handler receives it (topology and weights, encoded once), to save in several folders. */
async function modelArtifacts(tf: Tf, model: LayersModel): Promise<io.ModelArtifacts> {
  let captured: io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    captured = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return captured!;
}

/** Waits for every write, then throws the first failure: no write is still under way when the caller hears of one. */
async function settleAll(writes: ReadonlyArray<Promise<unknown> | null>): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Loads the last checkpoint of the run to resume into `model`, and copies its
 * best checkpoint into the new run's folder (the resumed run's best so far).
 */
async function resumeFrom(
  ctx: SessionContext,
  model: LayersModel,
  parentId: string,
  dir: string,
  keepBest: (from: LayersModel) => void,
  log: (entry: Omit<LogEntry, 'time'>) => void,
): Promise<void> {
  const { tf, store } = ctx;
  const parentDir = store.runDir(parentId);
  const last = await resolveCheckpoint(parentDir, 'last');
  if (!last) throw new Error(`Run '${parentId}' saved no checkpoint to resume from.`);
  const loaded = await tf.loadLayersModel(checkpointHandler(last.dir));
  try {
    model.setWeights(loaded.weights.map((w) => w.read()));
  } finally {
    loaded.dispose();
  }
  const best = await resolveCheckpoint(parentDir, 'best');
  if (best?.which === 'best') {
    const artifacts = await checkpointHandler(best.dir).load!();
    await checkpointHandler(dir, { [BEST_INFO]: `${JSON.stringify(best.best)}\n` }).save!(artifacts);
    const parentBest = await tf.loadLayersModel(checkpointHandler(best.dir));
    try {
      keepBest(parentBest);
    } finally {
      parentBest.dispose();
    }
  }
  log({ level: 'info', category: 'train', message: `Resuming run '${parentId}' from its last checkpoint${best?.best ? `; its best epoch so far is ${best.best.epoch} ('${best.best.monitor}' ${best.best.value.toPrecision(4)})` : ''}.`, spam: false });
}

/** The saved training state of a run's last checkpoint, or a sentence saying why it cannot be resumed. */
export async function loadResume(store: RunStore, runId: string): Promise<ResumeFrom | string> {
  const last = await resolveCheckpoint(store.runDir(runId), 'last');
  if (!last) return `Run '${runId}' saved no checkpoint, so there is nothing to resume. Start a new run with 'nnc train'.`;
  const state = last.which === 'last' && last.dir !== store.runDir(runId) ? await readTrainingState(last.dir) : null;
  if (!state) return `Run '${runId}' has no saved training state (it was stored by an older nnc), so it cannot be resumed. Start a new run with 'nnc train'.`;
  return { runId, state: state as unknown as TrainingState };
}

function keep(ctx: SessionContext, last: NonNullable<SessionContext['last']>): void {
  if (ctx.last && ctx.last.model !== last.model) ctx.last.model.dispose();
  ctx.last = last;
}

/** Warm start from the parent: its model in memory when this worker trained it, else its checkpoint. */
async function warmStartFrom(
  ctx: SessionContext,
  model: LayersModel,
  request: RunRequest,
  log: (entry: Omit<LogEntry, 'time'>) => void,
): Promise<WarmStartView | null> {
  const parentId = request.parentId;
  if (!parentId) return null;
  const { tf, store } = ctx;
  let source: LayersModel | null = null;
  let sourcePlan: Plan | null = null;
  let loaded = false;
  if (ctx.last?.runId === parentId) {
    source = ctx.last.model;
    sourcePlan = ctx.last.plan;
  } else {
    // the parent's model: its best epoch (its last one for runs stored before best checkpoints)
    const checkpoint = await resolveCheckpoint(store.runDir(parentId), 'best');
    sourcePlan = store.getPlan(parentId) as Plan | null;
    if (sourcePlan && checkpoint) {
      try {
        source = await tf.loadLayersModel(checkpointHandler(checkpoint.dir));
        loaded = true;
      } catch (error) {
        log({ level: 'warning', category: 'warmstart', message: `The checkpoint of run '${parentId}' could not be read (${(error as Error).message}); every layer starts fresh.`, spam: false });
      }
    }
  }
  if (!source || !sourcePlan) {
    log({ level: 'info', category: 'warmstart', message: `Run '${parentId}' left no weights to start from; every layer starts fresh.`, spam: false });
    return { parentId, reused: [], fresh: [...request.plan.layers, ...request.plan.heads].map((l) => l.name), remapped: [] };
  }
  try {
    const result = warmStart(tf, model, source, sourcePlan, request.plan);
    const remapped = sourcePlan.vocabulary.hash === request.plan.vocabulary.hash
      ? []
      : request.plan.layers.filter((l) => l.type === 'embedding' && result.reused.includes(l.name)).map((l) => l.name);
    const list = (names: readonly string[]) => (names.length ? names.map((n) => `'${n}'`).join(', ') : 'none');
    log({
      level: 'info',
      category: 'warmstart',
      message: `Warm start from run '${parentId}': reused ${list(result.reused)}; fresh ${list(result.fresh)}${remapped.length ? `; embedding rows copied by token text in ${list(remapped)} (${result.rowsCopied} rows)` : ''}.`,
      spam: false,
    });
    return { parentId, reused: result.reused, fresh: result.fresh, remapped };
  } finally {
    if (loaded) source.dispose();
  }
}
