// Warm start (docs/format.md, "What the compiler produces"): keep the trained weights of every layer and head
// whose own hash did not change, copy embedding rows by token text, start the
// rest fresh. Generation heads are indexed by token too (their kernel columns
// and bias entries), so they are copied by token text like embeddings.
import type { Plan, PlanHead, PlanLayer } from '../../compiler/plan.js';
import type { LayersModel, Tensor, Tf } from './tf.js';

export interface WarmStartResult {
  /** layers and heads that start from trained weights (in full, or some embedding rows) */
  readonly reused: string[];
  /** layers and heads with weights that start from their initializers */
  readonly fresh: string[];
  /** embedding rows (and generation-head columns) copied by token text */
  readonly rowsCopied: number;
}

/** Trained weights: a model, or tensors by weight name ("hidden/kernel"). */
export type WeightSource = LayersModel | ReadonlyMap<string, Tensor>;

function sourceWeights(from: WeightSource, layer: string): Map<string, Tensor> {
  if (from instanceof Map) return new Map([...from].filter(([name]) => name.startsWith(`${layer}/`)));
  const model = from as LayersModel;
  if (!model.layers.some((l) => l.name === layer)) return new Map();
  return new Map(model.getLayer(layer).weights.map((w) => [w.originalName, w.read()]));
}

export function warmStart(tf: Tf, model: LayersModel, from: WeightSource, fromPlan: Plan, plan: Plan): WarmStartResult {
  const result = { reused: [] as string[], fresh: [] as string[], rowsCopied: 0 };
  const oldLayers = new Map<string, PlanLayer | PlanHead>([...fromPlan.layers, ...fromPlan.heads].map((l) => [l.name, l]));
  const oldIds = new Map(fromPlan.vocabulary.tokens.map((t, i) => [t, i]));
  // new token id -> old token id, for weights indexed by token
  const tokenMap = plan.vocabulary.tokens.map((t) => oldIds.get(t) ?? -1);

  for (const entry of [...plan.layers, ...plan.heads]) {
    const layer = model.getLayer(entry.name);
    if (layer.weights.length === 0) continue;
    const old = oldLayers.get(entry.name);
    const weights = old ? sourceWeights(from, entry.name) : new Map<string, Tensor>();
    let copied = false;
    if (old && isTokenIndexed(entry) && isTokenIndexed(old)) {
      const rows = copyByToken(tf, layer.weights, weights, tokenMap, 'type' in entry ? 0 : 1);
      result.rowsCopied += rows;
      copied = rows > 0;
    } else if (old && old.hash === entry.hash) {
      copied = layer.weights.every((w) => sameShape(weights.get(w.originalName), w.shape));
      if (copied) for (const w of layer.weights) w.write(weights.get(w.originalName)!);
    }
    (copied ? result.reused : result.fresh).push(entry.name);
  }
  return result;
}

function isTokenIndexed(entry: PlanLayer | PlanHead): boolean {
  return 'type' in entry ? entry.type === 'embedding' : entry.task === 'generation';
}

function sameShape(tensor: Tensor | undefined, shape: readonly (number | null)[]): boolean {
  return tensor !== undefined && tensor.shape.length === shape.length && tensor.shape.every((d, i) => d === shape[i]);
}

/**
 * Copies the slices along `axis` (0: embedding rows, 1: kernel columns; bias
 * entries on axis 0) of tokens present in both vocabularies. The other
 * dimensions must match.
 */
function copyByToken(
  tf: Tf,
  targets: LayersModel['weights'],
  sources: ReadonlyMap<string, Tensor>,
  tokenMap: readonly number[],
  axis: number,
): number {
  let copied = 0;
  for (const target of targets) {
    const source = sources.get(target.originalName);
    const tokenAxis = target.shape.length === 1 ? 0 : axis;
    if (!source || source.shape.length !== target.shape.length) continue;
    if (source.shape.some((d, i) => i !== tokenAxis && d !== target.shape[i])) continue;
    const oldCount = source.shape[tokenAxis];
    const keep = tokenMap.map((oldId) => oldId >= 0 && oldId < oldCount);
    const next = tf.tidy(() => {
      const fromOld = tf.gather(source, tokenMap.map((oldId, i) => (keep[i] ? oldId : 0)), tokenAxis);
      const maskShape = target.shape.map((_, i) => (i === tokenAxis ? tokenMap.length : 1)) as number[];
      const mask = tf.tensor(keep.map(Number), maskShape);
      return tf.add(tf.mul(fromOld, mask), tf.mul(target.read(), tf.sub(1, mask)));
    });
    target.write(next);
    next.dispose();
    if (target.shape.length > 1) copied += keep.filter(Boolean).length;
  }
  return copied;
}
