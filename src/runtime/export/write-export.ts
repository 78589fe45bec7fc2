// `nnc export`: a stored run as a folder that runs without nnc. Standard
// tfjs-layers classes where they compute what nnc's do (portable-topology.ts),
// nnc-layers.js for the rest, preprocess.json, predict.js, a model card, and
// the plan. Before writing, the converted model is loaded beside the trained
// one and both run on the same inputs: an export that would predict anything
// else is not written.
import type { Plan } from '../../compiler/plan.js';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { registerNncLayers } from '../emit/nnc-layers.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { checkpointHandler, writeCheckpointExtras } from '../store/checkpoint.js';
import type { RunRecord } from '../store/types.js';
import { encodeText } from '../train/encode.js';
import type { ModelMetadata } from '../train/types.js';
import { modelCard, renderModelCard, type ModelCard } from './model-card.js';
import { registerNncLayers as registerPortableLayers } from './portable/portable-layers.js';
import { PREPROCESS_FORMAT, type Preprocess } from './portable/preprocess.js';
import { toPortableTopology, type ConvertedLayer, type ModelTopology } from './portable-topology.js';

/** The most the exported model's outputs may differ from the trained model's on the probe inputs. */
const TOLERANCE = 1e-4;

export interface ExportRequest {
  /** the run's checkpoint folder */
  readonly from: string;
  readonly out: string;
  readonly run: RunRecord;
  readonly plan: Plan;
}

export interface ExportResult {
  readonly files: readonly string[];
  readonly layers: readonly ConvertedLayer[];
  /** nnc classes the export keeps (defined by nnc-layers.js) */
  readonly custom: readonly string[];
  /** largest difference between the trained and the exported model's outputs on the probe inputs */
  readonly maxDifference: number;
  readonly card: ModelCard;
}

/** Writes the export, or returns a sentence saying why it cannot. */
export async function writeExport(tf: Tf, request: ExportRequest): Promise<ExportResult | string> {
  const { from, out, run, plan } = request;
  const portable = portableFiles();
  if (typeof portable === 'string') return portable;
  const artifacts = await checkpointHandler(from).load!();
  const converted = toPortableTopology(artifacts.modelTopology as unknown as ModelTopology);
  if (!converted.ok) return converted.message;
  const exported: tfjs.io.ModelArtifacts = { ...artifacts, modelTopology: converted.topology as never };

  const maxDifference = await compareModels(tf, plan, artifacts, exported);
  if (!(maxDifference <= TOLERANCE)) {
    return `The converted model's outputs differ from the trained model's by ${maxDifference} (more than ${TOLERANCE}). This is a bug in nnc's export; please report it.`;
  }

  await mkdir(out, { recursive: true });
  await checkpointHandler(out).save!(exported);
  await writeCheckpointExtras(out, { plan });
  const metadata = (artifacts.userDefinedMetadata as { nnc?: ModelMetadata } | undefined)?.nnc;
  const card = modelCard(plan, run, converted.layers);
  await writeFile(join(out, 'preprocess.json'), `${JSON.stringify(preprocessOf(plan, metadata), null, 2)}\n`);
  await writeFile(join(out, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  await writeFile(join(out, 'README.md'), renderModelCard(card));
  for (const [name, source] of Object.entries(portable)) await copyFile(source, join(out, name));
  return {
    files: ['model.json', 'weights.bin', 'nnc-layers.js', 'predict.js', 'preprocess.json', 'card.json', 'README.md', 'plan.json'],
    layers: converted.layers,
    custom: converted.custom,
    maxDifference,
    card,
  };
}

/** predict.js and nnc-layers.js as the build wrote them (dist/portable/), from dist or from the sources. */
function portableFiles(): Record<string, string> | string {
  const names = ['predict.js', 'nnc-layers.js'];
  for (const dir of ['./portable/', '../../../dist/portable/']) {
    const paths = names.map((n) => fileURLToPath(new URL(`${dir}${n}`, import.meta.url)));
    if (paths.every((p) => existsSync(p))) return Object.fromEntries(names.map((n, i) => [n, paths[i]]));
  }
  return "nnc's build did not write predict.js and nnc-layers.js (dist/portable/): run 'npm run build' and export again.";
}

export function preprocessOf(plan: Plan, metadata: ModelMetadata | undefined): Preprocess {
  const { input } = plan.project;
  const generation = plan.heads.some((h) => h.task === 'generation');
  return {
    format: PREPROCESS_FORMAT,
    project: plan.project.name,
    input,
    text: input.type === 'text' ? { keep: keptEnd(plan), padding: 'left' } : null,
    vocabulary: { tokens: plan.vocabulary.tokens, special: plan.vocabulary.special },
    scaling: metadata?.scaling ?? null,
    heads: plan.heads.map(({ name, task, loss, classes, units, activation, pool }) => ({ name, task, loss, classes, units, activation, pool })),
    generation: generation ? { decoding: 'greedy', prompt: '<bos> prompt <sep>', stop: '<eos>', maxLength: input.maxLength } : null,
  };
}

/** Which end of a long text the encoder keeps, asked of the encoder itself (so the file says what the code does). */
function keptEnd(plan: Plan): 'start' | 'end' {
  const probe = {
    ...plan,
    project: { ...plan.project, input: { ...plan.project.input, tokenizer: 'word', lowercase: false, maxLength: 1 } },
    vocabulary: { ...plan.vocabulary, tokens: ['<pad>', '<unk>', 'a', 'b'] },
  } as Plan;
  return encodeText('a b', probe)[0] === 2 ? 'start' : 'end';
}

/** The trained and the converted model on the same inputs: the largest absolute difference of any output. */
async function compareModels(tf: Tf, plan: Plan, trained: tfjs.io.ModelArtifacts, exported: tfjs.io.ModelArtifacts): Promise<number> {
  registerNncLayers(tf);
  const original = await tf.loadLayersModel(tf.io.fromMemory(trained));
  // the export's own classes from here on (same names as nnc's, same computation)
  registerPortableLayers(tf);
  const converted = await tf.loadLayersModel(tf.io.fromMemory(exported));
  try {
    const x = probeInputs(tf, plan);
    const outputs = (model: LayersModel) => {
      const y = model.predict(x) as Tensor | Tensor[];
      return Array.isArray(y) ? y : [y];
    };
    const difference = tf.tidy(() => {
      const a = outputs(original);
      const b = outputs(converted);
      return tf.stack(a.map((t, i) => tf.max(tf.abs(tf.sub(t, b[i]))))).max();
    });
    x.dispose();
    const value = (await difference.data())[0];
    difference.dispose();
    return value;
  } finally {
    original.dispose();
    converted.dispose();
  }
}

/** A few inputs that exercise padding: text rows from full to mostly <pad>, feature rows of mixed sign. */
function probeInputs(tf: Tf, plan: Plan): Tensor {
  const { input } = plan.project;
  const rows = 4;
  const width = input.shape[0];
  if (input.type === 'features') {
    return tf.tensor2d(Float32Array.from({ length: rows * width }, (_, i) => Math.sin(i * 1.7) * 2), [rows, width]);
  }
  const size = plan.vocabulary.tokens.length;
  const ids = new Int32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const pads = Math.floor((r * width) / rows);
    for (let i = pads; i < width; i++) ids[r * width + i] = 1 + ((i * 7 + r * 13) % Math.max(size - 1, 1));
  }
  return tf.tensor2d(ids, [rows, width], 'int32');
}
