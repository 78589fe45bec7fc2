// Short strings for a PlanDiff's values, shared by the text and markdown
// renderers: the summary line, before -> after pairs, token lists.
import type { Shape } from '../compiler/plan.js';
import { formatBytes } from '../shared/format-bytes.js';
import type { Change, DatasetRow, DiffSide, LayerRow, PlanDiff, TokenChanges } from './plan-diff.js';

export const ARROW = '->';

export const int = (n: number) => n.toLocaleString('en-US');
export const shape = (s: Shape) => `[${s.join(', ')}]`;

/** `a` when equal, `a -> b` when not, `?` for an unknown side, '' when neither side has it */
export function pair<T>(c: Change<T>, show: (value: T) => string, equal: (a: T, b: T) => boolean = (a, b) => show(a) === show(b)): string {
  if (c.before === null && c.after === null) return '';
  if (c.before !== null && c.after !== null && equal(c.before, c.after)) return show(c.after);
  return `${c.before === null ? '?' : show(c.before)} ${ARROW} ${c.after === null ? '?' : show(c.after)}`;
}

/** for rows of one side only (added or removed): the value that side has */
export function single<T>(c: Change<T>, show: (value: T) => string): string {
  const v = c.after ?? c.before;
  return v === null ? '?' : show(v);
}

export function cell<T>(row: { marker: string }, c: Change<T>, show: (value: T) => string): string {
  return row.marker === '+' || row.marker === '-' ? single(c, show) : pair(c, show);
}

export function percent(p: number | null): string {
  if (p === null) return '';
  const rounded = Math.abs(p) < 0.05 ? 0 : p;
  return ` (${rounded > 0 ? '+' : ''}${rounded.toFixed(1)}%)`;
}

/** `layers: 1 added, 2 changed, 0 removed; parameters 1,234 -> 2,345 (+90.1%); weight memory 4.8 KiB -> 9.2 KiB`, then `; same plan` when nothing that trains changed */
export function summaryLine(diff: Pick<PlanDiff, 'summary' | 'layers'>): string {
  const s = diff.summary;
  const moved = s.layersMoved ? `, ${s.layersMoved} moved` : '';
  const layers = diff.layers ? `layers: ${s.layersAdded} added, ${s.layersChanged} changed, ${s.layersRemoved} removed${moved}` : 'layers: not compared';
  const same = s.params.before !== null && s.params.before === s.params.after;
  const params = `parameters ${pair(s.params, int, (a, b) => a === b) || '?'}${same ? '' : percent(s.paramsChangePercent)}`;
  const memory = `weight memory ${pair(s.weightBytes, formatBytes, (a, b) => a === b) || '?'}`;
  return `${layers}; ${params}; ${memory}${s.samePlan ? '; same plan' : ''}`;
}

export function sideTitle(side: DiffSide): string {
  return side.commit ? `${side.label} (${side.commit.slice(0, 7)})` : side.label;
}

export function sideStatus(side: DiffSide): string {
  if (side.compiled) return side.warnings ? `compiles with ${side.warnings} warning${side.warnings === 1 ? '' : 's'}` : 'compiles';
  // no errors and no plan: its plugins were not run (plugin-trust.ts)
  if (side.errors === 0) return 'not compiled: its plugins were not run (--trust-plugins runs them)';
  return `does not compile: ${side.errors} error${side.errors === 1 ? '' : 's'}`;
}

export function tokenList(t: TokenChanges, quote: (s: string) => string = (s) => s): string {
  if (t.count === 0) return '';
  const more = t.count > t.first.length ? `, … ${int(t.count - t.first.length)} more` : '';
  return `${t.first.map(quote).join(', ')}${more}`;
}

export function settingValue(value: unknown): string {
  if (value === null || value === undefined) return 'unset';
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${settingValue(v)}`).join(', ')}}`;
  }
  return String(value);
}

export type VisibleRow = LayerRow | { readonly unchanged: number };

/**
 * The layer table with long runs of unchanged layers folded: a run of more
 * than three keeps its first and last layer around a count of the rest.
 */
export function visibleLayers(rows: readonly LayerRow[]): VisibleRow[] {
  const out: VisibleRow[] = [];
  let i = 0;
  while (i < rows.length) {
    if (rows[i].marker !== '') {
      out.push(rows[i++]);
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j].marker === '') j++;
    if (j - i > 3) out.push(rows[i], { unchanged: j - i - 2 }, rows[j - 1]);
    else out.push(...rows.slice(i, j));
    i = j;
  }
  return out;
}

/** a dataset row's sample change: '3 relabelled, 20 added, 1 removed' when counted, else 'samples changed' */
export function samplesNote(d: DatasetRow): string {
  if (!d.samplesChanged) return '';
  const s = d.samples;
  const parts = s ? ([[s.relabelled, 'relabelled'], [s.added, 'added'], [s.removed, 'removed']] as const).filter(([n]) => n > 0).map(([n, what]) => `${int(n)} ${what}`) : [];
  // counted and all zero: the same samples, in another order or written another way
  return parts.length > 0 ? parts.join(', ') : s ? 'samples changed (none added, removed or relabelled)' : 'samples changed';
}
