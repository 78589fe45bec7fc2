// Runs: the history (plan hash, commit, status, backend, best metrics,
// parent), two runs' curves of one metric overlaid to compare, and a run's
// Evaluation (what `nnc evaluate` stored for it).
import { useEffect, useState } from 'preact/hooks';
import type { RunView } from '../../shared/protocol.js';
import { Chart } from '../chart.js';
import { formatDuration, formatTime, formatValue, shortHash } from '../format.js';
import { html } from '../html.js';
import { hasSeries, projectInfo, runs, seriesFor, seriesVersion } from '../state.js';
import { loadRunMetrics } from '../sync.js';
import { EvaluationView } from './evaluation.js';

const COLORS = ['#4e79a7', '#e15759'];

export function RunsTab() {
  const list = runs.value;
  const [picked, setPicked] = useState<string[]>([]);
  const [metric, setMetric] = useState('');
  const [evaluated, setEvaluated] = useState<string | null>(null);
  const chosen = (picked.length ? picked : list.slice(0, 2).map((r) => r.id)).filter((id) => list.some((r) => r.id === id));
  useEffect(() => {
    for (const id of chosen) void loadRunMetrics(id, false);
  }, [chosen.join()]);
  void seriesVersion.value; // the metric list grows as series load
  const names = [...new Set(chosen.flatMap((id) => (hasSeries(id) ? seriesFor(id).names() : [])))];
  const shownMetric = names.includes(metric) ? metric : (['val_loss', 'loss'].find((n) => names.includes(n)) ?? names.find((n) => n.endsWith('loss')) ?? names[0] ?? '');

  const toggle = (id: string) => {
    const next = chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id].slice(-2);
    setPicked(next);
  };
  const lines = () =>
    chosen.map((id, i) => ({ label: `run ${id}`, color: COLORS[i], dashed: i === 1, series: hasSeries(id) ? seriesFor(id).get(shownMetric) : undefined }));

  return html`<section class="tab runs">
    <div class="tab-head"><h2>Runs <span class="muted">${list.length}</span></h2></div>
    <p class="source-note">Stored in <code>${projectInfo.value?.storedIn ?? '.nnc/nnc.db'}</code>. Tick two runs to overlay their curves.</p>
    <table class="run-table">
      <thead><tr><th></th><th>run</th><th>started</th><th>took</th><th>status</th><th>plan</th><th>commit</th><th>backend</th><th>best</th><th>parent</th><th></th></tr></thead>
      <tbody>${list.map((r) => runRow(r, chosen.indexOf(r.id), () => toggle(r.id), () => setEvaluated(evaluated === r.id ? null : r.id)))}</tbody>
    </table>
    ${list.length ? null : html`<p class="muted">No runs stored yet.</p>`}
    ${evaluated ? html`<${EvaluationView} runId=${evaluated} onClose=${() => setEvaluated(null)} />` : null}
    ${chosen.length
      ? html`<div class="compare">
          <label>metric <select aria-label="Metric to compare" value=${shownMetric} onChange=${(e: Event) => setMetric((e.target as HTMLSelectElement).value)}>
            ${names.map((n) => html`<option value=${n}>${n}</option>`)}
          </select></label>
          <${Chart} title=${`${shownMetric || 'metric'}: ${chosen.map((id) => id).join(' vs ')}`} lines=${lines} height=${220} />
        </div>`
      : null}
  </section>`;
}

/** The `nnc worker` that trained a queued run (its info.queue), or null. */
function queuedBy(r: RunView): string | null {
  const worker = (r.info?.queue as { worker?: unknown } | undefined)?.worker;
  return typeof worker === 'string' ? worker : null;
}

function runRow(r: RunView, slot: number, toggle: () => void, evaluate: () => void) {
  const best = Object.entries(r.best ?? {}).slice(0, 4);
  return html`<tr data-run=${r.id} class=${slot >= 0 ? 'picked' : ''}>
    <td><input type="checkbox" aria-label=${`compare run ${r.id}`} checked=${slot >= 0} onChange=${toggle} />${slot >= 0
      ? html`<i class="swatch" style=${`background:${COLORS[slot]}`}></i>`
      : null}</td>
    <td><code>${r.id}</code></td>
    <td>${formatTime(r.startedAt)}</td>
    <td>${r.endedAt ? formatDuration(r.endedAt - r.startedAt) : '-'}</td>
    <td><span class=${`badge status-${r.status}`}>${r.status}</span></td>
    <td><code>${shortHash(r.planHash)}</code></td>
    <td>${r.gitCommit ? html`<code>${shortHash(r.gitCommit, 7)}${r.gitDirty ? '*' : ''}</code>` : '-'}</td>
    <td>${r.backend}${queuedBy(r) ? html`<span class="worker muted" title="the nnc worker that trained this queued job"> · ${queuedBy(r)}</span>` : null}</td>
    <td class="best">${best.length ? best.map(([k, v]) => html`<span>${k} <b>${formatValue(v)}</b></span>`) : '-'}</td>
    <td>${r.parentId ? html`<code>${r.parentId}</code>` : '-'}</td>
    <td><button class="open-evaluation" onClick=${evaluate} aria-label=${`evaluation of run ${r.id}`}>Evaluation</button></td>
  </tr>`;
}
