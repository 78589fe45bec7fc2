// Datasets: type, head, sample count, validation split and a sample preview.
import { formatCount } from '../format.js';
import { html } from '../html.js';
import type { DatasetRow } from '../model.js';
import { datasets } from '../state.js';
import { SourceNote } from './source-note.js';

const PREVIEW = 8;

export function DatasetsTab() {
  const list = datasets.value;
  return html`<section class="tab datasets">
    <div class="tab-head"><h2>Datasets <span class="muted">${list.length}, ${formatCount(list.reduce((n, d) => n + d.count, 0))} samples</span></h2></div>
    <${SourceNote} files=${list.map((d) => d.file ?? '')} what="Datasets" />
    ${list.map((d) => html`<${DatasetCard} d=${d} />`)}
    ${list.length ? null : html`<p class="muted">No datasets.</p>`}
  </section>`;
}

function split(d: DatasetRow): string {
  const parts: string[] = [];
  if (d.validationSplit != null) parts.push(`${Math.round(d.validationSplit * 100)}%`);
  if (d.validationCount != null) parts.push(`${formatCount(d.validationCount)} validation`);
  if (d.trainCount != null) parts.push(`${formatCount(d.trainCount)} training`);
  return parts.join(', ') || '-';
}

function DatasetCard(props: { d: DatasetRow }) {
  const d = props.d;
  const preview = d.samples.slice(0, PREVIEW);
  const keys = [...new Set(preview.flatMap((s) => Object.keys(s)))];
  return html`<article class="dataset" data-dataset=${d.name}>
    <h3>${d.name}</h3>
    <dl class="facts">
      <div><dt>type</dt><dd>${d.type}</dd></div>
      <div><dt>head</dt><dd>${d.head}</dd></div>
      <div><dt>samples</dt><dd class="sample-count">${formatCount(d.count)}</dd></div>
      <div><dt>validation split</dt><dd>${split(d)}</dd></div>
      ${d.source ? html`<div><dt>source</dt><dd><code>${d.source}</code></dd></div>` : null}
      ${d.file ? html`<div><dt>defined in</dt><dd><code>${d.file}</code></dd></div>` : null}
    </dl>
    ${preview.length
      ? html`<table class="samples">
          <thead><tr>${keys.map((k) => html`<th>${k}</th>`)}</tr></thead>
          <tbody>${preview.map((s) => html`<tr>${keys.map((k) => html`<td>${cell(s[k])}</td>`)}</tr>`)}</tbody>
        </table>
        ${d.count > preview.length ? html`<p class="muted">First ${preview.length} of ${formatCount(d.count)} samples.</p>` : null}`
      : html`<p class="muted">No preview.</p>`}
  </article>`;
}

function cell(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v.length > 160 ? `${v.slice(0, 157)}…` : v;
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}
