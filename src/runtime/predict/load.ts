// A stored run's model, plan and scaling, for predict and export.
import type { Plan } from '../../compiler/plan.js';
import { dirname } from 'node:path';
import { registerNncLayers } from '../emit/nnc-layers.js';
import type { LayersModel, Tf } from '../emit/tf.js';
import { checkpointHandler, readCheckpointPlan, resolveCheckpoint, type CheckpointChoice, type ResolvedCheckpoint } from '../store/checkpoint.js';
import { resolveRunId } from '../store/run-id.js';
import type { RunRecord, RunStore } from '../store/types.js';
import type { Scaling } from '../train/scaling.js';
import type { ModelMetadata } from '../train/types.js';

/** The run asked for (its id or a unique start of it), else the pinned one, else the newest completed one; a sentence when there is none. */
export function findRun(store: RunStore, id: string | undefined): RunRecord | string {
  if (id !== undefined) return resolveRunId(store, id);
  const pinned = store.pinnedRun();
  return (
    (pinned === null ? null : store.getRun(pinned)) ??
    store.latestRun({ status: ['completed'] }) ??
    "This project has no completed run. Train one with 'nnc train', or pick a stopped run with --run <id> ('nnc runs' lists them)."
  );
}

export interface LoadedRun {
  readonly run: RunRecord;
  readonly plan: Plan;
  readonly model: LayersModel;
  /** null for checkpoints saved without nnc metadata (no scaling applied) */
  readonly scaling: Scaling | null;
  /** which of the run's checkpoints the model is (its best epoch unless asked for the last) */
  readonly checkpoint: ResolvedCheckpoint;
}

/** Loads a run's best (or last) checkpoint with the plan it was trained on (plan.json beside it, else the store's copy). */
export async function loadRun(tf: Tf, store: RunStore, run: RunRecord, choice: CheckpointChoice = 'best'): Promise<LoadedRun | string> {
  const dir = store.runDir(run.id);
  const checkpoint = await resolveCheckpoint(dir, choice);
  if (!checkpoint) return `Run '${run.id}' (${run.status}) saved no model: there is no checkpoint in '${dir}'.`;
  const plan = ((await readCheckpointPlan(dir)) ?? store.getPlan(run.id)) as Plan | null;
  if (!plan) return `Run '${run.id}' has no stored plan, so its model cannot be used.`;
  // <project>/.nnc/runs/<id>: the project's plugins define the model's plugin layer classes
  // (loaded only for a plan that has plugins: the plugin loader brings much of the compiler with it)
  if (plan.plugins?.length) {
    const { activatePlanPlugins } = await import('../../compiler/plugins/runtime-plugins.js');
    const plugins = activatePlanPlugins(plan, dirname(dirname(dirname(dir))));
    if (plugins) return plugins;
  }
  registerNncLayers(tf);
  const model = await tf.loadLayersModel(checkpointHandler(checkpoint.dir));
  const metadata = (model.getUserDefinedMetadata() as { nnc?: ModelMetadata } | undefined)?.nnc;
  return { run, plan, model, scaling: metadata?.scaling ?? null, checkpoint };
}

/** '--checkpoint best|last' as given on the command line; a sentence when it is neither. */
export function parseCheckpointChoice(value: unknown): CheckpointChoice | string {
  if (value === undefined) return 'best';
  if (value === 'best' || value === 'last') return value;
  return `'--checkpoint' is 'best' (the run's best epoch, the default) or 'last' (its last epoch), not '${String(value)}'.`;
}
