// Entry of the export's predict.js: raw text or feature vectors in, what
// `nnc predict --format json` prints out, with @tensorflow/tfjs as the only
// dependency. Node (files) and browsers (fetch):
//
//   import { load } from './predict.js';
//   const model = await load();              // or load('path/or/url/of/export/')
//   await model.predict(['a great movie']);  // [{class, probabilities}]
import * as tfjs from '@tensorflow/tfjs';
import { registerNncLayers } from './nnc-layers.js';
import { openExport, type ExportedModel, type ExportFiles, type PredictOptions, type Prediction, type Preprocess } from './open-predictor.js';

export type { ExportedModel, PredictOptions, Prediction, Preprocess };

export interface LoadOptions {
  /** another TensorFlow.js instance, e.g. @tensorflow/tfjs-node */
  readonly tf?: typeof tfjs;
}

type Reader = (name: string) => Promise<Uint8Array>;

const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Files in a folder (Node path or file: URL) or under a URL (fetch). */
async function readerFor(dir: string | URL): Promise<Reader> {
  const text = String(dir);
  const isUrl = dir instanceof URL || /^[a-z][a-z0-9+.-]*:/i.test(text);
  if (inNode && (!isUrl || text.startsWith('file:'))) {
    const fs = await import('node:fs/promises');
    const base = isUrl ? new URL(text.endsWith('/') ? text : `${text}/`) : null;
    const folder = text.endsWith('/') ? text : `${text}/`;
    return async (name) => new Uint8Array(await fs.readFile(base ? new URL(name, base) : `${folder}${name}`));
  }
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const base = new URL(text.endsWith('/') ? text : `${text}/`, page);
  return async (name) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) throw new Error(`Cannot load '${new URL(name, base).href}': HTTP ${response.status}.`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

/** Loads an nnc export: its model, its nnc layers and its preprocessing. `dir` defaults to this module's folder. */
export async function load(dir: string | URL = new URL('.', import.meta.url), options: LoadOptions = {}): Promise<ExportedModel> {
  const tf = options.tf ?? tfjs;
  registerNncLayers(tf);
  const read = await readerFor(dir);
  const json = async (name: string) => JSON.parse(new TextDecoder().decode(await read(name)));
  const [modelJson, preprocess] = (await Promise.all([json('model.json'), json('preprocess.json')])) as [ExportFiles['modelJson'], Preprocess];
  const parts = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map(read));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((offset, p) => (weights.set(p, offset), offset + p.byteLength), 0);
  return openExport(tf, { modelJson, weights: weights.buffer, preprocess });
}
