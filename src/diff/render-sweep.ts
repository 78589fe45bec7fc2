// A SweepDiff for a terminal and for a pull-request comment: the trials
// ranked in one table (values, the sweep's metric, against the base,
// parameters), then per trial what its values change in the model and the
// best metrics of its run.
import pc from 'picocolors';
import { formatBytes } from '../shared/format-bytes.js';
import { formatValue } from '../runtime/metrics/format.js';
import { ARROW, cell, int, pair, settingValue, shape, summaryLine } from './describe.js';
import { flowText } from '../compiler/overrides.js';
import { GITHUB_COMMENT_LIMIT } from './render-markdown.js';
import { table } from './render-text.js';
import type { SweepDiff, SweepTrialDiff } from './sweep-diff.js';

const signed = (n: number | null) => (n === null ? '' : `${n >= 0 ? '+' : ''}${formatValue(n)}`);
const paramsCell = (t: SweepTrialDiff) => pair(t.summary.params, int, (a, b) => a === b) || '?';
const statusCell = (t: SweepTrialDiff) => (t.status === 'pruned' && t.stoppedAt !== null ? `pruned@${t.stoppedAt}` : t.status);

function heading(diff: SweepDiff): string {
  const s = diff.sweep;
  return `sweep ${s.id} '${s.name}': ${s.trials} trial${s.trials === 1 ? '' : 's'} (${s.method}, ${s.status}) against the base`;
}

function baseLine(diff: SweepDiff): string {
  const b = diff.base;
  const model = b.compiled ? `plan ${b.planHash!.slice(0, 8)}, parameters ${int(b.params!)}, weight memory ${formatBytes(b.weightBytes!)}` : 'does not compile';
  const run = diff.baseRun ? `; run ${diff.baseRun.id} (its plan's best completed run): ${diff.sweep.metric} ${formatValue(diff.baseRun.best[diff.sweep.metric] ?? null)}` : '; no completed run of its plan';
  return `base (the project's files without the sweep's values): ${model}${run}`;
}

/** the lines of what one trial changes: layers, heads, blast radius, settings, best metrics */
function trialLines(t: SweepTrialDiff): string[] {
  const out: string[] = [`layers: ${summaryLine({ summary: t.summary, layers: t.layers }).replace(/^layers: /, '')}`];
  for (const r of t.layers) out.push(`${r.marker} layer '${r.name}' (${cell(r, r.type, String)}): output ${cell(r, r.outputShape, shape)}, params ${cell(r, r.params, int)}${r.changedKeys.length ? `; changed: ${r.changedKeys.join(', ')}` : ''}`);
  for (const h of t.heads) out.push(`${h.marker} head '${h.name}'${h.changedKeys.length ? `: changed ${h.changedKeys.join(', ')}` : ''}`);
  for (const h of t.blastRadius.headsWithNewInputShape) out.push(`head '${h.name}': input shape ${shape(h.before)} ${ARROW} ${shape(h.after)}, its weights start fresh`);
  for (const d of t.blastRadius.datasetsWithChangedHead) out.push(`dataset '${d.dataset}': ${d.reason}`);
  for (const s of t.settings) out.push(`${s.key}: ${settingValue(s.before)} ${ARROW} ${settingValue(s.after)}`);
  if (t.best) out.push(`best metrics of run ${t.runId}: ${Object.entries(t.best).map(([k, v]) => `${k} ${formatValue(v)}`).join(', ') || 'none reported'}`);
  else out.push(`no run (${t.status})`);
  for (const d of t.diagnostics) out.push(`${d.file}:${d.line}:${d.column} - ${d.severity} NNC${d.code}: ${d.message}`);
  return out;
}

export function renderSweepText(diff: SweepDiff, options: { color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? false);
  const s = diff.sweep;
  const out: string[] = [c.bold(`nnc diff ${heading(diff)}`) + c.dim(`  ${diff.base.project}`), baseLine(diff), `ranked by ${s.metric} (${s.mode})`];
  const rows = diff.trials.map((t) => ({
    marker: '',
    cells: [String(t.rank), String(t.trial), statusCell(t), ...s.parameters.map((p) => (p in t.params ? flowText(t.params[p]) : '-')), formatValue(t.value), signed(t.delta), paramsCell(t), String(t.epochs), t.runId ?? '-'],
  }));
  const header = ['rank', 'trial', 'status', ...s.parameters, s.metric, 'vs base', 'params', 'epochs', 'run'];
  const numeric = [0, 1, 3 + s.parameters.length, 4 + s.parameters.length, 5 + s.parameters.length, 6 + s.parameters.length];
  out.push('', c.bold('Trials, best first'), ...table(header, rows, (_, text) => text, numeric));
  for (const t of diff.trials) {
    out.push('', c.bold(`Trial ${t.trial}`) + `: ${t.label}`, ...trialLines(t).map((l) => `  ${l}`));
  }
  if (diff.base.diagnostics.length > 0) {
    out.push('', c.bold('Diagnostics of the base'), ...diff.base.diagnostics.map((d) => `  ${d.file}:${d.line}:${d.column} - ${d.severity} NNC${d.code}: ${d.message}`));
  }
  if (diff.notes.length > 0) out.push('', ...diff.notes.map((n) => c.dim(`note: ${n}`)));
  return out.join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
const code = (s: string) => (s ? `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\`` : '');

/** The comment's first line: CI finds and updates its own comment by it. */
export const sweepCommentMarker = (project: string, sweepId: string) => `<!-- nnc-diff-sweep ${project.replace(/--/g, '-')} ${sweepId} -->`;

export function renderSweepMarkdown(diff: SweepDiff, options: { limit?: number } = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const s = diff.sweep;
  const head = [
    sweepCommentMarker(diff.base.project, s.id),
    `### nnc diff ${code(diff.base.project)}: ${esc(heading(diff))}`,
    '',
    `**Ranked by ${code(s.metric)} (${s.mode})** · ${esc(baseLine(diff))}`,
    '',
    `| rank | trial | status | ${s.parameters.map(code).join(' | ')} | ${code(s.metric)} | vs base | params | epochs | run |`,
    `|--:|--:|---|${s.parameters.map(() => '---|').join('')}--:|--:|--:|--:|---|`,
  ];
  const rows = diff.trials.map((t) => `| ${t.rank} | ${t.trial} | ${statusCell(t)} | ${s.parameters.map((p) => esc(p in t.params ? flowText(t.params[p]) : '-')).join(' | ')} | ${formatValue(t.value)} | ${signed(t.delta)} | ${esc(paramsCell(t).replace(` ${ARROW} `, ' → '))} | ${t.epochs} | ${t.runId ? code(t.runId) : '-'} |`);
  const details = diff.trials.map((t) => ['<details>', `<summary>Trial ${t.trial}: ${esc(t.label)}</summary>`, '', ...trialLines(t).map((l) => `- ${esc(l.split(` ${ARROW} `).join(' → '))}`), '', '</details>', ''].join('\n'));
  const tail = [
    ...(diff.base.diagnostics.length ? ['', '**Diagnostics of the base:**', '', ...diff.base.diagnostics.map((d) => `- ${code(`${d.file}:${d.line}:${d.column}`)} ${d.severity} NNC${d.code}: ${esc(d.message)}`)] : []),
    ...(diff.notes.length ? ['', ...diff.notes.map((n) => `> ${esc(n)}`)] : []),
  ];
  // cut trial details, then table rows, from the worst end until the comment fits
  const size = (text: string) => Buffer.byteLength(text, 'utf8');
  const more = (n: number, what: string) => `_… ${what} of ${int(n)} more trial${n === 1 ? '' : 's'} not shown (comment size limit); run \`nnc diff --sweep ${s.id}\` locally for all of them._`;
  const assemble = (shownRows: number, shownDetails: number) =>
    [
      ...head,
      ...rows.slice(0, shownRows),
      ...(shownRows < rows.length ? ['', more(rows.length - shownRows, 'the rows')] : []),
      '',
      ...details.slice(0, shownDetails),
      ...(shownDetails < details.length ? [more(details.length - shownDetails, 'the changes')] : []),
      ...tail,
    ].join('\n').trimEnd() + '\n';
  let shownRows = rows.length;
  let shownDetails = details.length;
  let text = assemble(shownRows, shownDetails);
  while (size(text) > limit && (shownDetails > 0 || shownRows > 0)) {
    if (shownDetails > 0) shownDetails--;
    else shownRows--;
    text = assemble(shownRows, shownDetails);
  }
  if (size(text) <= limit) return text;
  // every row was cut and the fixed lines still overflow (a huge name or many notes): cut the text itself
  let cut = text.slice(0, Math.max(0, limit - 100));
  while (size(cut) > limit - 100) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return cut + '\n\n_… cut to fit the comment limit._\n';
}
