// Datasets: type, head, sample count, validation split, class balance and a
// preview of the first samples as the compiler normalized them.
import type { DatasetView, HeadView } from '../../shared/protocol.js';
import { formatCount, plural } from '../format.js';
import { html } from '../html.js';
import { datasets, heads } from '../state.js';
import { SourceNote } from './source-note.js';

export function DatasetsTab() {
  const list = datasets.value;
  return html`<section class="tab datasets">
    <div class="tab-head"><h2>Datasets <span class="muted">${list.length}, ${plural(list.reduce((n, d) => n + d.count, 0), 'sample')}</span></h2></div>
    <${SourceNote} files=${list.map((d) => d.file)} what="Datasets" />
    ${list.map((d) => html`<${DatasetCard} d=${d} head=${heads.value.find((h) => h.name === d.head)} />`)}
    ${list.length ? null : html`<p class="muted">No datasets.</p>`}
  </section>`;
}

/** The Project's training.validationSplit, as the trainer applies it to this dataset. */
function splitText(d: DatasetView): string {
  return `${Math.round(d.validationSplit * 100)}% (${formatCount(d.validationCount)} validation, ${formatCount(d.count - d.validationCount)} training)`;
}

function DatasetCard(props: { d: DatasetView; head: HeadView | undefined }) {
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
      <div><dt>validation split</dt><dd class="split">${splitText(d)}</dd></div>
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
