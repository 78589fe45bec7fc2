// The Samples panel of the Logs tab: one logged validation sample (monitor.samples)
// followed across the run's snapshots: its input and expected answer once, then
// the model's output at every step, so a generation head's answers can be
// watched improving. Reads the `samples` lines the Logs tab holds, plus the
// stored ones of the followed run (GET /api/logs?kind=samples) when it opens.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { LogView } from '../../shared/protocol.js';
import { createApi } from '../api.js';
import { html } from '../html.js';
import { loggedSamples, sampleCorrect, sampleHistory, sampleOutputText, sampleValueText, SAMPLES_KIND } from '../logs.js';
import { liveRunId, logs, project, projects } from '../state.js';

const api = createApi(() => project.value, () => projects.value.length > 1);
const SHOWN_STEPS = 200;

export function SamplesPanel() {
  const runId = liveRunId.value;
  const [stored, setStored] = useState<readonly LogView[]>([]);
  const [picked, setPicked] = useState(1);
  useEffect(() => {
    if (!runId) return;
    let live = true;
    api.logs({ kind: SAMPLES_KIND, run: runId, limit: '5000' }).then((lines) => live && setStored(lines), () => undefined);
    return () => {
      live = false;
    };
  }, [runId, project.value]);
  const all = logs.value;
  const lines = useMemo(() => [...stored, ...all], [stored, all]);
  const samples = useMemo(() => loggedSamples(lines, runId), [lines, runId]);
  const chosen = samples.find((s) => s.sample === picked) ?? samples[0];
  const history = useMemo(() => (chosen ? sampleHistory(lines, runId, chosen.sample) : []), [lines, runId, chosen?.sample]);
  if (!samples.length) {
    return html`<section class="samples-panel empty"><h3>Samples</h3><p class="muted">No samples logged for this run yet: at every weight snapshot (<code>monitor.weightsEvery</code>) a run logs <code>monitor.samples</code> validation samples through the model.</p></section>`;
  }
  const shown = history.slice(-SHOWN_STEPS);
  return html`<section class="samples-panel">
    <div class="samples-head">
      <h3>Samples <span class="muted">${samples.length} followed across ${history.length} snapshot${history.length === 1 ? '' : 's'}</span></h3>
      <select aria-label="Sample" value=${String(chosen!.sample)} onChange=${(e: Event) => setPicked(Number((e.target as HTMLSelectElement).value))}>
        ${samples.map((s) => html`<option value=${String(s.sample)}>#${s.sample} ${s.head}: ${short(sampleValueText(s.input))}</option>`)}
      </select>
    </div>
    <dl class="facts sample-facts">
      <div><dt>head</dt><dd>${chosen!.head}</dd></div>
      <div><dt>input</dt><dd class="sample-input">${sampleValueText(chosen!.input)}</dd></div>
      <div><dt>expected</dt><dd class="sample-expected">${sampleValueText(chosen!.expected)}</dd></div>
    </dl>
    <table class="sample-steps">
      <thead><tr><th class="num">step</th><th class="num">epoch</th><th>output</th><th></th></tr></thead>
      <tbody>${shown.map((s) => {
        const ok = sampleCorrect(s);
        return html`<tr data-step=${s.step} class=${ok === null ? '' : ok ? 'right' : 'wrong'}>
          <td class="num">${s.step}</td><td class="num">${s.epoch}</td><td class="sample-output">${sampleOutputText(s)}</td><td>${ok === null ? '' : ok ? '✓' : '✗'}</td>
        </tr>`;
      })}</tbody>
    </table>
  </section>`;
}

function short(text: string): string {
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}
