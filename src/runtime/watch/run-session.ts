// One run, as the worker (and the in-process driver) does it: create the run
// in the store, build the model, warm-start it from the parent run, train with
// the run's AbortSignal, store metrics, logs, snapshots and checkpoints, end
// the run. Events go out as DriverEvents.
//
// The warm start prefers the parent's model still in memory (the previous run
// of this worker: no disk round trip), else the parent's checkpoint.
import type { Plan } from '../../compiler/plan.js';
import type { WarmStartView } from '../../shared/protocol.js';
import type { Tf } from '../backend/index.js';
import { buildModel } from '../emit/build.js';
import type { LayersModel } from '../emit/tf.js';
import { warmStart } from '../emit/warm-start.js';
import { checkpointHandler, hasCheckpoint, writeCheckpointExtras } from '../store/checkpoint.js';
import { gitState } from '../store/git.js';
import type { LogEntry, MetricPoint, RunStore } from '../store/types.js';
import { train } from '../train/loop.js';
import type { DriverEvent, EndStatus, RunRequest } from './driver.js';

export interface SessionContext {
  readonly tf: Tf;
  readonly backend: string;
  readonly store: RunStore;
  readonly projectDir: string;
  /** the last run's trained model, kept for the next warm start */
  last: { readonly runId: string; readonly plan: Plan; readonly model: LayersModel } | null;
}

export interface RunControl {
  readonly signal: AbortSignal;
  /** the status a stop request asked for */
  readonly stopStatus: () => EndStatus;
  readonly post: (event: DriverEvent) => void;
}

export async function runSession(ctx: SessionContext, request: RunRequest, control: RunControl): Promise<void> {
  const { tf, store } = ctx;
  const { plan } = request;
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
    info: { epochs: request.epochs ?? plan.project.training.epochs, seed: plan.project.training.seed, source: request.source ?? 'watch' },
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
  try {
    model = buildModel(tf, plan);
    warm = await warmStartFrom(ctx, model, request, log);
    post({ type: 'run_started', run: record, warmStart: warm });

    const dir = store.runDir(runId);
    const result = await train({
      tf,
      plan,
      model,
      signal,
      ...(request.epochs !== undefined ? { epochs: request.epochs } : {}),
      events: {
        onStats(stats) {
          const points: MetricPoint[] = [
            ...Object.entries(stats.losses).map(([head, value]) => ({ step: stats.step, epoch: stats.epoch, name: `${head}.loss`, value })),
            ...Object.entries(stats.metrics).map(([name, value]) => ({ step: stats.step, epoch: stats.epoch, name, value })),
            { step: stats.step, epoch: stats.epoch, name: 'lr', value: stats.lr },
            { step: stats.step, epoch: stats.epoch, name: 'grad_norm', value: stats.gradNorm },
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
        async onCheckpoint() {
          await model!.save(checkpointHandler(dir));
          await writeCheckpointExtras(dir, { plan });
        },
      },
    });
    store.updateBest(runId, { ...result.best });
    const status = result.status === 'stopped' ? control.stopStatus() : 'completed';
    store.endRun(runId, status, {
      epochs: result.epochs,
      steps: result.steps,
      samplesPerSecond: result.samplesPerSecond,
      durationMs: result.durationMs,
      stoppedEarly: result.stoppedEarly,
      baselines: result.baselines,
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
  }
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
    const dir = store.runDir(parentId);
    sourcePlan = store.getPlan(parentId) as Plan | null;
    if (sourcePlan && hasCheckpoint(dir)) {
      try {
        source = await tf.loadLayersModel(checkpointHandler(dir));
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
