// Two sides -> a PlanDiff. Pure: the sides are already compiled (or read as
// YAML where they do not compile) and the runs already looked up.
import { relative, sep } from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics.js';
import { change, changedConfigKeys, indexByName, layerRows, sameValue } from './layer-rows.js';
import type { BlastRadius, DatasetRow, DiagnosticLine, DiffSide, DiffSummary, HeadRow, LayerRow, MetricsDiff, PlanDiff, SettingChange, VocabularyDiff } from './plan-diff.js';
import type { HeadView, SideView } from './side-view.js';
import { countSampleChanges, type SampleKeys } from './sample-changes.js';

export interface SideInput {
  readonly label: string;
  readonly commit: string | null;
  /** as shown: repository-relative for a revision, the folder for a folder */
  readonly project: string;
  /** the absolute folder the side was compiled as; diagnostics are shown relative to it */
  readonly projectDir: string;
  /** the project folder relative to the repository root when git revisions are compared (a revision, or the working tree against one) */
  readonly repoProject?: string | null;
  readonly view: SideView;
  /** each dataset's samples by input (sample-changes.ts); null or missing without data */
  readonly samples?: SampleKeys | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** the best metrics of a side's latest completed run */
export interface RunBest {
  readonly id: string;
  readonly best: Readonly<Record<string, number>>;
}

/** how many tokens of each category to name */
export const FIRST_TOKENS = 8;

export function comparePlans(base: SideInput, head: SideInput, runs: { base: RunBest | null; head: RunBest | null } = { base: null, head: null }): PlanDiff {
  const b = base.view;
  const h = head.view;
  const notes: string[] = [];
  for (const [side, input] of [['base', base], ['head', head]] as const) {
    if (!input.view.compiled) notes.push(`The ${side} (${input.label}) does not compile: it is compared as written in its YAML, without shapes, parameters or sample counts from source files.`);
  }
  const unreadable = (what: string, kind: string, bv: unknown, hv: unknown) => {
    const missing = [bv === null ? 'base' : null, hv === null ? 'head' : null].filter(Boolean);
    if (missing.length) notes.push(`${what} were not compared: the ${missing.join(' and ')} has no readable '${kind}' document.`);
  };
  unreadable('Layers', 'Layers', b.layers, h.layers);
  unreadable('Heads', 'Heads', b.heads, h.heads);
  unreadable('Vocabularies', 'Tokens', b.vocabulary, h.vocabulary);
  unreadable('Settings', 'Project', b.settings, h.settings);

  const layers = b.layers && h.layers ? layerRows(b.layers, h.layers) : null;
  const heads = b.heads && h.heads ? headRows(b.heads, h.heads, b.compiled, h.compiled) : null;
  const datasets = datasetRows(b, h, base.samples ?? null, head.samples ?? null);
  return {
    base: sideInfo(base),
    head: sideInfo(head),
    summary: summarize(b, h, layers),
    layers,
    heads,
    blastRadius: blastRadius(heads, b, h),
    vocabulary: vocabularyDiff(b, h),
    datasets,
    settings: settingChanges(b.settings, h.settings),
    metrics: metricsDiff(runs.base, runs.head),
    notes,
  };
}

function sideInfo(input: SideInput): DiffSide {
  const errors = input.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = input.diagnostics.filter((d) => d.severity === 'warning').length;
  const v = input.view;
  return {
    label: input.label,
    commit: input.commit,
    project: input.project,
    compiled: v.compiled,
    planHash: v.planHash,
    modelHash: v.modelHash,
    params: v.params,
    weightBytes: v.weightBytes,
    layerCount: v.layers?.length ?? null,
    errors,
    warnings,
    diagnostics: errors > 0 ? input.diagnostics.filter((d) => d.severity !== 'info').map((d) => diagnosticLine(d, input.projectDir)) : [],
    ...(input.repoProject ? { repoProject: input.repoProject } : {}),
  };
}

export function diagnosticLine(d: Diagnostic, projectDir: string): DiagnosticLine {
  // a pseudo-file ('<sweep … trial 3>', where a trial's values are written) is no path
  const path = (file: string) => (file.startsWith('<') ? file : relative(projectDir, file).split(sep).join('/') || '.');
  const related = d.related?.map((r) => ({ file: path(r.file), line: r.line, column: r.column, message: r.message }));
  return { file: path(d.file), line: d.line, column: d.column, severity: d.severity, code: d.code, message: d.message, ...(related ? { related } : {}) };
}

function summarize(b: SideView, h: SideView, layers: readonly LayerRow[] | null): DiffSummary {
  const count = (marker: string) => layers?.filter((r) => r.marker === marker).length ?? 0;
  const params = change(b.params, h.params);
  const percent = params.before !== null && params.after !== null && params.before !== 0 ? ((params.after - params.before) / params.before) * 100 : null;
  return {
    layersAdded: count('+'),
    layersChanged: count('~') + (layers?.filter((r) => r.marker === 'moved' && r.changedKeys.length > 0).length ?? 0),
    layersRemoved: count('-'),
    layersMoved: count('moved'),
    params,
    paramsChangePercent: percent,
    weightBytes: change(b.weightBytes, h.weightBytes),
    sameModel: b.modelHash !== null && b.modelHash === h.modelHash,
    samePlan: b.planHash !== null && b.planHash === h.planHash,
  };
}

function headRows(base: readonly HeadView[], head: readonly HeadView[], baseCompiled: boolean, headCompiled: boolean): HeadRow[] {
  const baseAt = indexByName(base);
  const headAt = indexByName(head);
  const row = (marker: HeadRow['marker'], bh: HeadView | null, hh: HeadView | null, changedKeys: string[]): HeadRow => {
    const pick = <T>(key: string) => change<T>(bh?.config[key] as T | undefined, hh?.config[key] as T | undefined);
    return {
      marker,
      name: (hh ?? bh)!.name,
      task: pick('task'),
      loss: pick('loss'),
      attach: pick('attach'),
      classes: pick('classes'),
      inputShape: change(bh?.inputShape, hh?.inputShape),
      params: change(bh?.params, hh?.params),
      changedKeys,
    };
  };
  const rows: HeadRow[] = [];
  head.forEach((hh, i) => {
    const bi = baseAt.get(hh.name);
    if (headAt.get(hh.name) !== i || bi === undefined) {
      rows.push(row('+', null, hh, []));
      return;
    }
    const bh = base[bi];
    const keys = changedConfigKeys(bh.config, hh.config, baseCompiled, headCompiled);
    if (bh.inputShape && hh.inputShape && !sameValue(bh.inputShape, hh.inputShape)) keys.push('input shape');
    rows.push(row(keys.length > 0 ? '~' : '', bh, hh, keys));
  });
  base.forEach((bh, i) => {
    if (baseAt.get(bh.name) !== i || !headAt.has(bh.name)) rows.push(row('-', bh, null, []));
  });
  return rows;
}

function blastRadius(heads: readonly HeadRow[] | null, b: SideView, h: SideView): BlastRadius {
  const headsWithNewInputShape = (heads ?? [])
    .filter((r) => r.inputShape.before && r.inputShape.after && !sameValue(r.inputShape.before, r.inputShape.after))
    .map((r) => ({ name: r.name, before: r.inputShape.before!, after: r.inputShape.after! }));
  const headRow = new Map((heads ?? []).map((r) => [r.name, r]));
  const baseDatasets = new Map(b.datasets.map((d) => [d.name, d]));
  const out = new Map<string, { dataset: string; head: string; reason: string }>();
  for (const d of h.datasets) {
    if (!d.head) continue;
    const before = baseDatasets.get(d.name);
    const row = headRow.get(d.head);
    if (before?.head && before.head !== d.head) out.set(d.name, { dataset: d.name, head: d.head, reason: `now trains '${d.head}' instead of '${before.head}'` });
    else if (row?.marker === '~') out.set(d.name, { dataset: d.name, head: d.head, reason: `head '${d.head}' changed (${row.changedKeys.join(', ')})` });
  }
  for (const d of b.datasets) {
    if (d.head && headRow.get(d.head)?.marker === '-' && !out.has(d.name)) out.set(d.name, { dataset: d.name, head: d.head, reason: `head '${d.head}' was removed` });
  }
  return { headsWithNewInputShape, datasetsWithChangedHead: [...out.values()] };
}

function vocabularyDiff(b: SideView, h: SideView): VocabularyDiff | null {
  if (!b.vocabulary || !h.vocabulary) return null;
  const categories: VocabularyDiff['categories'][number][] = [];
  const names = [...new Set([...Object.keys(b.vocabulary), ...Object.keys(h.vocabulary)])];
  for (const category of names) {
    const before = b.vocabulary[category];
    const after = h.vocabulary[category];
    // words taken from datasets are only known to the compiler
    if (category === 'fromDatasets' && ((!before && !b.compiled) || (!after && !h.compiled))) continue;
    const beforeSet = new Set(before ?? []);
    const afterSet = new Set(after ?? []);
    const added = (after ?? []).filter((t) => !beforeSet.has(t));
    const removed = (before ?? []).filter((t) => !afterSet.has(t));
    if (added.length === 0 && removed.length === 0) continue;
    categories.push({
      category,
      added: { count: added.length, first: added.slice(0, FIRST_TOKENS) },
      removed: { count: removed.length, first: removed.slice(0, FIRST_TOKENS) },
    });
  }
  return { size: change(b.vocabularySize, h.vocabularySize), categories };
}

function datasetRows(b: SideView, h: SideView, baseSamples: SampleKeys | null, headSamples: SampleKeys | null): DatasetRow[] {
  const baseAt = indexByName(b.datasets);
  const headAt = indexByName(h.datasets);
  const removed = b.datasets.filter((d, i) => baseAt.get(d.name) === i && !headAt.has(d.name));
  const rows: DatasetRow[] = [];
  h.datasets.forEach((d, i) => {
    const bi = baseAt.get(d.name);
    if (headAt.get(d.name) !== i || bi === undefined) {
      // the same samples, type and head under a new name
      const from = d.hash === null ? -1 : removed.findIndex((r) => r.hash === d.hash);
      if (from >= 0) {
        const old = removed.splice(from, 1)[0];
        rows.push({ marker: 'renamed', name: d.name, renamedFrom: old.name, type: change(old.type, d.type), head: change(old.head, d.head), count: change(old.count, d.count), samplesChanged: false });
      } else {
        rows.push({ marker: '+', name: d.name, renamedFrom: null, type: change(null, d.type), head: change(null, d.head), count: change(null, d.count), samplesChanged: false });
      }
      return;
    }
    const old = b.datasets[bi];
    const samplesChanged = old.hash !== null && d.hash !== null && old.hash !== d.hash && old.type === d.type && old.head === d.head;
    const countChanged = old.count !== null && d.count !== null && old.count !== d.count;
    const changed = old.type !== d.type || old.head !== d.head || countChanged || samplesChanged;
    const before = baseSamples?.get(old.name);
    const after = headSamples?.get(d.name);
    const samples = samplesChanged && before && after ? { samples: countSampleChanges(before, after) } : {};
    rows.push({ marker: changed ? '~' : '', name: d.name, renamedFrom: null, type: change(old.type, d.type), head: change(old.head, d.head), count: change(old.count, d.count), samplesChanged, ...samples });
  });
  for (const old of removed) {
    rows.push({ marker: '-', name: old.name, renamedFrom: null, type: change(old.type, null), head: change(old.head, null), count: change(old.count, null), samplesChanged: false });
  }
  return rows;
}

function settingChanges(before: SideView['settings'], after: SideView['settings']): SettingChange[] {
  if (!before || !after) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((key) => !sameValue(before[key], after[key])).map((key) => ({ key, before: before[key] ?? null, after: after[key] ?? null }));
}

function metricsDiff(base: RunBest | null, head: RunBest | null): MetricsDiff | null {
  if (!base || !head) return null;
  const names = [...new Set([...Object.keys(base.best), ...Object.keys(head.best)])];
  const validation = names.filter((n) => /(^|\.)val_/.test(n));
  const rows = (validation.length ? validation : names).sort().map((name) => {
    const before = base.best[name] ?? null;
    const after = head.best[name] ?? null;
    return { name, before, after, delta: before !== null && after !== null ? after - before : null };
  });
  return { baseRun: base.id, headRun: head.id, rows };
}
