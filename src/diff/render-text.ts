// A PlanDiff for a terminal: the summary line, then the layer table and one
// short section per kind of change. Colour only when asked (a TTY).
import { formatValue } from '../runtime/metrics/format.js';
import { metricsTitle } from './metrics-title.js';
import pc from 'picocolors';
import { ARROW, cell, int, pair, samplesNote, settingValue, shape, sideStatus, sideTitle, summaryLine, tokenList, visibleLayers } from './describe.js';
import type { PlanDiff } from './plan-diff.js';

export interface TextOptions {
  readonly color?: boolean;
}

export function renderText(diff: PlanDiff, options: TextOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const paint = (marker: string, text: string) =>
    marker === '+' ? c.green(text) : marker === '-' ? c.red(text) : marker === '~' ? c.yellow(text) : marker === 'moved' || marker === 'renamed' ? c.cyan(text) : text;
  const out: string[] = [];
  const { base, head } = diff;
  out.push(c.bold(`nnc diff ${sideTitle(base)} ${ARROW} ${sideTitle(head)}`) + c.dim(`  ${base.commit ? base.project : head.project}`));
  out.push(summaryLine(diff));
  for (const [name, side] of [['base', base], ['head', head]] as const) {
    if (!side.compiled) out.push(c.red(`The ${name} ${sideStatus(side)}.`));
  }

  if (diff.layers && diff.layers.length > 0) {
    const rows = visibleLayers(diff.layers).map((r) =>
      'unchanged' in r
        ? { marker: '', cells: ['', c.dim(`… ${int(r.unchanged)} unchanged layer${r.unchanged === 1 ? '' : 's'}`), '', '', '', ''] }
        : { marker: r.marker, cells: [r.marker, r.name, cell(r, r.type, String), cell(r, r.outputShape, shape), cell(r, r.params, int), r.changedKeys.join(', ')] },
    );
    out.push('', c.bold('Layers'), ...table(['', 'layer', 'type', 'output shape', 'params', 'changed'], rows, paint, [4]));
  }

  const heads = diff.heads?.filter((h) => h.marker !== '') ?? [];
  if (heads.length > 0) {
    const rows = heads.map((h) => ({
      marker: h.marker,
      cells: [h.marker, h.name, cell(h, h.task, String), cell(h, h.loss, String), cell(h, h.attach, String), cell(h, h.classes, (l) => l.join(', ') || '-'), h.changedKeys.join(', ')],
    }));
    out.push('', c.bold('Heads'), ...table(['', 'head', 'task', 'loss', 'attach', 'classes', 'changed'], rows, paint, []));
  }

  const { headsWithNewInputShape, datasetsWithChangedHead } = diff.blastRadius;
  if (headsWithNewInputShape.length > 0 || datasetsWithChangedHead.length > 0) {
    out.push('', c.bold('Blast radius'));
    for (const h of headsWithNewInputShape) out.push(`  head '${h.name}': input shape ${shape(h.before)} ${ARROW} ${shape(h.after)}, its weights start fresh`);
    for (const d of datasetsWithChangedHead) out.push(`  dataset '${d.dataset}': ${d.reason}`);
  }

  const vocabulary = diff.vocabulary;
  const sizeKnown = vocabulary !== null && vocabulary.size.before !== null && vocabulary.size.after !== null;
  if (vocabulary && (vocabulary.categories.length > 0 || (sizeKnown && vocabulary.size.before !== vocabulary.size.after))) {
    out.push('', c.bold(`Vocabulary`) + (sizeKnown ? `: ${pair(vocabulary.size, int)} tokens` : ''));
    for (const cat of vocabulary.categories) {
      const parts = [cat.added.count ? c.green(`+${int(cat.added.count)} (${tokenList(cat.added)})`) : '', cat.removed.count ? c.red(`-${int(cat.removed.count)} (${tokenList(cat.removed)})`) : ''];
      out.push(`  ${cat.category}: ${parts.filter(Boolean).join('  ')}`);
    }
  }

  const datasets = diff.datasets.filter((d) => d.marker !== '');
  if (datasets.length > 0) {
    const rows = datasets.map((d) => ({
      marker: d.marker,
      cells: [d.marker, d.renamedFrom ? `${d.name} (was ${d.renamedFrom})` : d.name, cell(d, d.type, String), cell(d, d.head, String), cell(d, d.count, int), samplesNote(d)],
    }));
    out.push('', c.bold('Datasets'), ...table(['', 'dataset', 'type', 'head', 'samples', ''], rows, paint, [4]));
  }

  if (diff.settings.length > 0) {
    out.push('', c.bold('Settings'));
    for (const s of diff.settings) out.push(`  ${s.key}: ${settingValue(s.before)} ${ARROW} ${settingValue(s.after)}`);
  }

  if (diff.metrics) {
    const rows = diff.metrics.rows.map((m) => ({
      marker: '',
      cells: [m.name, formatValue(m.before), formatValue(m.after), m.delta === null ? '' : `${m.delta >= 0 ? '+' : ''}${formatValue(m.delta)}`],
    }));
    out.push('', c.bold(`${metricsTitle(diff.metrics)} (run ${diff.metrics.baseRun} ${ARROW} run ${diff.metrics.headRun})`), ...table(['metric', 'base', 'head', 'change'], rows, paint, [1, 2, 3]));
  }

  for (const [name, side] of [['base', base], ['head', head]] as const) {
    if (side.diagnostics.length === 0) continue;
    out.push('', c.bold(`Diagnostics of the ${name} (${sideTitle(side)})`));
    for (const d of side.diagnostics) {
      const severity = d.severity === 'error' ? c.red(d.severity) : c.yellow(d.severity);
      out.push(`  ${d.file}:${d.line}:${d.column} - ${severity} ${c.dim(`NNC${d.code}`)}: ${d.message}`);
      for (const r of d.related ?? []) out.push(`    ${c.dim('related:')} ${r.file}:${r.line}:${r.column} - ${r.message}`);
    }
  }
  if (diff.notes.length > 0) out.push('', ...diff.notes.map((n) => c.dim(`note: ${n}`)));
  return out.join('\n');
}

/** aligned columns; numeric columns (by index) pad left */
export function table(header: string[], rows: Array<{ marker: string; cells: string[] }>, paint: (marker: string, text: string) => string, numeric: number[]): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r.cells[i]))));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((text, i) => {
        const pad = ' '.repeat(widths[i] - visible(text));
        return numeric.includes(i) ? pad + text : text + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map((r) => paint(r.marker, line(r.cells)))];
}
