// Evaluation of one run (opened from the Runs tab): what `nnc evaluate`
// stored for it, per head: the metrics table beside the baseline, the
// confusion matrix as a heat map with counts, the ROC curve of a binary head,
// per-class scores, and the worst-scored samples. Refetched when the runs
// change (a run ending under `nnc watch`).
import { useEffect, useState } from 'preact/hooks';
import { formatTime, formatValue } from '../format.js';
import { html } from '../html.js';
import { project, projectInfo, projects, runs } from '../state.js';

/** GET /api/runs/{id}/evaluations: the store's EvaluationRecord, as JSON. */
interface EvaluationView {
  readonly id: number;
  readonly runId: string;
  readonly createdAt: number;
  readonly split: string;
  readonly data: string | null;
  readonly checkpoint: string;
  readonly count: number;
  readonly metrics: Record<string, Record<string, number>>;
  readonly heads: Record<string, HeadEvaluation>;
}

interface HeadEvaluation {
  readonly task: 'classification' | 'regression' | 'generation';
  readonly report: {
    readonly count: number;
    readonly classes?: string[];
    readonly confusion?: number[][];
    readonly per_class?: { class: string; precision: number; recall: number; f1: number; support: number }[];
    readonly roc?: { fpr: number[]; tpr: number[] } | null;
    readonly auc?: number | null;
    readonly baseline?: { class?: string; accuracy?: number; f1?: number; weighted_f1?: number; mae?: number } | null;
  };
  readonly worst: { input: unknown; expected: unknown; predicted: unknown; correct: boolean | null; loss: number }[];
}

async function fetchEvaluations(runId: string): Promise<EvaluationView[]> {
  const params = new URLSearchParams();
  if (project.value && projects.value.length > 1) params.set('project', project.value);
  const qs = params.toString();
  const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/evaluations${qs ? `?${qs}` : ''}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET evaluations answered ${res.status}.`);
  return ((await res.json()) as { evaluations: EvaluationView[] }).evaluations;
}

export function EvaluationView({ runId, onClose }: { runId: string; onClose: () => void }) {
  const [list, setList] = useState<EvaluationView[] | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const run = runs.value.find((r) => r.id === runId);
  useEffect(() => {
    let live = true;
    fetchEvaluations(runId).then((found) => live && setList(found), () => live && setList([]));
    return () => {
      live = false;
    };
  }, [runId, run?.status, run?.endedAt, runs.value.length]);
  const shown = list?.find((e) => e.id === picked) ?? list?.[list.length - 1] ?? null;

  return html`<section class="evaluation" data-run=${runId}>
    <div class="tab-head"><h3>Evaluation of run <code>${runId}</code></h3><button class="close" onClick=${onClose} aria-label="Close the evaluation">×</button></div>
    ${list === null
      ? html`<p class="muted">Loading…</p>`
      : list.length === 0
        ? html`<p class="muted">No evaluation stored. Run <code>nnc evaluate --run ${runId}</code> (add <code>--split test</code> to score the test split).</p>`
        : html`<p class="source-note">From <code>nnc evaluate</code>, stored in <code>${projectInfo.value?.storedIn ?? '.nnc/nnc.db'}</code>.
            ${list.length > 1
              ? html`<label>evaluation <select aria-label="Evaluation" value=${String(shown!.id)} onChange=${(e: Event) => setPicked(Number((e.target as HTMLSelectElement).value))}>
                  ${list.map((e) => html`<option value=${String(e.id)}>${`#${e.id} ${describeScope(e)} ${formatTime(e.createdAt)}`}</option>`)}
                </select></label>`
              : null}</p>
          <p><b>${describeScope(shown!)}</b>, ${shown!.checkpoint} checkpoint, ${shown!.count} samples, ${formatTime(shown!.createdAt)}</p>
          ${Object.entries(shown!.heads).map(([name, head]) => headView(name, head, shown!.metrics[name] ?? {}))}`}
  </section>`;
}

function describeScope(e: EvaluationView): string {
  return e.split === 'file' ? `file ${e.data ?? ''}` : `${e.split} split`;
}

function headView(name: string, head: HeadEvaluation, metrics: Record<string, number>) {
  const base = head.report.baseline ?? null;
  const baseline: Record<string, number | undefined> = base ? { accuracy: base.accuracy, f1: base.f1, weighted_f1: base.weighted_f1, mae: base.mae } : {};
  return html`<div class="eval-head" data-head=${name}>
    <h4>${name} <span class="muted">${head.task}, ${head.report.count} samples</span></h4>
    <div class="eval-grid">
      <table class="eval-metrics">
        <thead><tr><th>metric</th><th>value</th>${base ? html`<th>baseline${base.class ? ` (always '${base.class}')` : ' (training mean)'}</th>` : null}</tr></thead>
        <tbody>${Object.entries(metrics).map(([k, v]) => html`<tr><td>${k}</td><td class="num">${formatValue(v)}</td>${base ? html`<td class="num">${baseline[k] === undefined ? '' : formatValue(baseline[k])}</td>` : null}</tr>`)}</tbody>
      </table>
      ${head.report.confusion && head.report.classes ? confusion(head.report.classes, head.report.confusion) : null}
      ${head.report.roc ? roc(head.report.roc, head.report.auc ?? null) : null}
    </div>
    ${head.report.per_class
      ? html`<table class="eval-classes"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>f1</th><th>support</th></tr></thead>
          <tbody>${head.report.per_class.map((c) => html`<tr><td>${c.class}</td><td class="num">${formatValue(c.precision)}</td><td class="num">${formatValue(c.recall)}</td><td class="num">${formatValue(c.f1)}</td><td class="num">${c.support}</td></tr>`)}</tbody></table>`
      : null}
    ${head.worst.length
      ? html`<details class="eval-worst"><summary>Worst-scored samples (${head.worst.length})</summary>
          <table><thead><tr><th></th><th>input</th><th>expected</th><th>predicted</th><th>loss</th></tr></thead>
          <tbody>${head.worst.map((s) => html`<tr><td>${s.correct === null ? '' : s.correct ? '✓' : '✗'}</td><td class="input">${show(s.input)}</td><td>${show(s.expected)}</td><td>${show(s.predicted)}</td><td class="num">${formatValue(s.loss)}</td></tr>`)}</tbody></table>
        </details>`
      : null}
  </div>`;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return formatValue(value);
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'number' ? formatValue(v) : String(v))).join(', ')}]`;
  return String(value);
}

/** Rows: expected class; columns: predicted. A cell's shade is its share of its row. */
function confusion(classes: readonly string[], matrix: readonly (readonly number[])[]) {
  return html`<table class="confusion" aria-label="Confusion matrix">
    <caption>Confusion matrix <span class="muted">rows expected, columns predicted</span></caption>
    <thead><tr><th></th>${classes.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${matrix.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return html`<tr><th scope="row">${classes[i]}</th>${row.map((n, j) => {
        const share = n / total;
        const hue = i === j ? '78, 121, 167' : '225, 87, 89';
        return html`<td class="num" data-count=${n} data-expected=${classes[i]} data-predicted=${classes[j]} style=${`background: rgba(${hue}, ${(0.08 + 0.85 * share).toFixed(3)})`}>${n}</td>`;
      })}</tr>`;
    })}</tbody>
  </table>`;
}

/** The ROC curve of a binary head as an SVG polyline, with the diagonal of chance. */
function roc(curve: { fpr: number[]; tpr: number[] }, auc: number | null) {
  const size = 160;
  const points = curve.fpr.map((x, i) => `${(x * size).toFixed(1)},${((1 - curve.tpr[i]) * size).toFixed(1)}`).join(' ');
  return html`<figure class="roc">
    <svg width=${size + 2} height=${size + 2} viewBox=${`-1 -1 ${size + 2} ${size + 2}`} role="img" aria-label="ROC curve">
      <rect x="0" y="0" width=${size} height=${size} fill="none" stroke="var(--line)" />
      <line x1="0" y1=${size} x2=${size} y2="0" stroke="var(--muted)" stroke-dasharray="3 3" />
      <polyline points=${points} fill="none" stroke="#4e79a7" stroke-width="2" />
    </svg>
    <figcaption>ROC curve${auc === null ? '' : `, AUC ${formatValue(auc)}`}</figcaption>
  </figure>`;
}
