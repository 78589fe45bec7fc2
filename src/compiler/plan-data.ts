// The samples of a compiled project, beside its plan: compile() returns them
// as `data`, the training runtime encodes them, and nothing stores them (a
// run's plan.json holds dataset names, counts and hashes only). Compact on
// purpose: a million samples are a few typed arrays, not a million objects,
// and the whole thing crosses postMessage (structured clone) to a training
// worker as it is.
import type { Sample } from './plan.js';

/** Token ids of many texts end to end: text i is ids[offsets[i]] up to ids[offsets[i + 1]]. */
export interface TokenRuns {
  readonly ids: Int32Array;
  /** count + 1 entries */
  readonly offsets: Uint32Array;
}

/** One dataset's samples, in the order they are written; the fields a dataset's type uses are set, the others null. */
export interface DatasetSamples {
  /** the dataset's name in plan.datasets */
  readonly name: string;
  readonly count: number;
  /** each sample's input content key (split.ts): its split follows from it and the seed */
  readonly keys: Float64Array;
  /** each sample's split: SPLIT.train, SPLIT.validation or SPLIT.test */
  readonly split: Uint8Array;
  /** token ids of text inputs, or of generation prompts; full length (truncation happens when encoding) */
  readonly tokens: TokenRuns | null;
  /** generation: token ids of the targets */
  readonly targetTokens: TokenRuns | null;
  /** features inputs: count × features, as written (standardized when encoding) */
  readonly features: Float32Array | null;
  /** classification: the class index of each sample */
  readonly labels: Int32Array | null;
  /** regression: count × head units, as written */
  readonly targets: Float32Array | null;
  /** the first few samples, normalized as the plan's Sample (the viewer's preview) */
  readonly preview: readonly Sample[];
}

export interface PlanData {
  /** in plan.datasets order */
  readonly datasets: readonly DatasetSamples[];
}

/** How many samples of a dataset the viewer previews. */
export const PREVIEW_SAMPLES = 5;

export function tokenRun(runs: TokenRuns, index: number): Int32Array {
  return runs.ids.subarray(runs.offsets[index], runs.offsets[index + 1]);
}
