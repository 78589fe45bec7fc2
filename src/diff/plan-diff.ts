// The result of `nnc diff`: plain JSON (it is what --format json prints), and
// what the text and markdown renderers draw from.
import type { Severity } from '../compiler/diagnostics.js';
import type { Shape } from '../compiler/plan.js';

/** + added, - removed, ~ changed, moved (relative order changed; may also be changed), '' unchanged */
export type Marker = '+' | '-' | '~' | 'moved' | '';

/** A value on both sides; null where the side lacks it or does not know it. */
export interface Change<T> {
  readonly before: T | null;
  readonly after: T | null;
}

export interface DiagnosticLine {
  /** path relative to the project folder */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  readonly code: number;
  readonly message: string;
  /** other places it concerns, paths relative to the project folder */
  readonly related?: ReadonlyArray<{ readonly file: string; readonly line: number; readonly column: number; readonly message: string }>;
}

export interface DiffSide {
  /** as given on the command line, or 'working tree' */
  readonly label: string;
  /** full commit name for a revision, null for a folder */
  readonly commit: string | null;
  /** the project folder: relative to the current folder for a folder, to the repository for a revision */
  readonly project: string;
  readonly compiled: boolean;
  readonly planHash: string | null;
  readonly modelHash: string | null;
  readonly params: number | null;
  readonly weightBytes: number | null;
  readonly layerCount: number | null;
  readonly errors: number;
  readonly warnings: number;
  /** the side's errors and warnings when it does not compile, else [] (paths relative to the project folder) */
  readonly diagnostics: readonly DiagnosticLine[];
  /** the project folder relative to the repository root, when git revisions are compared (the markdown shows paths from there) */
  readonly repoProject?: string;
}

export interface DiffSummary {
  readonly layersAdded: number;
  readonly layersChanged: number;
  readonly layersRemoved: number;
  readonly layersMoved: number;
  readonly params: Change<number>;
  /** (after - before) / before in percent; null when unknown or before is 0 */
  readonly paramsChangePercent: number | null;
  readonly weightBytes: Change<number>;
  /** same model hash on both sides */
  readonly sameModel: boolean;
  /** same plan hash on both sides (datasets and training included) */
  readonly samePlan: boolean;
}

export interface LayerRow {
  readonly marker: Marker;
  readonly name: string;
  readonly type: Change<string>;
  readonly outputShape: Change<Shape>;
  readonly params: Change<number>;
  /** config keys whose value changed, plus 'type' and 'input shape' */
  readonly changedKeys: readonly string[];
}

export interface HeadRow {
  readonly marker: Exclude<Marker, 'moved'>;
  readonly name: string;
  readonly task: Change<string>;
  readonly loss: Change<string>;
  readonly attach: Change<string>;
  readonly classes: Change<readonly string[]>;
  readonly inputShape: Change<Shape>;
  readonly params: Change<number>;
  readonly changedKeys: readonly string[];
}

export interface BlastRadius {
  /** heads on both sides whose input shape changed: their trained weights no longer fit */
  readonly headsWithNewInputShape: ReadonlyArray<{ readonly name: string; readonly before: Shape; readonly after: Shape }>;
  /** datasets that train a head that changed, was removed, or that now name another head */
  readonly datasetsWithChangedHead: ReadonlyArray<{ readonly dataset: string; readonly head: string; readonly reason: string }>;
}

export interface TokenChanges {
  readonly count: number;
  /** the first few, in file order */
  readonly first: readonly string[];
}

export interface VocabularyDiff {
  readonly size: Change<number>;
  readonly categories: ReadonlyArray<{ readonly category: string; readonly added: TokenChanges; readonly removed: TokenChanges }>;
}

export interface DatasetRow {
  readonly marker: Exclude<Marker, 'moved'> | 'renamed';
  readonly name: string;
  /** for 'renamed': the base name of the same samples */
  readonly renamedFrom: string | null;
  readonly type: Change<string>;
  readonly head: Change<string>;
  readonly count: Change<number>;
  /** the samples changed (hashes differ with the same type and head) */
  readonly samplesChanged: boolean;
  /** how they changed, when samplesChanged and both sides compiled with their data (sample-changes.ts) */
  readonly samples?: SampleCounts;
}

/** samples by input content key: new inputs, inputs gone, inputs whose label or target changed */
export interface SampleCounts {
  readonly added: number;
  readonly removed: number;
  readonly relabelled: number;
}

export interface SettingChange {
  /** dotted key: input.maxLength, training.epochs, training.schedule, monitor.weightsEvery */
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface MetricRow {
  readonly name: string;
  readonly before: number | null;
  readonly after: number | null;
  readonly delta: number | null;
}

export interface MetricsDiff {
  readonly baseRun: string;
  readonly headRun: string;
  readonly rows: readonly MetricRow[];
  /** where the metrics come from: both sides' committed metrics files (that path, project-relative), or the run store's best completed runs */
  readonly source?: { readonly kind: 'files'; readonly path: string } | { readonly kind: 'store' };
}

export interface PlanDiff {
  readonly base: DiffSide;
  readonly head: DiffSide;
  readonly summary: DiffSummary;
  /** every layer of both sides in order; null when either side's layers could not be read */
  readonly layers: readonly LayerRow[] | null;
  /** every head of both sides; null when either side's heads could not be read */
  readonly heads: readonly HeadRow[] | null;
  readonly blastRadius: BlastRadius;
  /** null when either side's vocabulary could not be read */
  readonly vocabulary: VocabularyDiff | null;
  /** every dataset of both sides */
  readonly datasets: readonly DatasetRow[];
  readonly settings: readonly SettingChange[];
  /** best validation metrics of the latest completed run of each plan, when the store has both */
  readonly metrics: MetricsDiff | null;
  /** what could not be compared, in sentences */
  readonly notes: readonly string[];
}
