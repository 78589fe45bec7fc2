// A run's checkpoint: model.json + weights.bin in <project>/.nnc/runs/<id>/, in
// the layout tfjs-node's file:// handler writes, so `tf.loadLayersModel` (ours
// or tfjs-node's) reads it. Types only from TensorFlow.js: this module never
// loads it.
//
// Saving is atomic as a pair: both files are written into <dir>/.staging/, then a
// COMMITTED marker, then moved into place. A process killed before the marker
// leaves the previous checkpoint untouched (the next save or load ignores the
// half-written staging folder); killed after it, the staged files are complete
// and the loader prefers them, the next save finishes the move.
//
// A run keeps two checkpoints: runs/<id>/ holds its best epoch by the
// checkpoint's metric (the run's model: predict, export and warm starts use
// it) with checkpoint.json saying which epoch that is, and runs/<id>/last/
// holds the last epoch's weights with the training state a resumed run needs
// (state.json, optimizer.bin), saved in the same atomic step as the weights.
// Runs stored before there were two have one checkpoint, the last epoch's, in
// runs/<id>/.
import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointErrorFrom } from './store-error.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const STAGING = '.staging';
const COMMITTED = 'COMMITTED';

async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the renames durable on power loss; not every platform allows it.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/** Finishes a committed staging folder (moves its files into place) or discards an incomplete one. */
async function settle(dir: string): Promise<void> {
  const staging = join(dir, STAGING);
  if (!existsSync(staging)) return;
  if (existsSync(join(staging, COMMITTED))) {
    // weights first: until model.json moves, a loader takes model.json from staging
    const names = (await readdir(staging)).filter((n) => n !== COMMITTED);
    names.sort((a, b) => Number(a === MODEL_JSON) - Number(b === MODEL_JSON));
    for (const name of names) await rename(join(staging, name), join(dir, name));
    await syncDir(dir);
  }
  await rm(staging, { recursive: true, force: true });
}

function concatWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** Files saved with the weights, in the same atomic step (name -> contents). */
export type CheckpointFiles = Readonly<Record<string, string | Uint8Array>>;

async function save(dir: string, artifacts: tf.io.ModelArtifacts, files: CheckpointFiles = {}): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('Saving a model topology in binary (GraphDef) format is not supported; save a layers model.');
  }
  await mkdir(dir, { recursive: true });
  await settle(dir);
  const staging = join(dir, STAGING);
  await mkdir(staging);

  const weightSpecs = artifacts.weightSpecs ?? [];
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;

  const weights = concatWeights(artifacts.weightData);
  const json = JSON.stringify(modelJSON);
  // the files of one save are independent: written and synced at once (one wait for the disk, not one per
  // file); the marker only after all of them are durable, and it is empty: the folder's sync makes it so
  await Promise.all([
    writeDurably(join(staging, WEIGHTS_BIN), weights),
    ...Object.entries(files).map(([name, data]) => writeDurably(join(staging, name), data)),
    writeDurably(join(staging, MODEL_JSON), json),
  ]);
  await (await open(join(staging, COMMITTED), 'w')).close();
  await syncDir(staging);
  await settle(dir);

  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(modelJSON.modelTopology).length,
      weightSpecsBytes: JSON.stringify(weightSpecs).length,
      weightDataBytes: weights.byteLength,
    },
  };
}

/** Reads a checkpoint file, preferring a committed staged copy (a save was interrupted mid-move). */
async function readCheckpointFile(dir: string, name: string): Promise<Buffer> {
  if (existsSync(join(dir, STAGING, COMMITTED))) {
    try {
      return await readFile(join(dir, STAGING, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  try {
    return await readFile(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`No checkpoint in '${dir}': '${name}' does not exist. Train the model first.`);
    }
    throw error;
  }
}

/** Which files a load would read right now; a save in between changes it. */
async function version(dir: string): Promise<string> {
  const parts = await Promise.all(
    [join(dir, STAGING, COMMITTED), join(dir, MODEL_JSON), join(dir, WEIGHTS_BIN)].map((f) =>
      stat(f).then((s) => `${s.ino}:${s.mtimeMs}`, () => '-'),
    ),
  );
  return parts.join('|');
}

async function loadOnce(dir: string): Promise<tf.io.ModelArtifacts> {
  const modelJSON = JSON.parse((await readCheckpointFile(dir, MODEL_JSON)).toString('utf8')) as tf.io.ModelJSON;
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJSON.modelTopology,
    format: modelJSON.format,
    generatedBy: modelJSON.generatedBy,
    convertedBy: modelJSON.convertedBy,
  };
  if (modelJSON.weightsManifest != null) {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of modelJSON.weightsManifest) {
      for (const path of group.paths) buffers.push(await readCheckpointFile(dir, path));
      specs.push(...group.weights);
    }
    const all = Buffer.concat(buffers);
    artifacts.weightSpecs = specs;
    artifacts.weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  }
  if (modelJSON.trainingConfig != null) artifacts.trainingConfig = modelJSON.trainingConfig;
  if (modelJSON.signature != null) artifacts.signature = modelJSON.signature;
  if (modelJSON.userDefinedMetadata != null) artifacts.userDefinedMetadata = modelJSON.userDefinedMetadata;
  if (modelJSON.modelInitializer != null) artifacts.modelInitializer = modelJSON.modelInitializer;
  if (modelJSON.initializerSignature != null) artifacts.initializerSignature = modelJSON.initializerSignature;
  return artifacts;
}

async function load(dir: string): Promise<tf.io.ModelArtifacts> {
  // A save by another process while we read could pair an old model.json with
  // new weights: read again until nothing moved in between.
  for (let attempt = 0; ; attempt++) {
    const before = await version(dir);
    const artifacts = await loadOnce(dir);
    if ((await version(dir)) === before || attempt >= 4) return artifacts;
  }
}

/** Called with a checkpoint's folder once it is saved: a shared store uploads it (postgres/pg-store.ts). */
export type CheckpointSavedListener = (dir: string) => void;
const savedListeners = new Set<CheckpointSavedListener>();

/** Listens to every checkpoint this thread saves; returns the function that stops listening. */
export function onCheckpointSaved(listener: CheckpointSavedListener): () => void {
  savedListeners.add(listener);
  return () => savedListeners.delete(listener);
}

async function saveAndTell(dir: string, artifacts: tf.io.ModelArtifacts, files?: CheckpointFiles): Promise<tf.io.SaveResult> {
  const result = await save(dir, artifacts, files);
  for (const listener of savedListeners) listener(dir);
  return result;
}

/** A TensorFlow.js IOHandler reading and writing model.json + weights.bin (and `files` on save) in `dir`. */
export function checkpointHandler(dir: string, files?: CheckpointFiles): tf.io.IOHandler {
  return {
    // a full or read-only disk is a StoreError naming the folder (the previous checkpoint stays as it was)
    save: (artifacts) => saveAndTell(dir, artifacts, files).catch((error: unknown) => Promise.reject(checkpointErrorFrom(error, dir))),
    load: () => load(dir),
  };
}

/** True when `dir` holds a checkpoint that checkpointHandler(dir).load() can read. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, MODEL_JSON)) || existsSync(join(dir, STAGING, COMMITTED));
}

export interface CheckpointExtras {
  /** the run's plan, written as plan.json beside the model */
  readonly plan: unknown;
}

/** Writes plan.json next to a checkpoint (temp file + rename, so readers never see half a file). */
export async function writeCheckpointExtras(dir: string, extras: CheckpointExtras): Promise<void> {
  const temp = join(dir, `plan.json.${process.pid}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeDurably(temp, `${JSON.stringify(extras.plan, null, 2)}\n`);
    await rename(temp, join(dir, 'plan.json'));
  } catch (error) {
    await rm(temp, { force: true });
    throw checkpointErrorFrom(error, dir);
  }
  for (const listener of savedListeners) listener(dir);
}

/** The plan.json beside a checkpoint, or null when there is none. */
export async function readCheckpointPlan(dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export type CheckpointChoice = 'best' | 'last';

/** runs/<id>/last/: the last epoch's checkpoint and training state. */
export function lastCheckpointDir(runDir: string): string {
  return join(runDir, 'last');
}

/** What checkpoint.json beside a best checkpoint says. */
export interface BestCheckpointInfo {
  readonly epoch: number;
  readonly step: number;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly value: number;
}

export const BEST_INFO = 'checkpoint.json';

export interface ResolvedCheckpoint {
  readonly dir: string;
  readonly which: CheckpointChoice;
  /** the best epoch's info; null for the last checkpoint and for runs stored before best checkpoints */
  readonly best: BestCheckpointInfo | null;
  /** why the checkpoint asked for is not the one found, as a sentence; null when it is */
  readonly note: string | null;
}

/**
 * The folder of a run's best or last checkpoint, or null when the run saved
 * none. Best falls back to last for a run stopped before its first epoch
 * ended; runs stored before best checkpoints have only their last epoch's,
 * in the run's folder.
 */
export async function resolveCheckpoint(runDir: string, choice: CheckpointChoice): Promise<ResolvedCheckpoint | null> {
  const last = lastCheckpointDir(runDir);
  const hasBest = hasCheckpoint(runDir);
  const hasLast = hasCheckpoint(last);
  const best = hasBest ? await readBestInfo(runDir) : null;
  if (choice === 'last') {
    if (hasLast) return { dir: last, which: 'last', best: null, note: null };
    if (hasBest && best === null) return { dir: runDir, which: 'last', best: null, note: null };
    return null;
  }
  if (hasBest) {
    return { dir: runDir, which: best ? 'best' : 'last', best, note: best ? null : 'The run was stored before nnc kept best checkpoints: its model is its last epoch.' };
  }
  if (hasLast) return { dir: last, which: 'last', best: null, note: 'No epoch of the run finished, so it has no best checkpoint: using its last one.' };
  return null;
}

async function readBestInfo(dir: string): Promise<BestCheckpointInfo | null> {
  try {
    return JSON.parse((await readCheckpointFile(dir, BEST_INFO)).toString('utf8')) as BestCheckpointInfo;
  } catch {
    return null;
  }
}

/** The files of a training state (see train/types.ts TrainingState) to save with the last checkpoint. */
export function trainingStateFiles(state: { readonly optimizer: { readonly data: ArrayBuffer } } & Record<string, unknown>): CheckpointFiles {
  const { optimizer, ...rest } = state as { optimizer: { data: ArrayBuffer } & Record<string, unknown> } & Record<string, unknown>;
  const { data, ...described } = optimizer;
  return { 'state.json': JSON.stringify({ ...rest, optimizer: described }), 'optimizer.bin': new Uint8Array(data) };
}

/** The training state saved with a last checkpoint, or null when there is none (or it cannot be read). */
export async function readTrainingState(dir: string): Promise<Record<string, unknown> | null> {
  try {
    const state = JSON.parse((await readCheckpointFile(dir, 'state.json')).toString('utf8')) as Record<string, unknown> & { optimizer: Record<string, unknown> };
    const bytes = await readCheckpointFile(dir, 'optimizer.bin');
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return { ...state, optimizer: { ...state.optimizer, data } };
  } catch {
    return null;
  }
}
