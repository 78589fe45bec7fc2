// Stage: Checked -> Plan, with content hashes (docs/format.md): one over the whole
// plan (dataset contents included); per layer and head one over its own
// config and input shape and one over itself and everything before it.
// The samples go beside the plan (PlanData), never in it: a plan is stored
// with every run and exported with every model.
import { createHash } from 'node:crypto';
import type { Checked } from './check.js';
import type { Plan, PlanDataset, PlanHead, PlanLayer, SourceRef } from './plan.js';
import type { PlanData } from './plan-data.js';
import type { LoadedDocument, PathSegment } from './load.js';
import { locate } from './load.js';

const HASH_LENGTH = 16;

export function hashOf(...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(typeof part === 'string' ? part : JSON.stringify(part)).update('\0');
  return h.digest('hex').slice(0, HASH_LENGTH);
}

function sourceRef(document: LoadedDocument, path: readonly PathSegment[]): SourceRef {
  const span = locate(document, path);
  return { file: document.file.relPath, line: span.line, column: span.column };
}

export function lower(checked: Checked): { plan: Plan; data: PlanData } {
  const { project, vocabulary } = checked;
  const special = (t: string) => vocabulary.ids.get(t) ?? null;
  const vocabularyHash = hashOf(vocabulary.tokens);
  const inputHash = hashOf(project.input);

  let chain = inputHash;
  const layers: PlanLayer[] = checked.layers.map((l) => {
    const hash = hashOf('layer', l.name, l.type, l.config, l.inputShape);
    chain = hashOf(chain, hash);
    return {
      name: l.name,
      type: l.type,
      config: l.config,
      inputShape: l.inputShape,
      outputShape: l.outputShape,
      params: l.params,
      hash,
      chainHash: chain,
      source: sourceRef(l.document, l.path),
    };
  });
  const chainOf = new Map(layers.map((l) => [l.name, l.chainHash]));

  const heads: PlanHead[] = checked.heads.map((h) => {
    const own = { task: h.task, loss: h.loss, labelSmoothing: h.labelSmoothing, classes: h.classes, pool: h.pool, units: h.units, activation: h.activation };
    const hash = hashOf('head', h.name, own, h.inputShape);
    return {
      name: h.name,
      attach: h.attach,
      ...own,
      weight: h.weight,
      ...(h.metrics ? { metrics: h.metrics } : {}),
      ...(h.classWeights !== undefined ? { classWeights: h.classWeights } : {}),
      inputShape: h.inputShape,
      outputShape: h.outputShape,
      params: h.params,
      hash,
      chainHash: hashOf(chainOf.get(h.attach) ?? '', hash),
      source: sourceRef(h.document, h.path),
    };
  });

  const datasets: PlanDataset[] = checked.datasets.map((d) => ({
    name: d.name,
    type: d.type,
    head: d.head,
    source: d.source,
    count: d.samples.count,
    split: d.split,
    classCounts: d.classCounts,
    // the content as written; the head's classes (in its hash) say what a label trains
    hash: hashOf(d.type, d.head, d.contentHash),
    sourceRef: sourceRef(d.document, ['name']),
  }));

  const params = layers.reduce((n, l) => n + l.params, 0) + heads.reduce((n, h) => n + h.params, 0);
  const modelHash = hashOf(inputHash, vocabularyHash, layers.map((l) => l.chainHash), heads.map((h) => h.chainHash));
  const body = {
    apiVersion: 'nnc/v1' as const,
    modelHash,
    project,
    vocabulary: {
      tokens: vocabulary.tokens,
      categories: vocabulary.categories,
      ...(vocabulary.dataTokens ? { dataTokens: vocabulary.dataTokens } : {}),
      special: { pad: 0 as const, unk: 1 as const, bos: special('<bos>'), sep: special('<sep>'), eos: special('<eos>') },
      hash: vocabularyHash,
    },
    layers,
    heads,
    datasets,
    totals: { params, trainable: params, weightBytes: params * 4 },
  };
  // source positions move when comments are edited; they do not change what trains
  const hash = hashOf(modelHash, project, datasets.map((d) => [d.name, d.hash]), heads.map((h) => [h.weight, h.metrics ?? null, h.classWeights ?? null]));
  return { plan: { hash, ...body }, data: { datasets: checked.datasets.map((d) => d.samples) } };
}
