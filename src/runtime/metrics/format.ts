// Reports as text and markdown: a metrics table per head (with the baseline
// beside it), per-class scores and the confusion matrix for classifiers,
// per-target scores for regression. Pure: no IO.
import type { ClassificationReport } from './classification.js';
import type { RegressionReport } from './regression.js';
import type { HeadReport } from './report.js';

/** Four significant digits, so 0.00012 is not 0.0001 and 71.7 is not 71.7000. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return String(Number(value.toPrecision(4)));
}

export interface HeadSection {
  readonly title: string;
  readonly report: HeadReport;
  readonly metrics: Readonly<Record<string, number>>;
}

type Table = { header: string[]; rows: string[][]; numeric: number[] };

/** The tables of one head: metrics (with baseline), then per class and the confusion matrix, or per target. */
export function headTables(section: HeadSection): { name: string; table: Table }[] {
  const { report, metrics } = section;
  const out: { name: string; table: Table }[] = [];
  const baseline = baselineOf(report);
  const rows = Object.entries(metrics).map(([name, value]) => {
    const row = [name, formatValue(value)];
    if (baseline) row.push(baseline.values[name] === undefined ? '' : formatValue(baseline.values[name]));
    return row;
  });
  out.push({ name: 'metrics', table: { header: ['metric', 'value', ...(baseline ? [`baseline (${baseline.label})`] : [])], rows, numeric: baseline ? [1, 2] : [1] } });
  if (report.task === 'classification') {
    out.push({ name: 'per class', table: perClass(report) });
    out.push({ name: 'confusion matrix (rows: expected, columns: predicted)', table: confusionTable(report) });
  } else if (report.task === 'regression' && report.per_target.length > 1) {
    out.push({ name: 'per target', table: perTarget(report) });
  }
  return out;
}

function baselineOf(report: HeadReport): { label: string; values: Record<string, number> } | null {
  if (report.task === 'classification' && report.baseline) {
    const b = report.baseline;
    return { label: `always '${b.class}'`, values: { accuracy: b.accuracy, f1: b.f1, weighted_f1: b.weighted_f1 } };
  }
  if (report.task === 'regression' && report.baseline) return { label: 'the training mean', values: { mae: report.baseline.mae } };
  return null;
}

function perClass(report: ClassificationReport): Table {
  return {
    header: ['class', 'precision', 'recall', 'f1', 'support', 'predicted'],
    rows: report.per_class.map((c) => [c.class, formatValue(c.precision), formatValue(c.recall), formatValue(c.f1), String(c.support), String(c.predicted)]),
    numeric: [1, 2, 3, 4, 5],
  };
}

function confusionTable(report: ClassificationReport): Table {
  return {
    header: ['', ...report.classes],
    rows: report.confusion.map((row, i) => [report.classes[i], ...row.map(String)]),
    numeric: report.classes.map((_, i) => i + 1),
  };
}

function perTarget(report: RegressionReport): Table {
  return {
    header: ['target', 'mae', 'rmse', 'r2'],
    rows: report.per_target.map((t) => [String(t.target), formatValue(t.mae), formatValue(t.rmse), formatValue(t.r2)]),
    numeric: [1, 2, 3],
  };
}

export function renderText(sections: readonly HeadSection[]): string {
  const lines: string[] = [];
  for (const section of sections) {
    lines.push('', section.title);
    for (const { name, table } of headTables(section)) {
      if (name !== 'metrics') lines.push('', `  ${name[0].toUpperCase()}${name.slice(1)}`);
      lines.push(...textTable(table));
    }
  }
  return lines.join('\n');
}

function textTable({ header, rows, numeric }: Table): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (numeric.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderMarkdown(sections: readonly HeadSection[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines: string[] = [];
  for (const section of sections) {
    lines.push(`### ${esc(section.title)}`, '');
    for (const { name, table } of headTables(section)) {
      if (name !== 'metrics') lines.push(`**${name[0].toUpperCase()}${name.slice(1)}**`, '');
      lines.push(`| ${table.header.map(esc).join(' | ')} |`, `|${table.header.map((_, i) => (table.numeric.includes(i) ? '--:' : '---')).join('|')}|`);
      for (const row of table.rows) lines.push(`| ${row.map(esc).join(' | ')} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}
