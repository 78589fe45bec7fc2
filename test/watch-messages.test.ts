// The wire messages a watched project sends (src/runtime/watch/messages.ts)
// and what a viewer that connects late is sent (late-clients.ts), without
// TensorFlow.js or a file watcher: plans from real compiles, runs from a real
// store.
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import type { Plan } from '../src/compiler/plan.js';
import type { ServerMessage } from '../src/shared/protocol.js';
import { createRunStore } from '../src/runtime/store/store.js';
import type { RunRecord, RunStore } from '../src/runtime/store/types.js';
import type { EpochSummary, TrainStats } from '../src/runtime/train/types.js';
import { createLateClientState, RECENT_EPOCHS } from '../src/runtime/watch/late-clients.js';
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
} from '../src/runtime/watch/messages.js';
import { DEMO, removeTempProjects, tempProject } from './watch-helpers.js';

const stores: RunStore[] = [];
afterAll(() => {
  for (const s of stores) s.close();
  removeTempProjects();
});

function planOf(files: Record<string, string>): Plan {
  const result = compile(tempProject(files));
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.plan;
}

const A = planOf(DEMO);
// one more layer, and a sample with words the vocabulary did not have
const grown = planOf({
  ...DEMO,
  'layers.yaml': `${DEMO['layers.yaml']}  - {name: extra, type: dense, units: 4, activation: relu}\n`,
  'heads.yaml': DEMO['heads.yaml']!.replace('attach: hidden', 'attach: extra'),
  'datasets/reviews.yaml': `${DEMO['datasets/reviews.yaml']}  - {input: "zany zebras", label: 1}\n`,
});

function runs(): { store: RunStore; create(parentId?: string | null): RunRecord } {
  const store = createRunStore(tempProject(DEMO));
  stores.push(store);
  return {
    store,
    create: (parentId = null) => store.createRun({ planHash: A.hash, modelHash: A.modelHash, gitCommit: null, gitDirty: false, backend: 'cpu', parentId, plan: A }),
  };
}

const batch = (step: number, numTensors = 40): TrainStats => ({
  step,
  epoch: 1,
  epochs: 2,
  stepsPerEpoch: 4,
  losses: { sentiment: 1 / step },
  metrics: { 'sentiment.accuracy': 0.5 },
  lr: 0.01,
  gradNorm: 2,
  clipped: 0,
  samplesPerSecond: 100,
  elapsedMs: step * 10,
  memory: { numTensors, numBytes: numTensors * 64 },
});

const epochEnd = (epoch: number): EpochSummary => ({
  epoch,
  epochs: 8,
  step: epoch * 4,
  metrics: { 'sentiment.loss': 0.7 / epoch, loss: 0.7 / epoch, 'sentiment.val_loss': 0.8 / epoch, 'sentiment.val_accuracy': 0.5, lr: 0.01, grad_norm: 1.5 },
  durationMs: 100,
  samplesPerSecond: 90,
  improved: true,
});

describe('wire messages', () => {
  it('announce what a new plan adds: tokens, layers, and a new model', () => {
    const created = createdMessages('demo', A, grown);
    const tokens = created.find((m) => m.type === 'token_created');
    expect(tokens && tokens.type === 'token_created' && [...tokens.tokens].sort()).toEqual(['zany', 'zebras']);
    expect(created.find((m) => m.type === 'layer_created')).toEqual({ type: 'layer_created', project: 'demo', layers: ['extra'] });
    expect(created.find((m) => m.type === 'model_created')).toEqual({ type: 'model_created', project: 'demo', modelHash: grown.modelHash });
    expect(created.some((m) => m.type === 'head_created')).toBe(false);
    // nothing added, nothing announced
    expect(createdMessages('demo', A, planOf(DEMO))).toEqual([]);
    expect(createdMessages('demo', grown, A).map((m) => m.type)).toEqual(['model_created']);
  });

  it('name a diagnostic by its project-relative file, line and column', () => {
    const dir = tempProject({ ...DEMO, 'layers.yaml': DEMO['layers.yaml']!.replace('type: pool', 'type: poool') });
    const result = compile(dir);
    expect(result.plan).toBeNull();
    const message = diagnosticsMessage('demo', dir, result.diagnostics);
    const error = message.diagnostics.find((d) => d.severity === 'error')!;
    expect(error).toMatchObject({ file: 'layers.yaml', line: 5 });
    expect(error.message).toContain('poool');
    expect(compiledMessage('demo', A)).toMatchObject({ type: 'project_compiled', project: 'demo', summary: { planHash: A.hash } });
  });

  it('give an epoch end its per-head losses and the last batch window\'s memory', () => {
    const { create } = runs();
    const run = create();
    const last = batchStatsMessage('demo', run.id, batch(3, 57)).stats;
    expect(last).toMatchObject({ kind: 'batch', step: 3, progress: 3 / 8, numTensors: 57 });
    const epoch = epochStatsMessage('demo', run.id, epochEnd(2), ['sentiment'], last).stats;
    expect(epoch).toMatchObject({ kind: 'epoch', epoch: 2, losses: { sentiment: 0.35 }, numTensors: 57, memoryBytes: 57 * 64, learningRate: 0.01, gradNorm: 1.5 });
    expect(epoch.metrics).toEqual({ loss: 0.35, 'sentiment.val_loss': 0.4, 'sentiment.val_accuracy': 0.5 });
    expect(epochStatsMessage('demo', run.id, epochEnd(1), ['sentiment'], null).stats.numTensors).toBe(0);
  });

  it('give live log lines negative ids, and driver errors an error line', () => {
    const log = liveLogMessage('demo', 3, 'r1', { time: 5, level: 'info', category: 'warmstart', message: 'hi', spam: false });
    expect(log.log).toEqual({ id: -3, runId: 'r1', time: 5, level: 'info', category: 'warmstart', message: 'hi', spam: false, count: 1 });
    expect(driverErrorMessage('demo', 4, null, 'The worker failed.', 9).log).toEqual({ id: -4, runId: null, time: 9, level: 'error', category: 'train', message: 'The worker failed.', spam: false, count: 1 });
  });
});

describe('late clients', () => {
  it('get the plan, the diagnostics, the running run with its recent epochs and last batch, and the last weights', () => {
    const { create } = runs();
    const late = createLateClientState('demo');
    expect(late.replay()).toEqual([{ type: 'diagnostics', project: 'demo', diagnostics: [] }]);

    const sent: ServerMessage[] = [];
    const send = (m: ServerMessage) => {
      late.remember(m);
      sent.push(m);
    };
    send(diagnosticsMessage('demo', '/p', []));
    send(compiledMessage('demo', A));
    const run = create();
    send(runStartedMessage('demo', run, null));
    for (let epoch = 1; epoch <= 7; epoch++) {
      send(batchStatsMessage('demo', run.id, batch(epoch * 4)));
      send(epochStatsMessage('demo', run.id, epochEnd(epoch), ['sentiment'], late.lastBatch()));
    }
    send(batchStatsMessage('demo', run.id, batch(30)));
    send(weightsMessage('demo', run.id, { step: 30, epoch: 7, time: 1, tensors: [{ name: 'hidden/kernel', layer: 'hidden', shape: [8, 8], mean: 0, std: 1, min: -2, max: 2, histogram: [64], gradNorm: null }] }));
    send(liveLogMessage('demo', 1, run.id, { time: 1, level: 'info', category: 'train', message: 'x', spam: false }));

    const replay = late.replay();
    expect(replay.map((m) => m.type)).toEqual(['project_compiled', 'diagnostics', 'run_started', ...Array(RECENT_EPOCHS).fill('training_stats'), 'training_stats', 'weights_update']);
    const stats = replay.filter((m) => m.type === 'training_stats').map((m) => m.type === 'training_stats' && [m.stats.kind, m.stats.epoch, m.stats.step]);
    expect(stats).toEqual([3, 4, 5, 6, 7].map((e) => ['epoch', e, e * 4]).concat([['batch', 1, 30]]));
    // the very messages that were sent, not copies that could drift
    expect(replay[0]).toBe(sent[1]);
    expect(replay[2]).toBe(sent[2]);
    expect(late.lastBatch()).toMatchObject({ step: 30 });

    // the run ends: its stats go, the weights stay
    send(runEndedMessage('demo', { ...run, status: 'completed' }));
    expect(late.replay().map((m) => m.type)).toEqual(['project_compiled', 'diagnostics', 'weights_update']);

    // a new run starts afresh: no stats, no weights of the previous run
    const next = create(run.id);
    send(runStartedMessage('demo', next, { parentId: run.id, reused: ['embed'], fresh: [], remapped: [] }));
    send(batchStatsMessage('demo', run.id, batch(31))); // a straggler of the old run is not replayed
    const replayed = late.replay();
    expect(replayed.map((m) => m.type)).toEqual(['project_compiled', 'diagnostics', 'run_started']);
    expect(replayed[2]).toMatchObject({ run: { id: next.id, parentId: run.id }, warmStart: { parentId: run.id } });

    // the run's worker died: the run is not replayed as running
    late.forgetRun();
    expect(late.replay().map((m) => m.type)).toEqual(['project_compiled', 'diagnostics']);
  });

  it('keep the running run when another run\'s end arrives', () => {
    const { create } = runs();
    const late = createLateClientState('demo');
    const old = create();
    const current = create(old.id);
    late.remember(runStartedMessage('demo', current, null));
    late.remember(runEndedMessage('demo', { ...old, status: 'superseded' }));
    expect(late.replay().map((m) => m.type)).toEqual(['diagnostics', 'run_started']);
  });
});
