// Datasets against their head and the project input: head exists, dataset
// type fits the head's task, labels are classes, vectors have the right
// length, text is mostly known to the vocabulary. Normalizes samples.
import type { CheckedHead } from './check-heads.js';
import { nameSuggestion, type DatasetInput } from './check.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import type { LoadedDocument, PathSegment } from './load.js';
import type { DatasetType, PlanProject, Sample } from './plan.js';
import { DATASET_TASK, FIELDS } from './samples.js';
import type { VocabularyDraft } from './vocabulary.js';

export interface CheckedDataset {
  readonly name: string;
  readonly type: DatasetType;
  readonly head: string;
  readonly source: string | null;
  readonly samples: Sample[];
  readonly document: LoadedDocument;
}

interface DatasetCheckInput {
  readonly datasets: readonly DatasetInput[];
  readonly heads: readonly CheckedHead[];
  readonly project: PlanProject;
  readonly vocabulary: VocabularyDraft;
  readonly diagnostics: Diagnostic[];
  readonly headsDoc: LoadedDocument;
  /** every head name written, including heads that failed their own checks */
  readonly declaredHeads: ReadonlySet<string>;
}

/** share of <unk> above which a text dataset gets a warning */
export const UNK_WARNING_SHARE = 0.5;
const MAX_SAMPLE_ERRORS = 5;

export function checkDatasetSamples(input: DatasetCheckInput): CheckedDataset[] {
  const { diagnostics, project, vocabulary } = input;
  const heads = new Map(input.heads.map((h) => [h.name, h]));
  const out: CheckedDataset[] = [];
  for (const d of input.datasets) {
    const doc = d.document;
    const head = heads.get(d.raw.head);
    if (!head) {
      if (input.declaredHeads.has(d.raw.head)) continue; // the head has its own error
      diagnostics.push(diagnosticAt(doc, ['head'], 3006, `Dataset '${d.raw.name}' trains head '${d.raw.head}', which is not a head.${nameSuggestion(d.raw.head, heads.keys())} Use the name of a head in the Heads document.`));
      continue;
    }
    const task = DATASET_TASK[d.raw.type];
    if (task !== head.task) {
      diagnostics.push(diagnosticAt(doc, ['type'], 3013, `Dataset '${d.raw.name}' is '${d.raw.type}', which trains a ${task} head, but head '${head.name}' is a ${head.task} head. Change the dataset's type or its head.`));
      continue;
    }
    if (d.raw.type === 'binary_classification' && head.classes.length !== 2) {
      diagnostics.push(diagnosticAt(doc, ['type'], 3013, `Dataset '${d.raw.name}' is 'binary_classification', but head '${head.name}' has ${head.classes.length} classes. Use 'multi_classification' or give the head two classes.`));
      continue;
    }
    let errors = 0;
    const report = (i: number, field: string | null, code: number, message: string) => {
      if (errors++ >= MAX_SAMPLE_ERRORS) return;
      const origin = d.origins[i];
      if ('inline' in origin) {
        const path: PathSegment[] = field ? ['samples', origin.inline, field] : ['samples', origin.inline];
        diagnostics.push(diagnosticAt(doc, path, code, `Sample ${origin.inline + 1} of dataset '${d.raw.name}' ${message}`));
      } else {
        diagnostics.push(diagnosticAt(doc, ['source'], code >= 4000 ? code : 4005, `Record ${origin.record} (line ${origin.lineOf(origin.record - 1)}) of '${d.source}' ${message}`));
      }
    };
    const samples: Sample[] = [];
    const inputField = FIELDS[d.raw.type][0];
    const text = project.input.type === 'text';
    let unknown = 0;
    let total = 0;
    const countUnknown = (i: number) => {
      const tokens = d.tokens[i];
      if (!tokens) return;
      total += tokens.length;
      for (const t of tokens) if (!vocabulary.ids.has(t)) unknown++;
    };
    let targetLength = -1;
    d.samples.forEach((s, i) => {
      if (s.kind === 'generation') {
        countUnknown(i);
        samples.push({ prompt: s.prompt, target: s.target });
        return;
      }
      if (typeof s.input === 'string') {
        if (!text) return report(i, inputField, 3016, `has text in '${inputField}', but the project's input is 'features' (${project.input.features} numbers). Give a list of ${project.input.features} numbers.`);
        countUnknown(i);
      } else {
        if (text) return report(i, inputField, 3016, `has a list of numbers in '${inputField}', but the project's input is 'text'. Give text, or set input.type: features in the Project.`);
        if (s.input.length !== project.input.features) return report(i, inputField, 3015, `has ${s.input.length} numbers in '${inputField}', but the project's input has features: ${project.input.features}. Give exactly ${project.input.features} numbers.`);
      }
      if (s.kind === 'label') {
        let index: number;
        if (typeof s.label === 'number' && d.raw.type === 'binary_classification') index = s.label;
        else index = head.classes.indexOf(String(s.label));
        if (index < 0 || index >= head.classes.length) {
          return report(i, 'label', 3014, `has label '${s.label}', which is not a class of head '${head.name}' (${head.classes.map((c) => `'${c}'`).join(', ')}). Use one of them, or add it to the head's classes.`);
        }
        samples.push({ input: s.input, label: index });
      } else {
        if (targetLength < 0) targetLength = head.units;
        if (s.target.length !== targetLength) return report(i, 'target', 3018, `has ${s.target.length} target value${s.target.length === 1 ? '' : 's'}, but head '${head.name}' predicts ${targetLength}. Give every sample of this head the same number of targets.`);
        samples.push({ input: s.input, target: s.target });
      }
    });
    if (errors > MAX_SAMPLE_ERRORS) {
      diagnostics.push(diagnosticAt(doc, ['name'], 3031, `Dataset '${d.raw.name}' has ${errors - MAX_SAMPLE_ERRORS} more samples with errors; only the first ${MAX_SAMPLE_ERRORS} are shown.`));
    }
    if (text && total > 0 && unknown / total > UNK_WARNING_SHARE) {
      const share = Math.round((unknown / total) * 100);
      diagnostics.push(
        diagnosticAt(doc, ['name'], 3017, `${share}% of the tokens in dataset '${d.raw.name}' are unknown ('<unk>'). Add its words to the Tokens document, or use fromDatasets to take them from the data.`, { severity: 'warning' }),
      );
    }
    out.push({ name: d.raw.name, type: d.raw.type, head: head.name, source: d.source, samples, document: doc });
  }
  return out;
}
