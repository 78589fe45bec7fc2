// nnc: the library. compile() (from nnc/compiler) loads no TensorFlow.js;
// train, loadPredictor and registerNncLayers come from nnc/runtime, loaded on
// first use, so `import { compile } from 'nnc'` stays as light as nnc/compiler.
import type * as Runtime from './runtime.js';

export { compile, formatDiagnostics, type Compiled, type CompileOptions, type Diagnostic, type Plan, type PlanData } from './compiler.js';
export type {
  BackendOptions,
  EpochSummary,
  Evaluation,
  EvaluateOptions,
  LoadedPredictor,
  LoadPredictorOptions,
  LogEntry,
  Prediction,
  PredictOptions,
  RunRecord,
  Tf,
  TrainedRun,
  TrainOptions,
  TrainStats,
} from './runtime.js';

const runtime = () => import('./runtime.js');

/** Trains once and stores the run, as `nnc train` does (nnc/runtime's train). */
export async function train(...args: Parameters<typeof Runtime.train>): ReturnType<typeof Runtime.train> {
  return (await runtime()).train(...args);
}

/** A stored run or an export folder, ready to predict (nnc/runtime's loadPredictor). */
export async function loadPredictor(...args: Parameters<typeof Runtime.loadPredictor>): ReturnType<typeof Runtime.loadPredictor> {
  return (await runtime()).loadPredictor(...args);
}

/** Registers nnc's layer classes (attention, masked pooling, padding mask) with a TensorFlow.js instance, for tf.loadLayersModel on an export. */
export async function registerNncLayers(tf: Runtime.Tf): Promise<void> {
  (await runtime()).registerNncLayers(tf);
}

/** Scores a stored run on a split of its project, as `nnc evaluate` does (nnc/runtime's evaluate). */
export async function evaluate(...args: Parameters<typeof Runtime.evaluate>): ReturnType<typeof Runtime.evaluate> {
  return (await runtime()).evaluate(...args);
}
