// Datasets against their head and the project input: head exists, dataset
// type fits the head's task, labels are classes, targets have the head's
// width, text is mostly known to the vocabulary and fits maxLength. Turns the
// collected columns (dataset-columns.ts) into the samples that travel beside
// the plan, each with its split (split.ts), and says what the split does with
// repeated inputs and empty splits.
import type { CheckedHead } from './check-heads.js';
import { nameSuggestion } from './check.js';
import { MAX_SAMPLE_ERRORS, reportSample, type DatasetInput, type TokenTable } from './dataset-columns.js';
import { diagnosticAt, relatedAt, type Diagnostic, type RelatedLocation } from './diagnostics.js';
import { hasPath, type LoadedDocument } from './load.js';
import type { DatasetSamples, TokenRuns } from './plan-data.js';
import type { DatasetType, PlanProject, Sample } from './plan.js';
import type { RawProject } from './raw.js';
import { DATASET_TASK, type CheckedSample } from './samples.js';
import { assignSplits, splitCounts } from './split.js';
import type { VocabularyDraft } from './vocabulary.js';
import { MESSAGES } from './diagnostic-messages.js';

export interface CheckedDataset {
  readonly name: string;
  readonly type: DatasetType;
  readonly head: string;
  readonly source: string | null;
  readonly samples: DatasetSamples;
  /** over the samples' content (dataset-columns.ts) */
  readonly contentHash: string;
  readonly split: { readonly train: number; readonly validation: number; readonly test: number };
  /** classification: samples per class in the head's order; [] otherwise */
  readonly classCounts: readonly number[];
  readonly document: LoadedDocument;
}

interface DatasetCheckInput {
  readonly datasets: readonly DatasetInput[];
  readonly heads: readonly CheckedHead[];
  readonly project: PlanProject;
  readonly vocabulary: VocabularyDraft;
  /** the provisional token ids the datasets hold */
  readonly tokens: TokenTable;
  readonly diagnostics: Diagnostic[];
  readonly headsDoc: LoadedDocument;
  /** every head name written, including heads that failed their own checks */
  readonly declaredHeads: ReadonlySet<string>;
  /** for split settings' diagnostics */
  readonly projectDoc?: LoadedDocument;
}

/** share of <unk> above which a text dataset gets a warning */
export const UNK_WARNING_SHARE = 0.5;
/** the share of samples a suggested maxLength keeps whole */
export const LENGTH_PERCENTILE = 0.95;

export const DATASET_CODES = {
  splitTwice: MESSAGES.splitGivenTwice.code,
  splitTooLarge: MESSAGES.splitTooLarge.code,
  stratifyIgnored: MESSAGES.stratifyIgnored.code,
  truncated: MESSAGES.truncated.code,
  repeatedInputs: MESSAGES.repeatedInputs.code,
} as const;

/**
 * Why a dataset's words are unknown, with what to change: words the Tokens
 * document neither lists nor takes from the data, words seen fewer than
 * minCount times, or words maxSize left out.
 */
function unknownCause(unknownIds: ReadonlySet<number>, table: TokenTable, vocabulary: VocabularyDraft): { text: string; related?: RelatedLocation } {
  const from = vocabulary.fromDatasets;
  const words = unknownIds.size;
  const distinct = `${words.toLocaleString('en-US')} distinct unknown word${words === 1 ? '' : 's'}`;
  if (!from) return { text: `: its ${distinct} ${words === 1 ? 'is' : 'are'} listed in no category of the Tokens document, which takes no words from the data (it has no 'fromDatasets'). List ${words === 1 ? 'it' : 'them'}, or add 'fromDatasets: {minCount: 1}' to take words from the data.` };
  let rare = 0;
  for (const id of unknownIds) if (table.counts[id] < from.minCount) rare++;
  const cut = words - rare;
  const at = (key: string, message: string) => (from.document && hasPath(from.document, ['fromDatasets', key]) ? relatedAt(from.document, ['fromDatasets', key], message) : undefined);
  if (cut >= rare) {
    const related = at('maxSize', `fromDatasets.maxSize: ${from.maxSize}`);
    return { text: `: 'fromDatasets.maxSize: ${from.maxSize}' caps the vocabulary at ${from.maxSize.toLocaleString('en-US')} tokens, and ${cut.toLocaleString('en-US')} more distinct word${cut === 1 ? '' : 's'} of the data ${cut === 1 ? 'is' : 'are'} seen at least minCount (${from.minCount}) times. Raise maxSize to ${(vocabulary.tokens.length + cut).toLocaleString('en-US')} to take them.`, ...(related ? { related } : {}) };
  }
  const related = at('minCount', `fromDatasets.minCount: ${from.minCount}`);
  return { text: `: ${rare === words ? `${words === 1 ? 'its' : 'all its'} ${distinct}` : `${rare.toLocaleString('en-US')} of its ${distinct}`} ${rare === 1 ? 'is' : 'are'} seen fewer than 'fromDatasets.minCount: ${from.minCount}' times, so the vocabulary leaves ${rare === 1 ? 'it' : 'them'} out. Lower minCount, or add ${rare === 1 ? 'it' : 'them'} to a category.`, ...(related ? { related } : {}) };
}

/** `validationSplit` and `split` both given, or shares that leave nothing to train on. */
export function checkSplitSettings(projectDoc: LoadedDocument, raw: RawProject, diagnostics: Diagnostic[]): void {
  const t = raw.training;
  if (t?.split === undefined) return;
  if (t.validationSplit !== undefined) {
    diagnostics.push(diagnosticAt(projectDoc, ['training', 'split'], DATASET_CODES.splitTwice, `'training.split' and 'training.validationSplit' are both given; validationSplit is shorthand for split: {validation: ${t.validationSplit}}. Keep one of them.`, { part: 'key' }));
  }
  const validation = t.split.validation ?? 0.2;
  const test = t.split.test ?? 0;
  if (validation + test >= 1) {
    diagnostics.push(diagnosticAt(projectDoc, ['training', 'split'], DATASET_CODES.splitTooLarge, `The split holds out ${validation} for validation and ${test} for testing, which leaves nothing to train on. Keep validation + test below 1.`, { part: 'key' }));
  }
}

export function checkDatasetSamples(input: DatasetCheckInput): CheckedDataset[] {
  const { diagnostics, project, vocabulary } = input;
  const heads = new Map(input.heads.map((h) => [h.name, h]));
  const text = project.input.type === 'text';
  // provisional token id -> vocabulary id (<unk> for words the vocabulary left out)
  const remap = new Int32Array(input.tokens.tokens.length);
  const known = new Uint8Array(input.tokens.tokens.length);
  input.tokens.tokens.forEach((token, id) => {
    const found = vocabulary.ids.get(token);
    remap[id] = found ?? 1;
    known[id] = found === undefined ? 0 : 1;
  });
  const shares = { validation: project.training.validationSplit, test: project.training.testSplit, stratify: project.training.stratify };
  const out: CheckedDataset[] = [];
  const unstratified: string[] = [];
  // where the YAML says which end is cut, cutting is what it asks for: an info, not a warning
  const truncateWritten = (input.projectDoc?.value as RawProject | undefined)?.input?.truncate !== undefined;
  for (const d of input.datasets) {
    const doc = d.document;
    const head = heads.get(d.raw.head);
    if (!head) {
      if (input.declaredHeads.has(d.raw.head)) continue; // the head has its own error
      diagnostics.push(diagnosticAt(doc, ['head'], MESSAGES.unknownHead.code, `Dataset '${d.raw.name}' trains head '${d.raw.head}', which is not a head.${nameSuggestion(d.raw.head, heads.keys())} Use the name of a head in the Heads document.`));
      continue;
    }
    const task = DATASET_TASK[d.raw.type];
    if (task !== head.task) {
      diagnostics.push(diagnosticAt(doc, ['type'], MESSAGES.datasetDoesNotFitHead.code, `Dataset '${d.raw.name}' is '${d.raw.type}', which trains a ${task} head, but head '${head.name}' is a ${head.task} head. Change the dataset's type or its head.`));
      continue;
    }
    if (d.raw.type === 'binary_classification' && head.classes.length !== 2) {
      diagnostics.push(diagnosticAt(doc, ['type'], MESSAGES.datasetDoesNotFitHead.code, `Dataset '${d.raw.name}' is 'binary_classification', but head '${head.name}' has ${head.classes.length} classes. Use 'multi_classification' or give the head two classes.`));
      continue;
    }
    const count = d.count;
    const report = (i: number, field: string | null, code: number, message: string) => reportSample(d, i, field, code, message, diagnostics);

    // tokens: provisional ids -> vocabulary ids, counting the unknown
    let unknown = 0;
    let total = 0;
    const unknownIds = new Set<number>();
    const runs = (from: DatasetInput['tokens']): TokenRuns | null => {
      if (!text) return null;
      const ids = from.values.view();
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        if (!known[id]) {
          unknown++;
          unknownIds.add(id);
        }
        ids[k] = remap[id];
      }
      total += ids.length;
      return { ids, offsets: from.offsets.view() };
    };
    const generation = task === 'generation';
    const tokens = generation || text ? runs(d.tokens) : null;
    const targetTokens = generation ? runs(d.targetTokens) : null;

    let labels: Int32Array | null = null;
    const classCounts: number[] = [];
    if (task === 'classification') {
      const classOf = d.labelValues.map((label) => (typeof label === 'number' && d.raw.type === 'binary_classification' ? label : head.classes.indexOf(String(label))));
      const written = d.labels.view();
      labels = new Int32Array(count);
      for (let c = 0; c < head.classes.length; c++) classCounts.push(0);
      for (let i = 0; i < count; i++) {
        const index = classOf[written[i]];
        if (index < 0 || index >= head.classes.length) {
          const label = d.labelValues[written[i]];
          report(i, 'label', MESSAGES.labelNotAClass.code, `has label '${label}', which is not a class of head '${head.name}' (${head.classes.map((c) => `'${c}'`).join(', ')}). Use one of them, or add it to the head's classes.`);
          continue;
        }
        labels[i] = index;
        classCounts[index]++;
      }
    }

    let targets: Float32Array | null = null;
    if (task === 'regression') {
      const width = head.units;
      const offsets = d.targets.offsets.view();
      const values = d.targets.values.view();
      targets = new Float32Array(count * width);
      for (let i = 0; i < count; i++) {
        const length = offsets[i + 1] - offsets[i];
        if (length !== width) {
          report(i, 'target', MESSAGES.targetWidth.code, `has ${length} target value${length === 1 ? '' : 's'}, but head '${head.name}' predicts ${width}. Give every sample of this head the same number of targets.`);
          continue;
        }
        targets.set(values.subarray(offsets[i], offsets[i + 1]), i * width);
      }
    }

    if (d.errors > MAX_SAMPLE_ERRORS) {
      diagnostics.push(diagnosticAt(doc, ['name'], MESSAGES.moreSampleErrors.code, `Dataset '${d.raw.name}' has ${d.errors - MAX_SAMPLE_ERRORS} more samples with errors; only the first ${MAX_SAMPLE_ERRORS} are shown.`));
    }
    if (text && total > 0 && unknown / total > UNK_WARNING_SHARE) {
      const share = Math.round((unknown / total) * 100);
      const cause = unknownCause(unknownIds, input.tokens, vocabulary);
      diagnostics.push(
        diagnosticAt(doc, ['name'], MESSAGES.mostlyUnknownTokens.code, `${share}% of the tokens in dataset '${d.raw.name}' are unknown ('<unk>')${cause.text}`, { severity: 'warning', ...(cause.related ? { related: [cause.related] } : {}) }),
      );
    }
    if (text && tokens) warnLongSamples(d, tokens, targetTokens, project, truncateWritten, diagnostics);

    const keys = d.keys.view();
    if (project.training.stratify && !labels) unstratified.push(`'${d.raw.name}' (${d.raw.type})`);
    const split = assignSplits(keys, project.training.seed, shares, labels);
    const counts = splitCounts(split);
    warnRepeatedInputs(d, keys, labels, split, diagnostics);
    const features = text ? null : d.features.view();
    const samples: DatasetSamples = {
      name: d.raw.name,
      count,
      keys,
      split,
      tokens: generation || text ? tokens : null,
      targetTokens,
      features: generation ? null : features,
      labels,
      targets,
      preview: d.preview.map(({ index, sample }) => previewSample(sample, labels?.[index] ?? 0)),
    };
    out.push({ name: d.raw.name, type: d.raw.type, head: head.name, source: d.source, samples, contentHash: d.contentHash, split: counts, classCounts, document: doc });
  }
  if (unstratified.length > 0 && input.projectDoc) {
    diagnostics.push(
      diagnosticAt(input.projectDoc, ['training', 'split', 'stratify'], DATASET_CODES.stratifyIgnored, `stratify splits classification datasets class by class; ${unstratified.join(', ')} ${unstratified.length === 1 ? 'has' : 'have'} no classes and ${unstratified.length === 1 ? 'is' : 'are'} split by the hash of each input alone.`, { severity: 'info' }),
    );
  }
  return out;
}

function previewSample(sample: CheckedSample, label: number): Sample {
  if (sample.kind === 'generation') return { prompt: sample.prompt, target: sample.target };
  if (sample.kind === 'label') return { input: sample.input, label };
  return { input: sample.input, target: sample.target };
}

/** Text longer than maxLength is cut: say how often, by how much, and what would keep it. */
function warnLongSamples(d: DatasetInput, tokens: TokenRuns, targetTokens: TokenRuns | null, project: PlanProject, truncateWritten: boolean, diagnostics: Diagnostic[]): void {
  const { maxLength, truncate } = project.input;
  const count = d.count;
  if (count === 0) return;
  // generation trains on `<bos> prompt <sep> target <eos>`
  const extra = targetTokens ? 3 : 0;
  const lengths = new Uint32Array(count);
  let over = 0;
  for (let i = 0; i < count; i++) {
    const length = tokens.offsets[i + 1] - tokens.offsets[i] + (targetTokens ? targetTokens.offsets[i + 1] - targetTokens.offsets[i] : 0) + extra;
    lengths[i] = length;
    if (length > maxLength) over++;
  }
  if (over === 0) return;
  lengths.sort();
  const longest = lengths[count - 1];
  const percentile = lengths[Math.min(count - 1, Math.ceil(count * LENGTH_PERCENTILE) - 1)];
  const suggestion = percentile > maxLength && percentile < longest ? `Set maxLength: ${percentile} to keep ${Math.round(LENGTH_PERCENTILE * 100)}% of the samples whole` : `Set maxLength: ${longest} to keep every sample whole`;
  const share = (over / count) * 100;
  const shown = share < 1 ? 'Under 1' : String(Math.round(share));
  const cut = targetTokens
    ? 'their prompts lose tokens from the start, then their targets from the end'
    : truncate === 'start'
      ? `their first tokens are cut (input.truncate: start${truncateWritten ? '' : ', the default'}; 'end' keeps the first tokens instead)`
      : "their last tokens are cut (input.truncate: end; 'start' keeps the last tokens instead)";
  const what = `${targetTokens ? "as '<bos> prompt <sep> target <eos>' " : ''}are longer than maxLength ${maxLength} tokens (the longest has ${longest}); ${cut}`;
  const severity = truncateWritten && !targetTokens ? 'info' : 'warning';
  diagnostics.push(diagnosticAt(d.document, ['name'], DATASET_CODES.truncated, `${shown}% of the samples of dataset '${d.raw.name}' (${over} of ${count}) ${what}. ${suggestion}.`, { severity }));
}

/**
 * Repeated inputs. Identical inputs get one split key, so without stratify
 * they always share a split: a copy cannot leak from training into
 * validation, and exact copies need no word. Two things do: copies with
 * different labels contradict each other (whatever the split), and with
 * stratify, classes are ranked on their own, so copies of different labels,
 * or at a class's boundary, can land in different splits.
 */
function warnRepeatedInputs(d: DatasetInput, keys: Float64Array, labels: Int32Array | null, split: Uint8Array, diagnostics: Diagnostic[]): void {
  if (keys.length < 2) return;
  const sorted = Float64Array.from(keys).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
  if (repeated.size === 0) return;
  const groups = new Map<number, { labels: Set<number>; splits: Set<number> }>();
  for (let i = 0; i < keys.length; i++) {
    if (!repeated.has(keys[i])) continue;
    let group = groups.get(keys[i]);
    if (!group) groups.set(keys[i], (group = { labels: new Set(), splits: new Set() }));
    if (labels) group.labels.add(labels[i]);
    group.splits.add(split[i]);
  }
  let conflicting = 0;
  let crossing = 0;
  for (const group of groups.values()) {
    if (group.labels.size > 1) conflicting++;
    if (group.splits.size > 1) crossing++;
  }
  const inputs = (n: number) => `${n} input${n === 1 ? '' : 's'}`;
  const name = d.raw.name;
  if (crossing > 0) {
    diagnostics.push(diagnosticAt(d.document, ['name'], DATASET_CODES.repeatedInputs, `Dataset '${name}' has ${inputs(crossing)} written more than once whose copies fall in different splits (stratify splits each class on its own${conflicting > 0 ? ', and some copies have different labels' : ''}), so validation or test sees inputs that training saw. Remove the copies, or give each input one label.`, { severity: 'warning' }));
  } else if (conflicting > 0) {
    diagnostics.push(diagnosticAt(d.document, ['name'], DATASET_CODES.repeatedInputs, `Dataset '${name}' has ${inputs(conflicting)} written more than once with different labels; the copies contradict each other (they share a split, so none leaks into validation). Give each input one label.`, { severity: 'warning' }));
  }
}
