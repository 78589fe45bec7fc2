// Stage: semantics (NNC3xxx) and data (NNC4xxx, through data.ts). Names,
// references between kinds, shapes through every layer, head/loss/task rules,
// dataset type <-> head task, labels, feature lengths, the vocabulary.
// Returns a Checked model (everything the plan needs but hashes) or null.
import { diagnosticAt, relatedAt, type Diagnostic } from './diagnostics.js';
import type { CompilerHost } from './host.js';
import { canonicalLayerType, formatShape, layerRule } from './layer-types.js';
import type { LoadedDocument, PathSegment } from './load.js';
import type { PlanLayer, PlanProject, Shape } from './plan.js';
import type { Kind, RawDataset, RawHead, RawHeads, RawLayers, RawProject, ValidDocument } from './raw.js';
import { resolveProject } from './resolve-project.js';
import { suggest } from './suggest.js';
import { buildVocabulary, type VocabularyDraft } from './vocabulary.js';
import { checkHeads, type CheckedHead } from './check-heads.js';
import { checkMetrics } from './check-metrics.js';
import { checkDatasetSamples, checkSplitSettings, type CheckedDataset } from './check-datasets.js';
import { collectSamples, createTokenTable, tokenCounts, type DatasetInput } from './dataset-columns.js';
import { checkMonitors } from './check-monitor.js';
import { checkInit } from './check-init.js';
import { fill, MESSAGES } from './diagnostic-messages.js';

/** A layer as the plan will hold it, before hashes, with where it is written. */
export type CheckedLayer = Omit<PlanLayer, 'hash' | 'chainHash' | 'source'> & {
  readonly document: LoadedDocument;
  readonly path: readonly PathSegment[];
};

export interface Checked {
  readonly project: PlanProject;
  readonly vocabulary: VocabularyDraft;
  readonly layers: readonly CheckedLayer[];
  readonly heads: readonly CheckedHead[];
  readonly datasets: readonly CheckedDataset[];
}

export type { DatasetInput };

const SINGULAR: Kind[] = ['Project', 'Tokens', 'Layers', 'Heads'];
const REQUIRED: Kind[] = ['Project', 'Layers', 'Heads'];

export function check(projectDir: string, documents: readonly ValidDocument[], host: CompilerHost, fallbackFile: string): { checked: Checked | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byKind = new Map<Kind, ValidDocument[]>();
  for (const d of documents) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);

  // a folder of projects (e.g. `nnc check projects/`): say so once instead of a flood of duplicates
  const projectDocs = byKind.get('Project') ?? [];
  const folders = new Set(projectDocs.map((d) => d.file.relPath.split('/').slice(0, -1).join('/')));
  if (projectDocs.length > 1 && folders.size === projectDocs.length && !folders.has('')) {
    const names = [...folders].sort();
    const first = projectDocs[0];
    diagnostics.push(diagnosticAt(first, ['kind'], MESSAGES.folderOfProjects.code, `This folder holds ${names.length} projects (${names.map((n) => `'${n}'`).join(', ')}), not one. Give the folder of one of them, such as '${names[0]}' inside this one.`));
    return { checked: null, diagnostics };
  }

  for (const kind of SINGULAR) {
    // Stryker disable next-line ArrayDeclaration: equivalent, a kind with no document has no second one either
    const list = byKind.get(kind) ?? [];
    for (const extra of list.slice(1)) {
      const first = list[0];
      const related = [relatedAt(first, ['kind'], `the first '${kind}' document`)];
      diagnostics.push(diagnosticAt(extra, ['kind'], MESSAGES.duplicateDocument.code, fill(MESSAGES.duplicateDocument.message, { kind, file: first.file.relPath }), { related }));
    }
  }
  const missing = REQUIRED.filter((k) => !(byKind.get(k)?.length));
  if (missing.length > 0) {
    const files: Record<string, string> = { Project: 'nnc.yaml', Layers: 'layers.yaml', Heads: 'heads.yaml' };
    for (const kind of missing) {
      diagnostics.push({ code: MESSAGES.missingDocument.code, severity: 'error', message: fill(MESSAGES.missingDocument.message, { kind, file: files[kind] }), file: fallbackFile, line: 1, column: 1, length: 1 });
    }
    return { checked: null, diagnostics };
  }

  const projectDoc = byKind.get('Project')![0];
  const project = resolveProject(projectDoc.value as RawProject);
  const textInput = project.input.type === 'text';
  // a features input has its length: the schema requires 'features' (NNC2004), at least 1 (NNC2009)

  // datasets first: the vocabulary and the heads' classes come from them
  const datasetDocs = byKind.get('Dataset') ?? [];
  const datasets: DatasetInput[] = [];
  // provisional ids of every token the datasets hold, with counts for the vocabulary
  const tokens = createTokenTable();
  const datasetNames = new Map<string, ValidDocument>();
  for (const document of datasetDocs) {
    const raw = document.value as RawDataset;
    const first = datasetNames.get(raw.name);
    if (first) {
      diagnostics.push(diagnosticAt(document, ['name'], MESSAGES.duplicateName.code, `The dataset name '${raw.name}' is already used in '${first.file.relPath}'. Dataset names must be unique; rename one.`, { related: [relatedAt(first, ['name'], `the first dataset named '${raw.name}'`)] }));
      continue;
    }
    datasetNames.set(raw.name, document);
    datasets.push(collectSamples(document, raw, project, projectDir, host, tokens, diagnostics));
  }

  const headsDoc = byKind.get('Heads')![0];
  // Stryker disable next-line ArrayDeclaration: unreachable, the schema requires 'heads'
  const rawHeads = (headsDoc.value as RawHeads).heads ?? [];
  const needsGeneration = rawHeads.some((h) => h.task === 'generation');
  checkMonitors(projectDoc, project, rawHeads, diagnostics);
  checkSplitSettings(projectDoc, projectDoc.value as RawProject, diagnostics);

  const counts = tokenCounts(tokens);
  const vocab = buildVocabulary({ document: byKind.get('Tokens')?.[0] ?? null, datasetCounts: counts, needsGenerationTokens: needsGeneration, textInput });
  diagnostics.push(...vocab.diagnostics);
  const vocabulary = vocab.vocabulary;

  const layersDoc = byKind.get('Layers')![0];
  const layers = checkLayers(layersDoc, project, vocabulary.tokens.length, diagnostics);
  if (!layers) return { checked: null, diagnostics };

  const heads = checkHeads({ document: headsDoc, raw: rawHeads, layers, layersDoc, project, vocabularySize: vocabulary.tokens.length, datasets, diagnostics });
  const checkedDatasets = checkDatasetSamples({ datasets, heads, project, vocabulary, tokens, diagnostics, headsDoc, declaredHeads: new Set(rawHeads.map((h) => h.name)), projectDoc });
  const measured = checkMetrics({ document: headsDoc, raw: rawHeads, heads, datasets: checkedDatasets, diagnostics });

  // a head without data trains nothing
  // a dataset naming an unknown head has said so (NNC3006); the head its message suggests is the one it was meant to train
  const headNames = heads.map((h) => h.name);
  const meant = new Set(datasets.filter((d) => !rawHeads.some((h) => h.name === d.raw.head)).map((d) => suggest(d.raw.head, headNames)));
  for (const head of heads) {
    if (meant.has(head.name)) continue;
    // a dataset that names the head but failed its own checks (a binary dataset on a 3-class head) has said so already
    // Stryker disable next-line ArrowFunction,ConditionalExpression: equivalent, a checked dataset trains the head its document names, which the second test looks for
    if (!checkedDatasets.some((d) => d.head === head.name) && !datasets.some((d) => d.raw.head === head.name)) {
      // Stryker disable next-line StringLiteral: equivalent, 'value' is the default part
      diagnostics.push(diagnosticAt(head.document, head.path, MESSAGES.headWithoutDataset.code, fill(MESSAGES.headWithoutDataset.message, { head: head.name }), { severity: 'warning', part: 'value' }));
    }
  }
  diagnostics.push(...checkInit(projectDir, projectDoc, project.training.init, [...layers, ...heads], host));
  return { checked: { project, vocabulary, layers, heads: measured, datasets: checkedDatasets }, diagnostics };
}

function checkLayers(document: ValidDocument, project: PlanProject, vocabularySize: number, diagnostics: Diagnostic[]): CheckedLayer[] | null {
  // Stryker disable next-line ArrayDeclaration: unreachable, the schema requires 'layers'
  const raw = (document.value as RawLayers).layers ?? [];
  const layers: CheckedLayer[] = [];
  const seen = new Map<string, number>();
  let shape: Shape = project.input.shape;
  let previous = 'the input';
  let failed = false;
  // the schema requires at least one layer (NNC2010)
  raw.forEach((layer, index) => {
    const path = ['layers', index];
    if (seen.has(layer.name)) {
      const related = [relatedAt(document, ['layers', seen.get(layer.name)!, 'name'], `the first layer named '${layer.name}'`)];
      diagnostics.push(diagnosticAt(document, [...path, 'name'], MESSAGES.duplicateName.code, `The layer name '${layer.name}' is already used by layer ${seen.get(layer.name)! + 1}. Layer names must be unique; rename one.`, { related }));
      failed = true;
    }
    seen.set(layer.name, index);
    const type = canonicalLayerType(layer.type);
    if (!type || failed) {
      failed = true;
      return;
    }
    const rule = layerRule(type);
    const ctx = { inputKind: project.input.type, vocabularySize, index };
    if (index === 0 && project.input.type === 'text' && type !== 'embedding') {
      diagnostics.push(diagnosticAt(document, [...path, 'type'], MESSAGES.layerCannotFollow.code, `Layer '${layer.name}' gets token ids from the text input, which only an 'embedding' layer can take. Add an 'embedding' layer first.`));
      failed = true;
      return;
    }
    const config = rule.resolve(layer, ctx);
    if (layer.in !== undefined && !matches(layer.in, shape)) {
      diagnostics.push(diagnosticAt(document, [...path, 'in'], MESSAGES.shapeAssertion.code, `Layer '${layer.name}' declares in: ${formatAssert(layer.in)}, but ${previous === 'the input' ? 'the input' : `'${previous}'`} outputs ${formatAssert(layer.in, shape)}. ${assertionAdvice('in', layer.in, shape, layers)}`));
      failed = true;
      return;
    }
    const out = rule.shape(shape, config, ctx);
    if ('error' in out) {
      diagnostics.push(diagnosticAt(document, [...path, 'type'], MESSAGES.layerCannotFollow.code, `Layer '${layer.name}' cannot follow ${previous === 'the input' ? 'the input' : `'${previous}'`} (output ${formatShape(shape)}): ${out.error}.`));
      failed = true;
      return;
    }
    if (layer.out !== undefined && !matches(layer.out, out)) {
      diagnostics.push(diagnosticAt(document, [...path, 'out'], MESSAGES.shapeAssertion.code, `Layer '${layer.name}' declares out: ${formatAssert(layer.out)}, but it outputs ${formatAssert(layer.out, out)}. ${assertionAdvice('out', layer.out, out, [...layers, { name: layer.name, config }])}`));
      failed = true;
      return;
    }
    layers.push({ name: layer.name, type, config, inputShape: shape, outputShape: out, params: rule.params(shape, config), document, path });
    shape = out;
    previous = layer.name;
  });
  return failed ? null : layers;
}

/**
 * What to change when an in/out assertion fails: the assertion itself, or the
 * layer the width comes from (the nearest with units or filters, or the embedding).
 */
function assertionAdvice(key: 'in' | 'out', assertion: number | readonly number[], shape: Shape, before: readonly { name: string; config: object }[]): string {
  const actual = formatAssert(assertion, shape);
  const source = [...before].reverse().find((l) => 'units' in l.config || 'filters' in l.config);
  const fix = `Write '${key}: ${actual}'`;
  if (typeof assertion !== 'number') return `${fix}, or change the layers that make this shape.`;
  if (!source) return `${fix}, or change the project's input to give ${assertion}.`;
  // the template's second sentence (the catalogue's NNC3002)
  return fill(MESSAGES.shapeAssertion.message.slice(MESSAGES.shapeAssertion.message.indexOf('Write')), { actual, source: source.name, declared: assertion, units: 'filters' in source.config ? 'filters' : 'units' }).replace(`'in: `, `'${key}: `);
}

/** `in: 64` asserts the last dimension; `in: [32, 64]` the whole shape. */
function matches(assertion: number | readonly number[], shape: Shape): boolean {
  if (typeof assertion === 'number') return shape[shape.length - 1] === assertion;
  return assertion.length === shape.length && assertion.every((v, i) => v === shape[i]);
}

function formatAssert(assertion: number | readonly number[], shape?: Shape): string {
  if (!shape) return typeof assertion === 'number' ? String(assertion) : formatShape(assertion);
  return typeof assertion === 'number' ? String(shape[shape.length - 1]) : formatShape(shape);
}

export function nameSuggestion(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, [...candidates]);
  return s ? ` Did you mean '${s}'?` : '';
}

export type { RawHead };
