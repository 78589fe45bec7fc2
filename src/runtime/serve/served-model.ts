// What `nnc serve` serves: an export folder (model.json + preprocess.json, as
// `nnc export` writes it) or a project's stored run. Either way the result is
// an ExportedModel, the same predictor predict.js and `nnc predict` use.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import type { Tf } from '../emit/tf.js';
import { modelCard } from '../export/model-card.js';
import { openExport, wrapModel, type ExportedModel } from '../export/portable/open-predictor.js';
import { registerNncLayers as registerPortableLayers } from '../export/portable/portable-layers.js';
import { toPortableTopology, type ModelTopology } from '../export/portable-topology.js';
import { preprocessOf } from '../export/write-export.js';
import { findRun, loadRun } from '../predict/load.js';
import { hasStore } from '../store/paths.js';
import type { ModelMetadata } from '../train/types.js';

export interface ServedModel {
  readonly model: ExportedModel;
  readonly card: unknown;
  /** for the start-up line: "run r1 of 'sentiment'" or "the export in model/" */
  readonly source: string;
  /** the stored run served (null for an export) */
  readonly runId: string | null;
}

export function isExportDir(dir: string): boolean {
  return existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'preprocess.json'));
}

/** The model in `dir`, or a sentence saying why there is none. */
/** `store`: a shared PostgreSQL store's URL (default NNC_STORE); neither: the folder's .nnc/nnc.db */
export async function loadServedModel(tf: Tf, dir: string, shown: string, runId: string | undefined, store = process.env.NNC_STORE || undefined): Promise<ServedModel | string> {
  if (isExportDir(dir)) {
    if (runId !== undefined) return `'${shown}' is an export (one model): --run applies to a project folder.`;
    try {
      const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const preprocess = JSON.parse(await readFile(join(dir, 'preprocess.json'), 'utf8'));
      const weights = Buffer.concat(await Promise.all((modelJson.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths).map((p) => readFile(join(dir, p)))));
      const card = existsSync(join(dir, 'card.json')) ? JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')) : { name: preprocess.project };
      registerPortableLayers(tf);
      const model = await openExport(tf, { modelJson, weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer, preprocess });
      return { model, card, source: `the export in ${shown}`, runId: null };
    } catch (error) {
      return `Cannot load the export in '${shown}': ${(error as Error).message}. Export it again with 'nnc export <project> --out ${shown}'.`;
    }
  }
  if (!store && !hasStore(dir)) {
    return `'${shown}' is neither an export (model.json + preprocess.json, written by 'nnc export') nor a project with stored runs. Train it with 'nnc train ${shown}' first.`;
  }
  // the PostgreSQL store's modules only for a shared store (start-up, BENCHMARKS.md)
  const runs = store ? (await import('../store/open-store.js')).openRunStore(dir, { readonly: true, store }) : (await import('../store/store.js')).createRunStore(dir, { readonly: true });
  try {
    const run = findRun(runs, runId);
    if (typeof run === 'string') return run;
    const loaded = await loadRun(tf, runs, run);
    if (typeof loaded === 'string') return loaded;
    const plan = loaded.plan as Plan;
    const metadata: ModelMetadata | undefined = loaded.scaling ? { scaling: loaded.scaling } : undefined;
    const model = wrapModel(tf, loaded.model, preprocessOf(plan, metadata));
    const converted = toPortableTopology(loaded.model.toJSON(null, false) as unknown as ModelTopology);
    const card = modelCard(plan, run, converted.ok ? converted.layers : []);
    return { model, card, source: `run ${run.id} of '${plan.project.name}'`, runId: run.id };
  } finally {
    runs.close();
  }
}
