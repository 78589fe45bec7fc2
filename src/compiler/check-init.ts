// training.init: a checkpoint folder inside the project whose weights new runs
// start from (what `nnc import` writes). The compiler reads only its
// model.json (text, through the host) and checks its weights manifest against
// the model: layers are matched by name, and a layer's weights must hold as
// many numbers as the plan's parameter count for it (the runtime compares
// every tensor's shape as it loads them: runtime/import/init-weights.ts).
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { readProjectFile, type CompilerHost } from './host.js';
import type { ValidDocument } from './validate.js';
import { MESSAGES } from './diagnostic-messages.js';

const MODEL_JSON_MAX_BYTES = 64 * 1024 * 1024;

export interface InitLayer {
  readonly name: string;
  readonly params: number;
}

export interface ManifestWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Weight names and shapes of a checkpoint's model.json, or a sentence saying why there are none. */
export function manifestWeights(modelJson: string): ManifestWeight[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(modelJson);
  } catch (error) {
    return `its model.json is not valid JSON (${(error as Error).message})`;
  }
  const groups = (parsed as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(groups)) return "its model.json has no 'weightsManifest'";
  const weights: ManifestWeight[] = [];
  for (const group of groups) {
    for (const w of (group as { weights?: unknown[] }).weights ?? []) {
      const { name, shape } = w as { name?: unknown; shape?: unknown };
      if (typeof name !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) return "its model.json has a weight without a name or shape";
      weights.push({ name, shape: shape as number[] });
    }
  }
  return weights;
}

/** The layer a weight belongs to: the part of its name before the first '/'. */
export function weightLayer(name: string): string {
  return name.split('/')[0];
}

export function checkInit(projectDir: string, document: ValidDocument, init: string | undefined, layers: readonly InitLayer[], host: CompilerHost): Diagnostic[] {
  if (init === undefined) return [];
  const at = (code: number, message: string, severity: 'error' | 'info' = 'error', notes?: string[]) =>
    diagnosticAt(document, ['training', 'init'], code, message, { severity, ...(notes ? { notes } : {}) });
  const path = host.resolve(projectDir, `${init}/model.json`);
  const read = readProjectFile(host, projectDir, path, MODEL_JSON_MAX_BYTES);
  if (typeof read !== 'string') {
    const why = read.reason === 'missing' ? 'there is no model.json in it' : read.error;
    return [at(MESSAGES.initUnreadable.code, `training.init names '${init}', which is not a checkpoint nnc can read: ${why}. Give a folder inside the project holding model.json and weights.bin (such as the 'init' folder 'nnc import' writes), or remove 'init'.`)];
  }
  const weights = manifestWeights(read);
  if (typeof weights === 'string') return [at(MESSAGES.initUnusable.code, `The checkpoint '${init}' cannot be used: ${weights}. Write it again ('nnc import'), or remove 'init'.`)];

  const byLayer = new Map<string, ManifestWeight[]>();
  for (const w of weights) byLayer.set(weightLayer(w.name), [...(byLayer.get(weightLayer(w.name)) ?? []), w]);
  const diagnostics: Diagnostic[] = [];
  const fresh: string[] = [];
  const misfits = new Set<string>();
  for (const layer of layers) {
    if (layer.params === 0) continue;
    const saved = byLayer.get(layer.name);
    if (!saved) {
      fresh.push(layer.name);
      continue;
    }
    const size = saved.reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1), 0);
    if (size !== layer.params) {
      misfits.add(layer.name);
      const shapes = saved.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ');
      diagnostics.push(at(MESSAGES.initShape.code, `Layer '${layer.name}' has ${layer.params} parameters, but the checkpoint '${init}' holds ${size} for it (${shapes}). Give the layer the shape it had when the checkpoint was written, rename it so that it starts fresh, or remove 'init'.`));
    }
  }
  const names = new Set(layers.map((l) => l.name));
  const unused = [...byLayer.keys()].filter((name) => !names.has(name));
  if (fresh.length > 0 || unused.length > 0) {
    const notes = [
      ...(fresh.length ? [`Start fresh (not in the checkpoint): ${fresh.map((n) => `'${n}'`).join(', ')}.`] : []),
      ...(unused.length ? [`Not used (no layer or head of that name): ${unused.map((n) => `'${n}'`).join(', ')}.`] : []),
    ];
    diagnostics.push(at(MESSAGES.initSummary.code, `The checkpoint '${init}' gives ${layers.filter((l) => l.params > 0 && byLayer.has(l.name) && !misfits.has(l.name)).length} of the model's layers and heads their starting weights; the others start fresh.`, 'info', notes));
  }
  return diagnostics;
}
