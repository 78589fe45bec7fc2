// A PlanDiff as a pull-request comment: a hidden marker line (so CI can find
// and update its own comment), the summary first, details collapsed, and never
// longer than GitHub allows a comment to be: the longest tables are cut, with
// a note saying how many rows were left out.
import { formatValue } from '../runtime/metrics/format.js';
import { metricsTitle } from './metrics-title.js';
import { ARROW, cell, int, pair, samplesNote, settingValue, shape, sideStatus, sideTitle, summaryLine, tokenList, visibleLayers } from './describe.js';
import { posix } from 'node:path';
import type { DiagnosticLine, DiffSide, PlanDiff } from './plan-diff.js';

/** GitHub's limit on an issue or pull-request comment, in characters */
export const GITHUB_COMMENT_LIMIT = 65_536;
/**
 * The comment's first line, hidden when rendered: CI finds its previous
 * comment by it and updates it in place; one comment per project.
 */
export const commentMarker = (project: string) => `<!-- nnc-diff ${project.replace(/--/g, '-')} -->`;

export interface MarkdownOptions {
  /** characters, default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
}

/** header lines, rows that may be cut, closing lines */
interface Section {
  readonly head: string[];
  rows: string[];
  readonly tail: string[];
  cut: number;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
// GitHub reads \| as a pipe inside a code span in a table cell
const code = (s: string) => (s ? `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\`` : '');
const arrow = (s: string) => esc(s.split(` ${ARROW} `).join(' → '));

export function renderMarkdown(diff: PlanDiff, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const { base, head } = diff;
  const sections: Section[] = [];
  const add = (head: string[], rows: string[] = [], tail: string[] = []) => sections.push({ head, rows, tail, cut: 0 });
  const details = (summary: string, header: string[], rows: string[]) => add(['<details>', `<summary>${summary}</summary>`, '', ...header], rows, ['', '</details>', '']);

  const project = base.commit ? base.project : head.project;
  const status = head.compiled ? (base.compiled ? '' : ` · ⚠️ base ${sideStatus(base)}`) : ` · ❌ **head ${sideStatus(head)}**`;
  add([
    commentMarker(project),
    `### nnc diff ${code(project)}: ${code(sideTitle(base))} → ${code(sideTitle(head))}`,
    '',
    `**${arrow(summaryLine(diff))}**${status}`,
    '',
  ]);

  if (!head.compiled) {
    // what fails CI is shown open, right under the summary
    add([`**Diagnostics of the head** (${esc(sideTitle(head))}):`, ''], head.diagnostics.map(diagnosticItem(head)), ['']);
  }

  if (diff.layers && diff.layers.length > 0) {
    const changed = diff.layers.filter((r) => r.marker !== '').length;
    const rows = visibleLayers(diff.layers).map((r) =>
      'unchanged' in r
        ? `| | _… ${int(r.unchanged)} unchanged_ | | | | |`
        : `| ${r.marker} | ${code(r.name)} | ${arrow(cell(r, r.type, String))} | ${arrow(cell(r, r.outputShape, shape))} | ${arrow(cell(r, r.params, int))} | ${esc(r.changedKeys.join(', '))} |`,
    );
    details(`Layers: ${int(changed)} of ${int(diff.layers.length)} differ`, ['| | layer | type | output shape | params | changed |', '|---|---|---|---|--:|---|'], rows);
  }

  const heads = diff.heads?.filter((h) => h.marker !== '') ?? [];
  if (heads.length > 0) {
    const rows = heads.map(
      (h) =>
        `| ${h.marker} | ${code(h.name)} | ${arrow(cell(h, h.task, String))} | ${arrow(cell(h, h.loss, String))} | ${arrow(cell(h, h.attach, String))} | ${arrow(cell(h, h.classes, (l) => l.join(', ') || '-'))} | ${esc(h.changedKeys.join(', '))} |`,
    );
    details(`Heads: ${heads.length} differ`, ['| | head | task | loss | attach | classes | changed |', '|---|---|---|---|---|---|---|'], rows);
  }

  const { headsWithNewInputShape, datasetsWithChangedHead } = diff.blastRadius;
  if (headsWithNewInputShape.length > 0 || datasetsWithChangedHead.length > 0) {
    const rows = [
      ...headsWithNewInputShape.map((h) => `- head ${code(h.name)}: input shape ${shape(h.before)} → ${shape(h.after)}, its weights start fresh`),
      ...datasetsWithChangedHead.map((d) => `- dataset ${code(d.dataset)}: ${esc(d.reason)}`),
    ];
    details(`Blast radius: ${headsWithNewInputShape.length} head${headsWithNewInputShape.length === 1 ? '' : 's'}, ${datasetsWithChangedHead.length} dataset${datasetsWithChangedHead.length === 1 ? '' : 's'}`, [], rows);
  }

  const vocabulary = diff.vocabulary;
  if (vocabulary && vocabulary.categories.length > 0) {
    const rows = vocabulary.categories.map((cat) => `| ${code(cat.category)} | ${cat.added.count ? `+${int(cat.added.count)}: ${esc(tokenList(cat.added, code))}` : ''} | ${cat.removed.count ? `-${int(cat.removed.count)}: ${esc(tokenList(cat.removed, code))}` : ''} |`);
    const size = vocabulary.size.before !== null && vocabulary.size.after !== null ? `: ${pair(vocabulary.size, int).replace(ARROW, '→')} tokens` : '';
    details(`Vocabulary${size}`, ['| category | added | removed |', '|---|---|---|'], rows);
  }

  const datasets = diff.datasets.filter((d) => d.marker !== '');
  if (datasets.length > 0) {
    const rows = datasets.map(
      (d) =>
        `| ${d.marker} | ${code(d.name)}${d.renamedFrom ? ` (was ${code(d.renamedFrom)})` : ''} | ${arrow(cell(d, d.type, String))} | ${arrow(cell(d, d.head, String))} | ${arrow(cell(d, d.count, int))} | ${esc(samplesNote(d))} |`,
    );
    details(`Datasets: ${datasets.length} differ`, ['| | dataset | type | head | samples | |', '|---|---|---|---|--:|---|'], rows);
  }

  if (diff.settings.length > 0) {
    const rows = diff.settings.map((s) => `| ${code(s.key)} | ${esc(settingValue(s.before))} | ${esc(settingValue(s.after))} |`);
    details(`Settings: ${diff.settings.length} changed`, ['| setting | base | head |', '|---|---|---|'], rows);
  }

  if (diff.metrics && diff.metrics.rows.length > 0) {
    const rows = diff.metrics.rows.map((m) => `| ${code(m.name)} | ${formatValue(m.before)} | ${formatValue(m.after)} | ${m.delta === null ? '' : `${m.delta >= 0 ? '+' : ''}${formatValue(m.delta)}`} |`);
    add([`**${metricsTitle(diff.metrics)}** (run ${code(diff.metrics.baseRun)} → run ${code(diff.metrics.headRun)})`, '', '| metric | base | head | change |', '|---|--:|--:|--:|'], rows, ['']);
  }

  if (base.diagnostics.length > 0) {
    details(`Diagnostics of the base (${esc(sideTitle(base))}): ${base.errors} error${base.errors === 1 ? '' : 's'}`, [], base.diagnostics.map(diagnosticItem(base)));
  }
  if (diff.notes.length > 0) add(diff.notes.map((n) => `> ${esc(n)}`), [], ['']);

  fit(sections, limit);
  const text = sections.flatMap((s) => [...s.head, ...s.rows, ...s.tail]).join('\n').trimEnd() + '\n';
  if (size(text) <= limit) return text;
  // every row was cut and the fixed lines still overflow (thousands of notes or a huge name): cut the text itself
  let cut = text.slice(0, limit - 100);
  while (size(cut) > limit - 100) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return cut + '\n\n_… cut to fit the comment limit._\n';
}

// a reviewer reads paths against the repository root: a revision's (and its working tree's) are shown from there, a folder's from the project
const shownPath = (side: DiffSide, file: string) => (side.repoProject ? posix.normalize(posix.join(side.repoProject, file)) : file);
const diagnosticItem = (side: DiffSide) => (d: DiagnosticLine) =>
  [
    `- ${code(`${shownPath(side, d.file)}:${d.line}:${d.column}`)} ${d.severity} NNC${d.code}: ${esc(d.message)}`,
    ...(d.related ?? []).map((r) => `  - related: ${code(`${shownPath(side, r.file)}:${r.line}:${r.column}`)} ${esc(r.message)}`),
  ].join('\n');

const note = (n: number) => `\n_… ${int(n)} more row${n === 1 ? '' : 's'} not shown (comment size limit); run \`nnc diff\` locally for all of them._`;
// counted in UTF-8 bytes: never more than characters, so the limit holds however GitHub counts
const size = (text: string) => Buffer.byteLength(text, 'utf8');
const length = (lines: string[]) => lines.reduce((n, l) => n + size(l) + 1, 0);

/** cut rows from the longest sections until everything fits in limit characters */
function fit(sections: Section[], limit: number): void {
  const total = () => sections.reduce((n, s) => n + length(s.head) + length(s.rows) + length(s.tail) + (s.cut ? size(note(s.cut)) + 1 : 0), 0);
  for (let over = total() - limit; over > 0; over = total() - limit) {
    const largest = sections.reduce((a, s) => (length(s.rows) > length(a.rows) ? s : a));
    if (largest.rows.length === 0) return;
    // drop whole rows from the end until the overflow (plus room for the note) is gone
    let freed = 0;
    const room = size(note(largest.cut + largest.rows.length)) + 1;
    while (largest.rows.length > 0 && freed < over + room) {
      freed += size(largest.rows.pop()!) + 1;
      largest.cut++;
    }
  }
  for (const s of sections) if (s.cut) s.rows.push(note(s.cut));
}
