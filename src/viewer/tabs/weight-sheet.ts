// The weight sheet: one row per tensor of the latest snapshot (shape, mean,
// std, min, max, gradient norm, a small histogram), replaced at each snapshot.
import type { TensorStatsView } from '../../shared/protocol.js';
import { formatCount, formatShape, formatValue } from '../format.js';
import { html } from '../html.js';
import { weights } from '../state.js';

export function WeightSheet() {
  const w = weights.value;
  if (!w || !w.tensors.length) return html`<p class="muted weight-empty">No weight snapshot yet: one is taken every <code>monitor.weightsEvery</code> batches.</p>`;
  const total = w.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  return html`<div class="weight-sheet">
    <h3>Weight sheet <span class="muted">${w.tensors.length} tensors, ${formatCount(total)} values${w.step != null ? `, snapshot at step ${w.step}` : ''}${w.runId
      ? ` of run ${w.runId}`
      : ''}</span></h3>
    <table class="weights">
      <thead><tr><th>tensor</th><th>shape</th><th class="num">mean</th><th class="num">std</th><th class="num">min</th><th class="num">max</th><th class="num">grad norm</th><th>histogram</th></tr></thead>
      <tbody>${w.tensors.map(row)}</tbody>
    </table>
  </div>`;
}

function row(t: TensorStatsView) {
  return html`<tr data-tensor=${t.name}>
    <td class="name">${t.name}</td><td>${formatShape(t.shape)}</td>
    <td class="num">${formatValue(t.mean)}</td><td class="num">${formatValue(t.std)}</td>
    <td class="num">${formatValue(t.min)}</td><td class="num">${formatValue(t.max)}</td>
    <td class="num">${formatValue(t.gradNorm)}</td>
    <td>${histogram(t.histogram)}</td>
  </tr>`;
}

function histogram(bins: readonly number[]) {
  const W = 100;
  const H = 22;
  const top = Math.max(1, ...bins);
  const bw = W / Math.max(1, bins.length);
  return html`<svg class="hist" width=${W} height=${H} viewBox=${`0 0 ${W} ${H}`} aria-hidden="true">
    ${bins.map((b, i) => {
      const h = b > 0 ? Math.max(1, (b / top) * H) : 0;
      return html`<rect x=${(i * bw).toFixed(2)} y=${(H - h).toFixed(2)} width=${Math.max(0.5, bw - 1).toFixed(2)} height=${h.toFixed(2)} />`;
    })}
  </svg>`;
}
