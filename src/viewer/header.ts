// The top bar: project, plan hash, the followed run's status and progress,
// and the connection state (live, connecting, or retrying with a countdown).
import { useEffect, useState } from 'preact/hooks';
import { formatValue, shortHash } from './format.js';
import { html } from './html.js';
import { selectProject } from './sync.js';
import { connection, liveRunId, project, projectInfo, projects, runs, stats, summary } from './state.js';

export function Header(props: { onRetry: () => void }) {
  const names = projects.value;
  return html`<header class="top">
    <span class="brand">nnc</span>
    ${names.length > 1
      ? html`<select class="project" aria-label="Project" value=${project.value ?? ''} onChange=${(e: Event) => selectProject((e.target as HTMLSelectElement).value)}>
          ${names.map((n) => html`<option value=${n}>${n}</option>`)}
        </select>`
      : html`<span class="project">${project.value ?? '…'}</span>`}
    ${planHash() ? html`<span class="muted" title="plan hash">plan ${shortHash(planHash())}</span>` : null}
    ${projectInfo.value && !projectInfo.value.live ? html`<span class="badge" title="nnc view: stored runs, no training">stored runs</span>` : null}
    <${RunStatus} />
    <span class="spacer"></span>
    <${ConnectionPill} onRetry=${props.onRetry} />
  </header>`;
}

const planHash = () => summary.value?.planHash ?? projectInfo.value?.planHash ?? null;

function RunStatus() {
  const run = runs.value.find((r) => r.id === liveRunId.value);
  const s = stats.value && stats.value.runId === liveRunId.value ? stats.value : null;
  if (!run && !s) return html`<span class="run-status muted">no run yet</span>`;
  const status = run?.status ?? 'running';
  const progress = status === 'completed' ? 1 : s?.progress ?? null;
  return html`<span class="run-status" data-status=${status}>
    <span class=${`badge status-${status}`}>${status}</span>
    <span class="muted">run ${run?.id ?? s?.runId}</span>
    ${s ? html`<span>epoch ${s.epoch} · step ${s.step}</span>` : null}
    ${progress != null
      ? html`<span class="progress" title=${`${Math.round(progress * 100)}%`}><span style=${`width:${(progress * 100).toFixed(1)}%`}></span></span>
          <span class="muted">${Math.round(progress * 100)}%</span>`
      : null}
    ${s && status === 'running' ? html`<span class="muted">${formatValue(s.samplesPerSecond)} samples/s</span>` : null}
  </span>`;
}

function ConnectionPill(props: { onRetry: () => void }) {
  const c = connection.value;
  const [, tick] = useState(0);
  useEffect(() => {
    if (c.state !== 'closed') return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [c]);
  if (c.state === 'open') return html`<span class="conn" data-state="open"><i></i>live</span>`;
  if (c.state === 'connecting')
    return html`<span class="conn" data-state="connecting"><i></i>${c.attempt ? `reconnecting (attempt ${c.attempt + 1})…` : 'connecting…'}</span>`;
  const secs = Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000));
  return html`<span class="conn" data-state="closed"><i></i>disconnected, retrying in ${secs}s
    <button type="button" onClick=${props.onRetry}>retry now</button></span>`;
}
