// `nnc import <model.json> --out dir`: a tfjs layers model -> an nnc project
// whose training starts from the model's weights. Steps: read the topology
// (read-model.ts), write the YAML (write-project.ts) and the weights as a
// weights-only checkpoint in init/, compile the project (check-init.ts checks
// the weights against it), build nnc's model, load the weights into it (every
// shape checked), run both models on the same inputs, and save nnc's model
// as the init/ checkpoint.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { buildModel } from '../emit/build.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { registerNncLayers as registerPortableLayers } from '../export/portable/portable-layers.js';
import type { Preprocess } from '../export/portable/preprocess.js';
import { registerNncLayers } from '../emit/nnc-layers.js';
import { checkpointHandler, writeCheckpointExtras } from '../store/checkpoint.js';
import { applyCheckpointWeights } from './init-weights.js';
import { readModel, type ImportedModel } from './read-model.js';
import { INIT_DIR, projectFiles } from './write-project.js';
import { MESSAGES } from '../../compiler/diagnostic-messages.js';

export interface ImportResult {
  readonly diagnostics: readonly Diagnostic[];
  /** null when there are errors */
  readonly plan: Plan | null;
  readonly files: readonly string[];
  /** largest difference between the source model's outputs and the imported project's on probe inputs (null: the source could not be run) */
  readonly maxDifference: number | null;
}

/** The most the imported model's outputs may differ from the source's before nnc says so. */
const TOLERANCE = 1e-4;

export async function importModel(tf: Tf, modelJsonPath: string, out: string, shown: string): Promise<ImportResult> {
  const diagnostics: Diagnostic[] = [];
  const failed = (): ImportResult => ({ diagnostics, plan: null, files: [], maxDifference: null });
  const error = (message: string) => diagnostics.push({ code: MESSAGES.importUnreadable.code, severity: 'error', message, file: shown, line: 1, column: 1, length: 1 });

  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (e) {
    error(`Cannot read '${shown}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message}. Give the model.json of a TensorFlow.js layers model.`);
    return failed();
  }
  const read = readModel(text, shown);
  diagnostics.push(...read.diagnostics);
  if (!read.model) return failed();
  const model = read.model;
  if (existsSync(out) && readdirSync(out).some((f) => /\.ya?ml$/.test(f) || f === INIT_DIR)) {
    error(`'${out}' already holds a project; import into a new or empty folder.`);
    return failed();
  }

  const folder = dirname(modelJsonPath);
  const beside = async <T>(name: string): Promise<T | null> => (existsSync(join(folder, name)) ? (JSON.parse(await readFile(join(folder, name), 'utf8')) as T) : null);
  const preprocess = await beside<Preprocess>('preprocess.json');
  const sourcePlan = await beside<Plan>('plan.json');
  const written = projectFiles(model, shown, preprocess, sourcePlan);
  diagnostics.push(...written.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return failed();

  // the source weights, renamed to the imported layers' names, as a weights-only checkpoint
  const source = await checkpointHandler(folder).load!().catch((e: Error) => e);
  if (source instanceof Error) {
    error(`Cannot read the weights of '${shown}': ${source.message}.`);
    return failed();
  }
  const rename = new Map([...model.layers, ...model.heads].map((l) => [l.source, l.name]));
  const specs = (source.weightSpecs ?? []).map((s) => {
    const [layer, ...rest] = s.name.split('/');
    return { ...s, name: [rename.get(layer) ?? layer, ...rest].join('/') };
  });
  await mkdir(join(out, INIT_DIR), { recursive: true });
  for (const [name, body] of Object.entries(written.files)) await writeFile(join(out, name), body);
  await writeFile(join(out, INIT_DIR, 'model.json'), `${JSON.stringify({ format: 'nnc-init-weights', weightsManifest: [{ paths: ['weights.bin'], weights: specs }] })}\n`);
  await writeFile(join(out, INIT_DIR, 'weights.bin'), new Uint8Array(source.weightData as ArrayBuffer));

  const compiled = compile(out);
  diagnostics.push(...compiled.diagnostics.filter((d) => d.code !== MESSAGES.headWithoutDataset.code)); // 'no dataset trains head': said once above
  const plan = compiled.plan;
  if (!plan) return failed();
  if (written.tokens && plan.vocabulary.tokens.join('\n') !== written.tokens.join('\n')) {
    error('The imported vocabulary compiles to other token ids than the model was trained with. This is a bug in nnc import; please report it.');
    return failed();
  }

  const nnc = buildModel(tf, plan);
  const weights = tf.io.decodeWeights(source.weightData as ArrayBuffer, specs);
  try {
    applyCheckpointWeights(nnc, new Map(specs.map((s) => [s.name, weights[s.name] as Tensor])), `'${shown}'`);
    const maxDifference = await compareWithSource(tf, plan, model, nnc, source);
    if (maxDifference === null) {
      diagnostics.push({ code: MESSAGES.importNote.code, severity: 'info', message: `The source model could not be run here, so the imported model was not compared with it.`, file: shown, line: 1, column: 1, length: 1 });
    } else if (maxDifference > TOLERANCE) {
      diagnostics.push({ code: MESSAGES.importOutputsDiffer.code, severity: 'warning', message: `The imported model's outputs differ from the source model's by up to ${maxDifference.toPrecision(3)} on the same inputs: a layer computes differently in nnc (see the warnings above).`, file: shown, line: 1, column: 1, length: 1 });
    }
    // init/ becomes a full nnc checkpoint of the same weights
    await rm(join(out, INIT_DIR), { recursive: true, force: true });
    await nnc.save(checkpointHandler(join(out, INIT_DIR)));
    await writeCheckpointExtras(join(out, INIT_DIR), { plan });
    return { diagnostics, plan, files: [...Object.keys(written.files), `${INIT_DIR}/model.json`, `${INIT_DIR}/weights.bin`, `${INIT_DIR}/plan.json`], maxDifference };
  } finally {
    tf.dispose(Object.values(weights));
    nnc.dispose();
  }
}

/** Both models on the same probe inputs: the largest difference of any head's output (null when the source does not load). */
async function compareWithSource(tf: Tf, plan: Plan, model: ImportedModel, nnc: LayersModel, source: Awaited<ReturnType<NonNullable<ReturnType<typeof checkpointHandler>['load']>>>): Promise<number | null> {
  let original: LayersModel;
  try {
    registerNncLayers(tf);
    registerPortableLayers(tf);
    original = await tf.loadLayersModel(tf.io.fromMemory(source));
  } catch {
    return null;
  }
  try {
    const width = plan.project.input.shape[0];
    const rows = 4;
    const text = plan.project.input.type === 'text';
    const size = plan.vocabulary.tokens.length;
    const values = Array.from({ length: rows * width }, (_, i) => {
      const r = Math.floor(i / width);
      const step = i % width;
      return text ? (step < Math.floor((r * width) / rows) ? 0 : 1 + ((step * 7 + r * 13) % Math.max(size - 1, 1))) : Math.sin(i * 1.7) * 2;
    });
    const x = text ? tf.tensor2d(Int32Array.from(values), [rows, width], 'int32') : tf.tensor2d(Float32Array.from(values), [rows, width]);
    const difference = tf.tidy(() => {
      const list = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);
      const ours = list(nnc.predict(x) as Tensor | Tensor[]);
      const theirs = list(original.predict(x) as Tensor | Tensor[]);
      const parts = plan.heads.map((head, i) => {
        const sourceName = model.heads.find((h) => h.name === head.name)?.output;
        const j = original.outputNames.findIndex((n) => n === sourceName);
        return tf.max(tf.abs(tf.sub(ours[i], theirs[j < 0 ? i : j])));
      });
      return tf.stack(parts).max();
    });
    x.dispose();
    const value = (await difference.data())[0];
    difference.dispose();
    return value;
  } catch {
    return null;
  } finally {
    original.dispose();
  }
}
