// The data stage's first pass: every dataset's samples, inline and from its
// source, checked against their type and read into columns as they stream by
// (no object per sample is kept). Text is tokenized once here: each token gets
// a provisional id in a table shared by all datasets, whose counts build the
// vocabulary; check-datasets.ts then maps provisional ids to vocabulary ids.
import { createHash } from 'node:crypto';
import { readSource, sourceLineDiagnostic } from './data.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import type { CompilerHost } from './host.js';
import type { LoadedDocument, PathSegment } from './load.js';
import { PREVIEW_SAMPLES } from './plan-data.js';
import type { PlanProject } from './plan.js';
import type { RawDataset, RawRecord, ValidDocument } from './raw.js';
import { checkSample, csvHeaderProblem, FIELDS, type CheckedSample } from './samples.js';
import { contentKey } from './split.js';
import { tokenize, type TokenizeOptions } from './tokenize.js';
import { fill, MAX_SAMPLE_ERRORS, MESSAGES } from './diagnostic-messages.js';

/** Provisional token ids, first-seen order, with how often each was seen. */
export interface TokenTable {
  readonly ids: Map<string, number>;
  readonly tokens: string[];
  counts: Int32Array;
}

export function createTokenTable(): TokenTable {
  return { ids: new Map(), tokens: [], counts: new Int32Array(1024) };
}

/** A growable typed array. */
class Column<T extends Int32Array | Uint32Array | Float32Array | Float64Array> {
  length = 0;
  constructor(public data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }
  grow(min: number): void {
    const next = new (this.data.constructor as new (n: number) => T)(Math.max(min, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** Many runs of numbers end to end, with offsets. */
class Runs<T extends Int32Array | Float32Array> {
  readonly values: Column<T>;
  readonly offsets = new Column(new Uint32Array(64));
  constructor(values: T) {
    this.values = new Column(values);
    this.offsets.push(0);
  }
  end(): void {
    this.offsets.push(this.values.length);
  }
  get count(): number {
    return this.offsets.length - 1;
  }
  /** back to `count` runs */
  truncate(count: number): void {
    this.offsets.length = count + 1;
    this.values.length = this.offsets.data[count];
  }
}

export interface DatasetInput {
  readonly document: LoadedDocument;
  readonly raw: RawDataset;
  readonly source: string | null;
  /** samples whose fields fit the dataset's type and the project's input */
  count: number;
  /** where each sample is: its inline index (>= 0), or -(record number) for a record of the source */
  readonly origins: Column<Int32Array>;
  readonly lineOf: { value: ((index: number) => number) | null };
  /** the source file's absolute path, once it is read */
  readonly sourcePath: { value: string | null };
  /** each sample's input content key (split.ts) */
  readonly keys: Column<Float64Array>;
  /** provisional token ids of text inputs or generation prompts (text projects) */
  readonly tokens: Runs<Int32Array>;
  /** provisional token ids of generation targets */
  readonly targetTokens: Runs<Int32Array>;
  /** number inputs, features each (features projects) */
  readonly features: Column<Float32Array>;
  /** each label sample's label, as an index into labelValues */
  readonly labels: Column<Int32Array>;
  /** distinct labels as written, first-seen order */
  readonly labelValues: Array<string | number>;
  /** regression targets */
  readonly targets: Runs<Float32Array>;
  /** generation: each target's content key (for the content hash) */
  readonly targetKeys: Column<Float64Array>;
  /** the length of the first regression target, or null */
  targetWidth: number | null;
  /** the first samples, with their index, for the viewer's preview */
  readonly preview: Array<{ index: number; sample: CheckedSample }>;
  /** sha256 over the samples' content in order (lower.ts hashes it with type and head) */
  contentHash: string;
  /** sample errors reported so far (the rest are counted, not shown) */
  errors: number;
}

/** sample errors shown per dataset: one constant, in the catalogue */
export { MAX_SAMPLE_ERRORS };

/** Reports a problem with sample i of a dataset at its inline position or its source record. */
export function reportSample(d: DatasetInput, i: number, field: string | null, code: number, message: string, diagnostics: Diagnostic[]): void {
  reportAt(d, d.origins.data[i], field, code, message, (diagnostic) => diagnostics.push(diagnostic()));
}

/** origin: an inline index (>= 0) or -(record number); the diagnostic is made when `add` calls it (a record's line is known once its file is parsed) */
function reportAt(d: DatasetInput, origin: number, field: string | null, code: number, message: string, add: (diagnostic: () => Diagnostic) => void): void {
  if (d.errors++ >= MAX_SAMPLE_ERRORS) return;
  if (origin >= 0) {
    const path: PathSegment[] = field ? ['samples', origin, field] : ['samples', origin];
    add(() => diagnosticAt(d.document, path, code, `Sample ${origin + 1} of dataset '${d.raw.name}' ${message}`));
  } else {
    const record = -origin;
    add(() => recordDiagnostic(d, record, code >= 4000 ? code : MESSAGES.recordDoesNotFit.code, `Record ${record} of '${d.source}' ${message}`));
  }
}

/** A record's diagnostic, at its line in the source file (JSONL: its line; CSV: the header counted). */
function recordDiagnostic(d: DatasetInput, record: number, code: number, message: string): Diagnostic {
  return sourceLineDiagnostic(d.document, d.source ?? '', d.sourcePath.value ?? '', d.lineOf.value?.(record - 1) ?? 0, code, message);
}

/**
 * The dataset's content hash: sha256 over what each sample holds, from the
 * columns (no string per sample): the input's 53-bit content key, the labels
 * as written, the regression targets as they train (float32), generation
 * targets by their own key. Two datasets that differ in one sample hash
 * alike only if that sample's keys collide (about 2^-53).
 */
function contentHash(d: DatasetInput): string {
  const hash = createHash('sha256').update(`${d.raw.type}\0`);
  const bytes = (a: Float64Array | Int32Array | Float32Array | Uint32Array) => hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  bytes(d.keys.view());
  hash.update(`\0${JSON.stringify(d.labelValues)}\0`);
  bytes(d.labels.view());
  bytes(d.targets.values.view());
  bytes(d.targets.offsets.view());
  bytes(d.targetKeys.view());
  return hash.digest('hex');
}

export function collectSamples(document: ValidDocument, raw: RawDataset, project: PlanProject, projectDir: string, host: CompilerHost, table: TokenTable, diagnostics: Diagnostic[]): DatasetInput {
  const text = project.input.type === 'text';
  const features = project.input.features;
  const options: TokenizeOptions = { tokenizer: project.input.tokenizer, lowercase: project.input.lowercase };
  const d: DatasetInput = {
    document,
    raw,
    source: raw.source ?? null,
    count: 0,
    origins: new Column(new Int32Array(64)),
    lineOf: { value: null },
    sourcePath: { value: null },
    keys: new Column(new Float64Array(64)),
    tokens: new Runs(new Int32Array(256)),
    targetTokens: new Runs(new Int32Array(64)),
    features: new Column(new Float32Array(64)),
    labels: new Column(new Int32Array(64)),
    labelValues: [],
    targets: new Runs(new Float32Array(64)),
    targetKeys: new Column(new Float64Array(16)),
    targetWidth: null,
    preview: [],
    contentHash: '',
    errors: 0,
  };
  const labelIndex = new Map<string, number>();
  // diagnostics of source records wait until the file is parsed (their lines are known then, and a malformed file drops them)
  let deferred: Array<() => Diagnostic> | null = null;
  const add = (diagnostic: () => Diagnostic) => (deferred ? deferred.push(diagnostic) : diagnostics.push(diagnostic()));
  const inputField = FIELDS[raw.type][0];

  const addTokens = (runs: Runs<Int32Array>, value: string) => {
    if (!text) return runs.end();
    for (const token of tokenize(value, options)) {
      let id = table.ids.get(token);
      if (id === undefined) {
        id = table.tokens.length;
        table.ids.set(token, id);
        table.tokens.push(token);
        if (id === table.counts.length) {
          const grown = new Int32Array(table.counts.length * 2);
          grown.set(table.counts);
          table.counts = grown;
        }
      }
      table.counts[id]++;
      runs.values.push(id);
    }
    runs.end();
  };

  /** Takes one checked sample into the columns, or reports why it does not fit the project's input. */
  const take = (sample: CheckedSample, origin: number) => {
    if (sample.kind !== 'generation') {
      if (typeof sample.input === 'string') {
        if (!text) return reportAt(d, origin, inputField, MESSAGES.inputKind.code, `has text in '${inputField}', but the project's input is 'features' (${features} numbers). Give a list of ${features} numbers.`, add);
      } else {
        if (text) return reportAt(d, origin, inputField, MESSAGES.inputKind.code, `has a list of numbers in '${inputField}', but the project's input is 'text'. Give text, or set input.type: features in the Project.`, add);
        if (sample.input.length !== features) return reportAt(d, origin, inputField, MESSAGES.featureCount.code, `has ${sample.input.length} numbers in '${inputField}', but the project's input has features: ${features}. Give exactly ${features} numbers.`, add);
      }
    }
    const index = d.count++;
    d.origins.push(origin);
    if (d.preview.length < PREVIEW_SAMPLES) d.preview.push({ index, sample });
    if (sample.kind === 'generation') {
      d.keys.push(contentKey(sample.prompt));
      d.targetKeys.push(contentKey(sample.target));
      addTokens(d.tokens, sample.prompt);
      addTokens(d.targetTokens, sample.target);
      return;
    }
    d.keys.push(contentKey(sample.input));
    if (typeof sample.input === 'string') addTokens(d.tokens, sample.input);
    else for (const x of sample.input) d.features.push(x);
    if (sample.kind === 'label') {
      const key = `${typeof sample.label}:${sample.label}`;
      let label = labelIndex.get(key);
      if (label === undefined) {
        label = d.labelValues.length;
        labelIndex.set(key, label);
        d.labelValues.push(sample.label);
      }
      d.labels.push(label);
    } else {
      d.targetWidth ??= sample.target.length;
      for (const y of sample.target) d.targets.values.push(y);
      d.targets.end();
    }
  };

  (raw.samples ?? []).forEach((record, index) => {
    const result = checkSample(raw.type, record as unknown as RawRecord);
    if ('error' in result) {
      diagnostics.push(diagnosticAt(document, result.field ? ['samples', index, result.field] : ['samples', index], MESSAGES.sampleDoesNotFitType.code, `Sample ${index + 1} of dataset '${raw.name}' ${result.error}. Fix the sample or change the dataset's type.`));
      return;
    }
    take(result, index);
  });

  if (raw.source !== undefined) {
    const mark = { count: d.count, features: d.features.length, labels: d.labels.length, tokens: d.tokens.count, targetTokens: d.targetTokens.count, targets: d.targets.count, errors: d.errors, preview: d.preview.length, labelValues: d.labelValues.length };
    const pendingDiagnostics: Array<() => Diagnostic> = (deferred = []);
    let reported = 0;
    // a CSV's columns are its header's: a header that does not fit the type is one error there, not one per record
    const csv = /\.csv$/i.test(raw.source);
    let header: string | null | undefined;
    const { data, diagnostics: found } = readSource(document, raw.source, projectDir, host, (record, i) => {
      if (csv) {
        if (header === undefined) header = csvHeaderProblem(raw.type, Object.keys(record));
        if (header) return;
      }
      const result = checkSample(raw.type, record);
      if ('error' in result) {
        if (reported++ < MAX_SAMPLE_ERRORS) {
          pendingDiagnostics.push(() => recordDiagnostic(d, i + 1, MESSAGES.recordDoesNotFit.code, `Record ${i + 1} of '${raw.source}' ${result.error}. Fix the record or change the dataset's type.`));
        }
        return;
      }
      take(result, -(i + 1));
    });
    deferred = null;
    if (data) {
      d.lineOf.value = data.lineOf;
      d.sourcePath.value = data.path;
      if (header) {
        const [a, b] = FIELDS[raw.type];
        diagnostics.push(sourceLineDiagnostic(document, raw.source, data.path, 1, MESSAGES.csvHeader.code, fill(MESSAGES.csvHeader.message, { source: raw.source, problem: header, type: raw.type, a, b })));
      }
      for (const diagnostic of pendingDiagnostics) diagnostics.push(diagnostic());
      if (reported > MAX_SAMPLE_ERRORS) {
        diagnostics.push(diagnosticAt(document, ['source'], MESSAGES.recordDoesNotFit.code, `${reported - MAX_SAMPLE_ERRORS} more records of '${raw.source}' do not fit a '${raw.type}' sample. Fix them or change the dataset's type.`));
      }
    } else {
      // a malformed file: drop what its records added, as if it had none
      for (const [runs, from] of [[d.tokens, mark.tokens], [d.targetTokens, mark.targetTokens]] as const) {
        for (let k = runs.offsets.data[from]; k < runs.values.length; k++) table.counts[runs.values.data[k]]--;
        runs.truncate(from);
      }
      d.targets.truncate(mark.targets);
      d.count = mark.count;
      d.origins.length = d.keys.length = d.targetKeys.length = mark.count;
      d.features.length = mark.features;
      d.labels.length = mark.labels;
      d.preview.length = mark.preview;
      for (const label of d.labelValues.splice(mark.labelValues)) labelIndex.delete(`${typeof label}:${label}`);
      d.errors = mark.errors;
    }
    diagnostics.push(...found);
  }
  if (raw.samples === undefined && raw.source === undefined) {
    diagnostics.push(diagnosticAt(document, ['name'], MESSAGES.datasetWithoutSamples.code, `Dataset '${raw.name}' has neither 'samples' nor 'source'. Add inline samples or point 'source' at a JSONL or CSV file.`, { part: 'key' }));
  }
  d.contentHash = contentHash(d);
  return d;
}

/** The counts of the provisional tokens, first-seen order, for buildVocabulary. */
export function tokenCounts(table: TokenTable): Map<string, number> {
  const counts = new Map<string, number>();
  table.tokens.forEach((token, id) => {
    if (table.counts[id] > 0) counts.set(token, table.counts[id]);
  });
  return counts;
}
