// Monitoring: the followed run's status and progress, loss per head and
// validation loss, the task metrics, learning rate and gradient norm over
// steps, parameter counts, the process's resources (CPU, memory, tensors,
// throughput: the run's sys.* series, stored, so a finished run shows them
// too) and the weight sheet.
import { Chart, PALETTE, type ChartLine } from '../chart.js';
import { formatBytes, formatCount, formatDuration, formatValue } from '../format.js';
import { html } from '../html.js';
import type { RunView, WarmStartView } from '../../shared/protocol.js';
import type { Series } from '../series.js';
import { heads, layers, liveRunId, runs, seriesFor, seriesVersion, stats, summary, warmStart } from '../state.js';
import { WeightSheet } from './weight-sheet.js';

const isLoss = (n: string) => /(^|[._])loss$/.test(n);
const isResource = (n: string) => n.startsWith('sys.');
const isMetric = (n: string) => n !== 'lr' && n !== 'grad_norm' && !isLoss(n) && !isResource(n);

const MIB = 1024 * 1024;
/** a byte series in MiB, kept in step with its source (appended to, or redone when a point changed) */
const inMiB = new WeakMap<Series, Series & { seen: number }>();
function mebibytes(source: Series | undefined): Series | undefined {
  if (!source) return undefined;
  let out = inMiB.get(source);
  if (!out || out.seen !== source.edits || out.xs.length < source.n) {
    out = { name: source.name, xs: new Float64Array(source.xs.length), ys: new Float64Array(source.ys.length), n: 0, edits: (out?.edits ?? 0) + 1, seen: source.edits };
    inMiB.set(source, out);
  }
  for (; out.n < source.n; out.n++) {
    out.xs[out.n] = source.xs[out.n];
    out.ys[out.n] = source.ys[out.n] / MIB;
  }
  return out;
}

function memoryLines(runId: string | null): () => ChartLine[] {
  return () => {
    if (!runId) return [];
    const set = seriesFor(runId);
    return [
      { label: 'RSS', name: 'sys.rss' },
      { label: 'heap used', name: 'sys.heap_used' },
      { label: 'tensors', name: 'sys.tensor_bytes' },
    ].map((l, i) => ({ label: l.label, color: PALETTE[i], series: mebibytes(set.get(l.name)) }));
  };
}

function single(runId: string | null, name: string, label: string): () => ChartLine[] {
  return () => (runId ? [{ label, color: PALETTE[0], series: seriesFor(runId).get(name) }] : []);
}

/** The last value of a run's series (live stats or stored metrics), or null. */
function lastOf(runId: string | null, name: string): number | null {
  const series = runId ? seriesFor(runId).get(name) : undefined;
  return series && series.n > 0 ? series.ys[series.n - 1] : null;
}

function peakOf(runId: string | null, name: string): number | null {
  const series = runId ? seriesFor(runId).get(name) : undefined;
  if (!series || series.n === 0) return null;
  let peak = -Infinity;
  for (let i = 0; i < series.n; i++) peak = Math.max(peak, series.ys[i]);
  return peak;
}

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
  void seriesVersion.value; // the facts below read the series: redraw when they grow
  const live = s && s.kind !== 'epoch' ? s : null;
  const tensorsNow = lastOf(runId, 'sys.tensors') ?? live?.numTensors ?? null;
  const tensorBytes = lastOf(runId, 'sys.tensor_bytes') ?? live?.memoryBytes ?? null;
  const throughput = lastOf(runId, 'sys.samples_per_second') ?? s?.samplesPerSecond ?? null;
  const lr = lastOf(runId, 'lr') ?? s?.learningRate ?? null;
  const cpu = lastOf(runId, 'sys.cpu_percent');
  const rss = lastOf(runId, 'sys.rss');
  const peakRss = peakOf(runId, 'sys.rss');
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
      <div><dt>tensors in memory</dt><dd class="fact-tensors">${tensorsNow != null ? `${formatCount(tensorsNow)}${tensorBytes != null ? ` · ${formatBytes(tensorBytes)}` : ''}` : '-'}</dd></div>
      <div><dt>throughput</dt><dd class="fact-throughput">${throughput != null ? `${formatValue(throughput)} samples/s` : '-'}</dd></div>
      <div><dt>learning rate</dt><dd class="fact-lr">${lr != null ? formatValue(lr) : '-'}</dd></div>
      <div><dt>CPU</dt><dd class="fact-cpu">${cpu != null ? `${Math.round(cpu)}% of a core` : '-'}</dd></div>
      <div><dt>memory (RSS)</dt><dd class="fact-rss">${rss != null ? `${formatBytes(rss)}${peakRss != null && peakRss > rss ? ` · peak ${formatBytes(peakRss)}` : ''}` : '-'}</dd></div>
    </dl>
    <div class="charts">
      <${Chart} title="Loss per head" follow=${follow} lines=${linesOf(runId, isLoss)} empty="Waiting for the first loss…" />
      <${Chart} title="Metrics" follow=${follow} lines=${linesOf(runId, isMetric)} empty="No metrics yet." />
      <${Chart} title="Learning rate" follow=${follow} lines=${linesOf(runId, (n) => n === 'lr')} height=${130} />
      <${Chart} title="Gradient norm" follow=${follow} lines=${linesOf(runId, (n) => n === 'grad_norm')} height=${130} />
    </div>
    <h3 class="resources-title">Resources <span class="muted">of the training process, at every stats tick</span></h3>
    <div class="charts resources">
      <${Chart} title="CPU (% of one core)" follow=${follow} lines=${single(runId, 'sys.cpu_percent', 'CPU %')} height=${130} empty="No resource figures: runs stored by an older nnc have none." />
      <${Chart} title="Memory (MiB)" follow=${follow} lines=${memoryLines(runId)} height=${130} empty="No resource figures yet." />
      <${Chart} title="Tensors in memory" follow=${follow} lines=${single(runId, 'sys.tensors', 'tensors')} height=${130} empty="No resource figures yet." />
      <${Chart} title="Throughput (samples/s)" follow=${follow} lines=${single(runId, 'sys.samples_per_second', 'samples/s')} height=${130} empty="No resource figures yet." />
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
