// Architecture: the layer stack in order (type, output shape, parameters),
// each head right after the layer it attaches to, totals and memory, and the
// current diagnostics beside the layer or head they concern.
import { attachDiagnostics, diagnosticLocation } from '../diagnostics.js';
import { formatBytes, formatCount, formatShape, plural } from '../format.js';
import { html } from '../html.js';
import type { DiagnosticView, HeadView, LayerView } from '../../shared/protocol.js';
import { diagnostics, fresh, heads, layers, summary } from '../state.js';
import { SourceNote } from './source-note.js';

const ARG_KEYS = ['units', 'activation', 'filters', 'kernelSize', 'returnSequences', 'heads', 'causal', 'rate', 'mode'];

export function ArchitectureTab() {
  const ls = layers.value;
  const hs = heads.value;
  const sum = summary.value;
  const diags = attachDiagnostics(
    [...ls.map((l) => ({ name: `layer:${l.name}`, file: l.file, line: l.line })), ...hs.map((h) => ({ name: `head:${h.name}`, file: h.file, line: h.line }))],
    diagnostics.value,
  );
  const params = sum?.params ?? ls.reduce((n, l) => n + l.params, 0) + hs.reduce((n, h) => n + h.params, 0);
  const bytes = sum?.weightBytes ?? params * 4;
  const newOnes = fresh.value;
  const rows = [];
  const placed = new Set<string>();
  ls.forEach((l, i) => {
    rows.push(layerRow(l, i + 1, newOnes.has(`layer:${l.name}`)));
    rows.push(diagRows(diags.get(`layer:${l.name}`)));
    for (const h of hs.filter((h) => h.attach === l.name)) {
      placed.add(h.name);
      rows.push(headRow(h, newOnes.has(`head:${h.name}`)));
      rows.push(diagRows(diags.get(`head:${h.name}`)));
    }
  });
  for (const h of hs.filter((h) => !placed.has(h.name))) {
    rows.push(headRow(h, newOnes.has(`head:${h.name}`)));
    rows.push(diagRows(diags.get(`head:${h.name}`)));
  }
  const general = diags.get('') ?? [];
  const files = [...ls.map((l) => l.file), ...hs.map((h) => h.file)];
  return html`<section class="tab architecture">
    <div class="tab-head">
      <h2>Architecture <span class="muted">${plural(ls.length, 'layer')}, ${plural(hs.length, 'head')}</span></h2>
    </div>
    <${SourceNote} files=${files.length ? files : ['layers.yaml', 'heads.yaml']} what="Layers and heads" />
    ${diagnostics.value.some((d) => d.severity === 'error')
      ? html`<p class="stale-note">${ls.length ? 'The configuration has errors: this is the last compile that succeeded.' : 'The configuration has errors and has not compiled yet.'}</p>`
      : null}
    ${general.length ? html`<ul class="diagnostics general">${general.map(diagItem)}</ul>` : null}
    <table class="layers">
      <thead><tr><th>#</th><th>name</th><th>type</th><th>arguments</th><th>output shape</th><th class="num">params</th><th>defined at</th></tr></thead>
      <tbody>
        ${ls[0]?.inputShape ? html`<tr class="input-row"><td></td><td>input</td><td></td><td></td><td>${formatShape(ls[0].inputShape)}</td><td class="num">0</td><td></td></tr>` : null}
        ${rows}
      </tbody>
      <tfoot>
        <tr><td></td><td colspan="4">total parameters</td><td class="num total-params">${formatCount(params)}</td><td></td></tr>
        <tr><td></td><td colspan="4">weight memory (float32)</td><td class="num total-memory">${formatBytes(bytes)}</td><td></td></tr>
      </tfoot>
    </table>
  </section>`;
}

function args(l: LayerView): string {
  // a plugin type's arguments are its own: show them all
  return (l.plugin ? Object.keys(l.config) : ARG_KEYS).filter((k) => l.config[k] !== undefined && l.config[k] !== null)
    .map((k) => `${k}: ${String(l.config[k])}`)
    .join(', ');
}

function layerRow(l: LayerView, index: number, isNew: boolean) {
  return html`<tr class=${isNew ? 'layer fresh' : 'layer'} data-layer=${l.name}>
    <td class="muted">${index}</td><td class="name">${l.name}</td><td><span class="type">${l.type}</span>${l.plugin ? html` <span class="muted plugin" title="a layer type from this plugin (nnc.yaml 'plugins:')">plugin '${l.plugin}'</span>` : ''}</td>
    <td class="args">${args(l)}</td><td>${formatShape(l.outputShape)}</td><td class="num">${formatCount(l.params)}</td>
    <td class="where">${l.file ? `${l.file}:${l.line}` : ''}</td>
  </tr>`;
}

function headRow(h: HeadView, isNew: boolean) {
  return html`<tr class=${isNew ? 'head fresh' : 'head'} data-head=${h.name}>
    <td class="muted">↳</td><td class="name">${h.name}</td><td><span class="type head-type">head</span></td>
    <td class="args">${h.task}, loss ${h.loss}${h.attach ? html` <span class="muted">on ${h.attach}</span>` : null}${h.classes.length
      ? html` <span class="muted">classes ${h.classes.join(', ')}</span>`
      : null}</td>
    <td>${formatShape(h.outputShape)}</td><td class="num">${formatCount(h.params)}</td>
    <td class="where">${h.file ? `${h.file}:${h.line}` : ''}</td>
  </tr>`;
}

function diagRows(list: DiagnosticView[] | undefined) {
  if (!list?.length) return null;
  return html`<tr class="diag-row"><td></td><td colspan="6"><ul class="diagnostics">${list.map(diagItem)}</ul></td></tr>`;
}

function diagItem(d: DiagnosticView) {
  return html`<li class=${`diag sev-${d.severity}`}><code>${diagnosticLocation(d)}</code> ${d.severity} NNC${d.code}: ${d.message}</li>`;
}
