// The multi-task training loop: batches round-robin over heads, one optimizer
// over the shared trunk, metrics read from the device only at the stats and
// snapshot cadence and at epoch ends. Independent of the CLI and the store.
import type { LogLevel } from '../store/types.js';
import type { Tensor } from '../emit/tf.js';
import { baseline } from './baselines.js';
import { epochBatches, makeBatch } from './batches.js';
import { evaluateHead } from './evaluate.js';
import { prepareData } from './examples.js';
import { metricsFromSums } from './losses.js';
import { createMonitor } from './monitor.js';
import { createOptimizer, learningRateAt, setLearningRate } from './schedule.js';
import { createResourceMeter } from './resources.js';
import { createSampleLogger, DEFAULT_LOGGED_SAMPLES, SAMPLES_CATEGORY } from './sample-log.js';
import { probeGradNorms, takeSnapshot } from './snapshot.js';
import { createHeadRunner, trainStep } from './step.js';
import type { ModelMetadata, TrainingState, TrainOptions, TrainResult } from './types.js';
import { formatBytes } from '../../shared/format-bytes.js';

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { tf, plan, model, signal, events = {} } = options;
  const training = plan.project.training;
  const epochs = options.epochs ?? training.epochs;
  const statsEvery = Math.max(1, options.statsEvery ?? 10);
  const weightsEvery = Math.max(1, plan.project.monitor.weightsEvery);
  const log = (level: LogLevel, message: string, spam = false) =>
    events.onLog?.({ time: Date.now(), level, category: 'train', message, spam });

  const data = options.data ?? prepareData(plan);
  for (const { head, train: t, validation: v } of data.heads) {
    if (t.count === 0) log('warning', `Head '${head.name}' has no training samples and is not trained.`);
    else log('info', `Head '${head.name}': ${t.count} training and ${v.count} validation samples.`);
  }
  const trainable = data.heads.filter((d) => d.train.count > 0);
  if (trainable.length === 0) throw new Error('No head has training samples: add samples to a dataset of one of the heads.');
  const runners = trainable.map((d) => createHeadRunner(tf, model, d, data.scaling.targets[d.head.name]?.std ?? null));
  const params = model.countParams();
  log('info', `Model '${plan.project.name}': ${params.toLocaleString('en-US')} parameters (${formatBytes(params * 4)} of float32 weights); ${tf.memory().numTensors} tensors in memory.`);
  const baselines = data.heads.flatMap((d) => baseline(d, data.scaling) ?? []);
  for (const b of baselines) log('info', `Baseline for head '${b.head}' (${b.description}): ${describe(b.metrics)}.`);
  // Checkpoints carry what prediction needs beyond the plan (see predict/load.ts).
  model.setUserDefinedMetadata({ nnc: { scaling: data.scaling } satisfies ModelMetadata });
  const optimizer = createOptimizer(tf, training);
  const variableOrder = model.trainableWeights.map((w) => w.name);
  const resume = options.resume;
  const monitor = createMonitor({ training, heads: runners.map((r) => ({ head: r.head, validated: r.data.validation.count > 0 })), log, ...(resume ? { resume: resume.monitor } : {}) });
  log('info', `The best checkpoint is the epoch with the ${monitor.mode === 'max' ? 'highest' : 'lowest'} '${monitor.name}'${monitor.earlyName ? `; early stopping watches '${monitor.earlyName}'` : ''}.`);
  if (resume) await restoreOptimizer(tf, optimizer, resume);
  const resources = createResourceMeter();
  const asked = plan.project.monitor.samples;
  const sampleLogger = createSampleLogger(tf, plan, runners, data.scaling, asked ?? DEFAULT_LOGGED_SAMPLES);
  if (sampleLogger) log('info', `Logging ${sampleLogger.count} validation sample${sampleLogger.count === 1 ? '' : 's'} through the model at every weight snapshot (monitor.samples: ${asked ?? `${DEFAULT_LOGGED_SAMPLES}, the default`}; 'nnc logs --kind samples' shows them).`);
  else if ((asked ?? DEFAULT_LOGGED_SAMPLES) > 0) log('info', 'No sample is logged at snapshots: no head has validation samples.');
  const logSamples = async (atStep: number, atEpoch: number) => {
    if (!sampleLogger) return;
    for (const entry of await sampleLogger.run(atStep, atEpoch)) {
      // not spam: the viewer's channel keeps only the newest of a burst of spam lines, and each sample counts
      events.onLog?.({ time: Date.now(), level: 'info', category: SAMPLES_CATEGORY, message: JSON.stringify(entry), spam: false });
    }
  };

  // Device-side running sums: per head [see metricSums] for the epoch, and
  // [Σ grad norm, clipped steps] for the run.
  let headSums: Tensor[] = runners.map(() => tf.zeros([3]));
  let runSums: Tensor = tf.zeros([2]);
  const add = (total: Tensor, part: Tensor) => {
    const next = tf.add(total, part);
    total.dispose();
    part.dispose();
    return next;
  };
  let lastRead = { heads: runners.map(() => [0, 0, 0]), run: [0, 0], step: 0, samples: 0, time: Date.now() };

  const started = Date.now();
  let step = resume?.step ?? 0;
  let samples = 0;
  let epoch = resume?.epoch ?? 0;
  let current = epoch; // 1-based number of the epoch under way
  let skip = resume?.batchesDone ?? 0; // batches of the resumed epoch trained before the stop
  if (resume) log('info', `Resuming after epoch ${resume.epoch}${skip ? ` and ${skip} batches of epoch ${resume.epoch + 1}` : ''} (step ${resume.step}) with the optimizer's state.`);
  let stopped = false;
  let stoppedEarly = false;
  let final: Record<string, number> = {};
  // the run's last batch: the final snapshot's gradient norms are measured on it
  let lastBatch: { head: number; indices: readonly number[] } | null = null;

  const readSums = async () => {
    const flat = tf.concat([...headSums, runSums]);
    const values = Array.from(await flat.data());
    flat.dispose();
    return { heads: runners.map((_, i) => values.slice(i * 3, i * 3 + 3)), run: values.slice(-2) };
  };

  const state = async (finished: number, batchesDone: number): Promise<TrainingState> => {
    const weights = await optimizer.getWeights();
    try {
      const encoded = await tf.io.encodeWeights(weights);
      return { epoch: finished, step, batchesDone, monitor: monitor.state(), optimizer: { className: optimizer.getClassName(), ...encoded } };
    } finally {
      weights[0]?.tensor.dispose(); // the iteration count, a fresh scalar; the rest are the optimizer's own variables
    }
  };

  const emitStats = async (lr: number, stepsPerEpoch: number) => {
    const sums = await readSums();
    const now = Date.now();
    const losses: Record<string, number> = {};
    const metrics: Record<string, number> = {};
    runners.forEach(({ head }, i) => {
      const window = sums.heads[i].map((v, j) => v - lastRead.heads[i][j]);
      if (window[1] <= 0) return;
      for (const [name, value] of Object.entries(metricsFromSums(head, window))) {
        if (name === 'loss') losses[head.name] = value;
        else metrics[`${head.name}.${name}`] = value;
      }
    });
    const steps = Math.max(step - lastRead.step, 1);
    const stats = {
      step,
      epoch: current,
      epochs,
      stepsPerEpoch,
      losses,
      metrics,
      lr,
      gradNorm: (sums.run[0] - lastRead.run[0]) / steps,
      clipped: sums.run[1],
      samplesPerSecond: ((samples - lastRead.samples) * 1000) / Math.max(now - lastRead.time, 1),
      elapsedMs: now - started,
      memory: { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes },
      resources: resources.read(),
    };
    lastRead = { ...sums, step, samples, time: now };
    events.onStats?.(stats);
    const parts = Object.entries(losses).map(([h, v]) => `${h} loss ${v.toFixed(4)}`);
    log('debug', `epoch ${current} step ${step}: ${parts.join(', ')}, grad norm ${stats.gradNorm.toFixed(3)}`, true);
  };

  try {
    for (; epoch < epochs && !stopped && !stoppedEarly; epoch++) {
      current = epoch + 1;
      const epochStart = Date.now();
      const epochStep = step;
      const epochSamples = samples;
      const epochRun = lastRead.run;
      const lr = learningRateAt(training, epoch, epochs);
      setLearningRate(optimizer, lr);
      const batches = epochBatches(runners.map((r) => ({ name: r.head.name, count: r.data.train.count })), training.batchSize, training.seed, epoch);
      let batchesDone = 0;

      for (const planned of batches) {
        if (skip > 0) {
          skip--;
          batchesDone++;
          continue;
        }
        batchesDone++;
        const runner = runners[planned.head];
        lastBatch = planned;
        step++;
        samples += planned.indices.length;
        const snapshotNow = step % weightsEvery === 0;
        const batch = makeBatch(tf, runner.data.train, planned.indices);
        const out = trainStep(tf, optimizer, runner, batch, training.clipNorm, variableOrder, snapshotNow);
        tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
        headSums[planned.head] = add(headSums[planned.head], out.sums);
        runSums = add(runSums, tf.stack([out.gradNorm, out.clipped]));
        tf.dispose([out.gradNorm, out.clipped]);
        if (out.gradNorms) {
          const norms = await out.gradNorms.data();
          out.gradNorms.dispose();
          const byName = new Map(runner.weightNames.flatMap((name, i) => (norms[i] >= 0 ? [[name, norms[i]] as const] : [])));
          events.onSnapshot?.(await takeSnapshot(tf, model, byName, step, current));
          await logSamples(step, current);
        }
        if (step % statsEvery === 0) await emitStats(lr, batches.length);
        await nextTick();
        if (signal?.aborted) {
          stopped = true;
          log('info', `Stop requested: ending after step ${step}.`);
          break;
        }
      }
      // a stop on an epoch's last batch still ends that epoch (validation, checkpoints); mid-way it saves where it is
      if (stopped && batchesDone < batches.length) {
        const watched = { name: monitor.name, mode: monitor.mode, value: null };
        await events.onCheckpoint?.({ epoch: current, step, batchesDone, best: false, monitor: watched, state: () => state(current - 1, batchesDone) });
        break;
      }

      // Epoch end: the last stats window, training metrics from the device sums, then validation.
      if (step > lastRead.step) await emitStats(lr, batches.length);
      const sums = await readSums();
      const metrics: Record<string, number> = { lr, grad_norm: (sums.run[0] - epochRun[0]) / Math.max(step - epochStep, 1) };
      let loss = 0;
      let valLoss = 0;
      let everyHeadValidated = true;
      for (const [i, runner] of runners.entries()) {
        const name = runner.head.name;
        const fit = metricsFromSums(runner.head, sums.heads[i]);
        for (const [metric, value] of Object.entries(fit)) metrics[`${name}.${metric}`] = value;
        loss += runner.head.weight * fit.loss;
        const validated = await evaluateHead(tf, runner, runner.data.validation);
        if (validated) {
          for (const [metric, value] of Object.entries(validated)) metrics[`${name}.val_${metric}`] = value;
          valLoss += runner.head.weight * validated.loss;
        } else everyHeadValidated = false;
      }
      metrics.loss = loss;
      if (everyHeadValidated) metrics.val_loss = valLoss;
      headSums.forEach((t) => t.dispose());
      headSums = runners.map(() => tf.zeros([3]));
      lastRead = { heads: runners.map(() => [0, 0, 0]), run: sums.run, step, samples, time: lastRead.time };
      final = metrics;

      const durationMs = Date.now() - epochStart;
      const { improved, stop } = monitor.update(metrics, current);
      await events.onEpoch?.({
        epoch: current,
        epochs,
        step,
        metrics,
        durationMs,
        samplesPerSecond: ((samples - epochSamples) * 1000) / Math.max(durationMs, 1),
        improved,
      });
      log('info', `Epoch ${current}/${epochs}: ${describe(metrics)}.`);
      const watched = { name: monitor.name, mode: monitor.mode, value: metrics[monitor.name] ?? null };
      await events.onCheckpoint?.({ epoch: current, step, batchesDone: 0, best: improved, monitor: watched, state: () => state(current, 0) });
      if (stop) {
        stoppedEarly = true;
        log('info', `Early stopping after epoch ${current}: '${monitor.earlyName}' did not improve for ${training.earlyStopping!.patience} epochs.`);
      }
    }
    if (step > 0 && step % weightsEvery !== 0) {
      // gradients at the final weights, on the last batch (and on each other head's first batch)
      const probes = runners.map((runner, i) => ({
        runner,
        indices: i === lastBatch?.head ? lastBatch.indices : Array.from({ length: Math.min(training.batchSize, runner.data.train.count) }, (_, j) => j),
      }));
      if (lastBatch) probes.unshift(probes.splice(lastBatch.head, 1)[0]);
      events.onSnapshot?.(await takeSnapshot(tf, model, await probeGradNorms(tf, probes), step, current));
      await logSamples(step, current);
    }
    const clippedSteps = (await readSums()).run[1];
    if (training.clipNorm !== null && clippedSteps > 0) {
      log('info', `Clipped the gradient norm to ${training.clipNorm} in ${clippedSteps} of ${step} steps.`);
    }
    const durationMs = Date.now() - started;
    const kept = monitor.state();
    if (kept.bestEpoch !== null) log('info', `Best epoch: ${kept.bestEpoch} ('${monitor.name}' ${describe({ v: kept.bestValue! }).slice(2)}); the run's model is its checkpoint.`);
    return {
      status: stopped ? 'stopped' : 'completed',
      stoppedEarly,
      epochs: epoch,
      steps: step,
      best: kept.best,
      final,
      checkpoint: { monitor: monitor.name, mode: monitor.mode, epoch: kept.bestEpoch, value: kept.bestValue },
      baselines,
      clippedSteps,
      samplesPerSecond: (samples * 1000) / Math.max(durationMs, 1),
      durationMs,
      scaling: data.scaling,
    };
  } finally {
    tf.dispose([...headSums, runSums]);
    runners.forEach((r) => r.targetStd?.dispose());
    optimizer.dispose();
  }
}

/** Puts a stopped run's optimizer state back: Adam's moments and step count, or the other optimizers' slots. */
async function restoreOptimizer(tf: TrainOptions['tf'], optimizer: ReturnType<typeof createOptimizer>, resume: TrainingState): Promise<void> {
  const saved = resume.optimizer;
  if (saved.className !== optimizer.getClassName()) {
    throw new Error(`The run to resume trained with the '${saved.className}' optimizer, this plan with '${optimizer.getClassName()}'.`);
  }
  const decoded = tf.io.decodeWeights(saved.data, [...saved.specs]);
  const weights = saved.specs.map((s) => ({ name: s.name, tensor: decoded[s.name] }));
  await optimizer.setWeights(weights);
  tf.dispose(Object.values(decoded));
}

function describe(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .filter(([name]) => name !== 'grad_norm')
    .map(([name, value]) => `${name} ${Math.abs(value) >= 0.001 || value === 0 ? value.toFixed(4) : value.toExponential(2)}`)
    .join(', ');
}
