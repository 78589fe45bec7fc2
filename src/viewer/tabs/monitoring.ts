// Monitoring: the followed run's status and progress, loss per head and
// validation loss, the task metrics, learning rate and gradient norm over
// steps, parameter counts and tensor memory, and the weight sheet.
import { Chart, PALETTE, type ChartLine } from '../chart.js';
import { formatBytes, formatCount, formatDuration, formatValue } from '../format.js';
import { html } from '../html.js';
import type { RunView, WarmStartView } from '../../shared/protocol.js';
import { heads, layers, liveRunId, runs, seriesFor, stats, summary, warmStart } from '../state.js';
import { WeightSheet } from './weight-sheet.js';

const isLoss = (n: string) => /(^|[._])loss$/.test(n);
const isMetric = (n: string) => n !== 'lr' && n !== 'grad_norm' && !isLoss(n);

function linesOf(runId: string | null, pick: (name: string) => boolean): () => ChartLine[] {
  return () => {
    if (!runId) return [];
    const set = seriesFor(runId);
    // a metric and its validation twin share a colour; validation is dashed
    const bases: string[] = [];
    let names = set.names().filter(pick);
    // with one head the total loss is that head's loss: drawn twice, one line would hide the other
    if (names.filter((n) => n.endsWith('.loss')).length === 1) names = names.filter((n) => n !== 'loss' && n !== 'val_loss');
    return names
      .map((name) => {
        const base = name.replace('val_', '');
        if (!bases.includes(base)) bases.push(base);
        return { label: name, color: PALETTE[bases.indexOf(base) % PALETTE.length], series: set.get(name), dashed: name !== base };
      });
  };
}

export function MonitoringTab() {
  const runId = liveRunId.value;
  const run = runs.value.find((r) => r.id === runId);
  const s = stats.value && stats.value.runId === runId ? stats.value : null;
  const sum = summary.value;
  const params = sum?.params ?? layers.value.reduce((n, l) => n + l.params, 0) + heads.value.reduce((n, h) => n + h.params, 0);
  const progress = run?.status === 'completed' ? 1 : s?.progress;
  const follow = run?.status === 'running';
  return html`<section class="tab monitoring">
    <div class="tab-head"><h2>Monitoring ${runId ? html`<span class="muted">run ${runId}</span>` : null}</h2></div>
    <dl class="facts run-facts">
      <div><dt>status</dt><dd class="run-state">${run?.status ?? (s ? 'running' : 'no run yet')}</dd></div>
      <div><dt>progress</dt><dd>${progress != null ? `${Math.round(progress * 100)}%` : '-'}${s ? ` · epoch ${s.epoch} · step ${s.step}` : ''}</dd></div>
      <div><dt>backend</dt><dd>${run?.backend ?? '-'}</dd></div>
      <div><dt>start</dt><dd class="warm-start">${startText(run)}</dd></div>
      <div><dt>elapsed</dt><dd>${run ? formatDuration((run.endedAt ?? Date.now()) - run.startedAt) : '-'}</dd></div>
      <div><dt>parameters</dt><dd class="param-count">${formatCount(params)}</dd></div>
      <div><dt>weight memory</dt><dd>${formatBytes(sum?.weightBytes ?? params * 4)}</dd></div>
      <div><dt>tensors in memory</dt><dd>${s ? `${formatCount(s.numTensors)} · ${formatBytes(s.memoryBytes)}` : '-'}</dd></div>
      <div><dt>throughput</dt><dd>${s ? `${formatValue(s.samplesPerSecond)} samples/s` : '-'}</dd></div>
      <div><dt>learning rate</dt><dd>${s ? formatValue(s.learningRate) : '-'}</dd></div>
    </dl>
    <div class="charts">
      <${Chart} title="Loss per head" follow=${follow} lines=${linesOf(runId, isLoss)} empty="Waiting for the first loss…" />
      <${Chart} title="Metrics" follow=${follow} lines=${linesOf(runId, isMetric)} empty="No metrics yet." />
      <${Chart} title="Learning rate" follow=${follow} lines=${linesOf(runId, (n) => n === 'lr')} height=${130} />
      <${Chart} title="Gradient norm" follow=${follow} lines=${linesOf(runId, (n) => n === 'grad_norm')} height=${130} />
    </div>
    <${WeightSheet} />
  </section>`;
}

/** Cold, or warm from a parent run with what it kept; from run_started, else from the stored run's info. */
function startText(run: RunView | undefined): string {
  if (!run) return '-';
  const live = warmStart.value;
  const stored = (run.info as { warmStart?: WarmStartView }).warmStart;
  const w = live && live.parentId === run.parentId ? live : stored;
  if (!w && !run.parentId) return 'cold';
  if (!w) return `warm from ${run.parentId}`;
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
  return `warm from ${w.parentId}: kept ${list(w.reused)}; fresh ${list(w.fresh)}`;
}
