// Datasets: type, head, sample count, validation split, class balance and a
// preview of the first samples as the compiler normalized them.
import type { DatasetView, HeadView } from '../../shared/protocol.js';
import { formatCount, plural } from '../format.js';
import { html } from '../html.js';
import { datasets, heads, runs } from '../state.js';
import { SourceNote } from './source-note.js';

export function DatasetsTab() {
  const list = datasets.value;
  const split = validationSplit();
  return html`<section class="tab datasets">
    <div class="tab-head"><h2>Datasets <span class="muted">${list.length}, ${plural(list.reduce((n, d) => n + d.count, 0), 'sample')}</span></h2></div>
    <${SourceNote} files=${list.map((d) => d.file)} what="Datasets" />
    ${list.map((d) => html`<${DatasetCard} d=${d} head=${heads.value.find((h) => h.name === d.head)} split=${split} />`)}
    ${list.length ? null : html`<p class="muted">No datasets.</p>`}
  </section>`;
}

/**
 * training.validationSplit: from the dataset view if the server sends it, else
 * from the newest run's info (the run store keeps its training settings there).
 */
function validationSplit(): number | null {
  for (const r of runs.value) {
    const info = r.info as { validationSplit?: unknown; training?: { validationSplit?: unknown } };
    const v = info.validationSplit ?? info.training?.validationSplit;
    if (typeof v === 'number') return v;
  }
  return null;
}

/** DatasetView carries no split today: use `validationSplit` / `validationCount` if the server adds them. */
function splitText(d: DatasetView, fallback: number | null): string {
  const extra = d as { validationSplit?: unknown; validationCount?: unknown };
  const split = typeof extra.validationSplit === 'number' ? extra.validationSplit : fallback;
  if (split == null) return '-';
  // per dataset, sized as the trainer sizes it (src/runtime/train/examples.ts)
  const validation = typeof extra.validationCount === 'number'
    ? extra.validationCount
    : split <= 0 || d.count < 2 ? 0 : Math.min(d.count - 1, Math.max(1, Math.round(d.count * split)));
  return `${Math.round(split * 100)}% (${formatCount(validation)} validation, ${formatCount(d.count - validation)} training)`;
}

function DatasetCard(props: { d: DatasetView; head: HeadView | undefined; split: number | null }) {
  const { d, head } = props;
  const rows = d.preview.map((s) => sampleRow(s, head));
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const balance = Object.entries(d.labelCounts);
  return html`<article class="dataset" data-dataset=${d.name}>
    <h3>${d.name}</h3>
    <dl class="facts">
      <div><dt>type</dt><dd>${d.type}</dd></div>
      <div><dt>head</dt><dd>${d.head}${head ? html` <span class="muted">(${head.task})</span>` : null}</dd></div>
      <div><dt>samples</dt><dd class="sample-count">${formatCount(d.count)}</dd></div>
      <div><dt>validation split</dt><dd class="split">${splitText(d, props.split)}</dd></div>
      ${balance.length ? html`<div><dt>per class</dt><dd>${balance.map(([k, v], i) => `${i ? ', ' : ''}${k} ${formatCount(v)}`)}</dd></div>` : null}
      ${d.source ? html`<div><dt>source</dt><dd><code>${d.source}</code></dd></div>` : null}
      <div><dt>defined at</dt><dd><code>${d.file}:${d.line}</code></dd></div>
    </dl>
    ${rows.length
      ? html`<table class="samples">
          <thead><tr>${keys.map((k) => html`<th>${k}</th>`)}</tr></thead>
          <tbody>${rows.map((r) => html`<tr>${keys.map((k) => html`<td>${r[k] ?? ''}</td>`)}</tr>`)}</tbody>
        </table>
        ${d.count > rows.length ? html`<p class="muted">First ${rows.length} of ${formatCount(d.count)} samples.</p>` : null}`
      : html`<p class="muted">No preview.</p>`}
  </article>`;
}

/** A normalized sample as display strings: class indexes become class names. */
function sampleRow(sample: unknown, head: HeadView | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!sample || typeof sample !== 'object') return out;
  for (const [k, v] of Object.entries(sample)) {
    out[k] = k === 'label' && typeof v === 'number' && head?.classes[v] !== undefined ? `${head.classes[v]} (${v})` : cell(v);
  }
  return out;
}

function cell(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}
