// Starting weights from a checkpoint folder (training.init, and `nnc import`
// turning a tfjs model's weights into one): layers matched by name, every
// tensor's shape checked, layers the checkpoint does not hold left as they
// are. Reads the weight files itself (tf.io.decodeWeights), so the
// checkpoint's layer classes never need to be registered.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { weightLayer } from '../../compiler/check-init.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { checkpointHandler } from '../store/checkpoint.js';

type WeightSpec = Parameters<Tf['io']['decodeWeights']>[1][number];

export interface CheckpointWeights {
  /** weight name -> tensor, in manifest order */
  readonly tensors: Map<string, Tensor>;
  /** sha256 of the weight data, in manifest order */
  readonly hash: string;
}

/** The weights of a checkpoint folder (model.json and its weight files; nnc's staged saves too). */
export async function readCheckpointWeights(tf: Tf, dir: string): Promise<CheckpointWeights> {
  const artifacts = await checkpointHandler(dir).load!();
  const specs = (artifacts.weightSpecs ?? []) as WeightSpec[];
  const data = (artifacts.weightData ?? new ArrayBuffer(0)) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(data, specs);
  const hash = createHash('sha256').update(new Uint8Array(data)).digest('hex');
  return { tensors: new Map(specs.map((s) => [s.name, decoded[s.name] as Tensor])), hash };
}

export interface InitResult {
  /** layers whose weights came from the checkpoint */
  readonly loaded: string[];
  /** layers with weights the checkpoint does not hold */
  readonly fresh: string[];
}

/**
 * Writes the checkpoint's weights into `model`, layer by layer (by name). A
 * layer's weights are matched by their name after the layer's ('kernel',
 * 'bias'), else by order; shapes must agree. Throws a sentence on a mismatch
 * before writing anything.
 */
export function applyCheckpointWeights(model: LayersModel, weights: ReadonlyMap<string, Tensor>, source: string): InitResult {
  const byLayer = new Map<string, [string, Tensor][]>();
  for (const [name, tensor] of weights) byLayer.set(weightLayer(name), [...(byLayer.get(weightLayer(name)) ?? []), [name, tensor]]);
  const writes: [LayersModel['weights'][number], Tensor][] = [];
  const result: InitResult = { loaded: [], fresh: [] };
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const saved = byLayer.get(layer.name);
    if (!saved) {
      result.fresh.push(layer.name);
      continue;
    }
    if (saved.length !== layer.weights.length) {
      throw new Error(`Layer '${layer.name}' has ${layer.weights.length} weight tensors, but ${source} holds ${saved.length} for it (${saved.map(([n]) => `'${n}'`).join(', ')}).`);
    }
    const suffix = (name: string) => name.slice(name.indexOf('/') + 1);
    const bySuffix = new Map(saved.map(([name, tensor]) => [suffix(name), tensor]));
    const byName = layer.weights.every((w) => bySuffix.has(suffix(w.originalName)));
    layer.weights.forEach((w, i) => {
      const tensor = byName ? bySuffix.get(suffix(w.originalName))! : saved[i][1];
      const same = tensor.shape.length === w.shape.length && tensor.shape.every((d, k) => d === w.shape[k]);
      if (!same) throw new Error(`Weight '${w.originalName}' has shape [${w.shape.join(', ')}], but ${source} holds [${tensor.shape.join(', ')}] for it.`);
      writes.push([w, tensor]);
    });
    result.loaded.push(layer.name);
  }
  for (const [variable, tensor] of writes) variable.write(tensor);
  return result;
}

/** training.init at the start of a run: a log entry saying what was loaded (throws a sentence on a mismatch). */
export async function startFromInit(tf: Tf, model: LayersModel, projectDir: string, init: string): Promise<{ level: 'info'; category: string; message: string; spam: false }> {
  const source = `the checkpoint '${init}' (training.init)`;
  let weights: CheckpointWeights;
  try {
    weights = await readCheckpointWeights(tf, join(projectDir, init));
  } catch (error) {
    throw new Error(`Cannot read ${source}: ${(error as Error).message}`);
  }
  try {
    const { loaded, fresh } = applyCheckpointWeights(model, weights.tensors, source);
    const list = (names: string[]) => (names.length ? names.map((n) => `'${n}'`).join(', ') : 'none');
    return { level: 'info', category: 'init', spam: false, message: `Starting weights from ${source}, sha256 ${weights.hash.slice(0, 12)}: loaded ${list(loaded)}; fresh ${list(fresh)}.` };
  } finally {
    tf.dispose([...weights.tensors.values()]);
  }
}
