// An exported model ready to predict: the model from its files, and nnc's own
// predictor (runtime/predict) over preprocess.json. predict.js and `nnc serve`
// both use it, and `nnc predict` uses the same predictor, so all three print
// the same objects for the same inputs.
import type { PlanHead } from '../../../compiler/plan.js';
import type { LayersModel, Tf } from '../../emit/tf.js';
import { createPredictor, type Prediction, type Predictor } from '../../predict/predict.js';
import { checkInputs, headOf, planOf, type Preprocess } from './preprocess.js';

export type { Prediction, Preprocess };

export interface ExportFiles {
  /** model.json as parsed */
  readonly modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[]; userDefinedMetadata?: unknown; format?: string; generatedBy?: string; convertedBy?: string | null };
  /** the weight files of the manifest, in order, concatenated */
  readonly weights: ArrayBuffer;
  readonly preprocess: Preprocess;
}

export interface PredictOptions {
  /** the head to predict with (default: the first, as `nnc predict`) */
  readonly head?: string;
  /** generation: sample among the k likeliest tokens (default 1: greedy, as `nnc predict`) */
  readonly topK?: number;
}

export interface ExportedModel {
  readonly heads: readonly string[];
  readonly preprocess: Preprocess;
  readonly model: LayersModel;
  /** One prediction per input, in order: what `nnc predict --format json` prints for it. */
  predict(inputs: readonly (string | readonly number[])[], options?: PredictOptions): Promise<Prediction[]>;
  dispose(): void;
}

/** Loads the model (its nnc layer classes must be registered with `tf`) and wraps it. */
export async function openExport(tf: Tf, files: ExportFiles): Promise<ExportedModel> {
  const { modelJson, weights, preprocess } = files;
  if (preprocess.format !== 'nnc-preprocess/v1') throw new Error(`preprocess.json has format '${String(preprocess.format)}'; this predict.js reads 'nnc-preprocess/v1'.`);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as never,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights) as never,
      weightData: weights,
      userDefinedMetadata: modelJson.userDefinedMetadata as never,
    }),
  );
  return wrapModel(tf, model, preprocess);
}

/** An already loaded model with its preprocess.json. */
export function wrapModel(tf: Tf, model: LayersModel, preprocess: Preprocess): ExportedModel {
  const plan = planOf(preprocess);
  const predictors = new Map<string, Predictor>();
  const predictorFor = (head: PlanHead, topK: number) => {
    const key = `${head.name}/${topK}`;
    let predictor = predictors.get(key);
    if (!predictor) {
      predictor = createPredictor(tf, model, plan, head, preprocess.scaling, { topK });
      predictors.set(key, predictor);
    }
    return predictor;
  };
  return {
    heads: preprocess.heads.map((h) => h.name),
    preprocess,
    model,
    async predict(inputs, options = {}) {
      const head = headOf(preprocess, options.head);
      if (typeof head === 'string') throw new Error(head);
      const problem = checkInputs(preprocess, inputs, head);
      if (problem) throw new Error(problem);
      return predictorFor(head, options.topK ?? 1).predict(inputs);
    },
    dispose: () => model.dispose(),
  };
}
