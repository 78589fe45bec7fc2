// Logs: level filter, text search, a toggle for spam lines (per-batch lines,
// hidden by default), repeats collapsed with a count, and following new lines
// unless the reader has scrolled up. Above them, the Samples panel follows one
// logged validation sample across the run (samples-panel.ts); a sample line in
// the list reads as text, not as its JSON payload.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatCount } from '../format.js';
import { html } from '../html.js';
import { LEVELS, sampleOf, sampleOutputText, sampleValueText, visibleLogs, type Level } from '../logs.js';
import type { LogView } from '../../shared/protocol.js';
import { SamplesPanel } from './samples-panel.js';
import { logs } from '../state.js';
import { reloadLogs } from '../sync.js';

const SHOWN = 1500;

export function LogsTab() {
  const [level, setLevel] = useState<Level>('debug');
  const [q, setQ] = useState('');
  const [showSpam, setShowSpam] = useState(false);
  const [following, setFollowing] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const all = logs.value;
  const lines = useMemo(() => visibleLogs(all, { level, q, showSpam }), [all, level, q, showSpam]);
  const spamCount = useMemo(() => all.reduce((n, l) => n + (l.spam ? 1 : 0), 0), [all]);
  const shown = lines.length > SHOWN ? lines.slice(lines.length - SHOWN) : lines;

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [shown, following]);

  const toggleSpam = (on: boolean) => {
    setShowSpam(on);
    if (on) void reloadLogs();
  };

  const onScroll = () => {
    const el = box.current;
    if (!el) return; // a scroll event can land after the tab was left
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom !== following) setFollowing(atBottom);
  };

  return html`<section class="tab logs">
    <div class="tab-head">
      <h2>Logs <span class="muted">${formatCount(lines.length)} shown of ${formatCount(all.length)}</span></h2>
      <div class="log-controls">
        <label>level <select aria-label="Level" value=${level} onChange=${(e: Event) => setLevel((e.target as HTMLSelectElement).value as Level)}>
          ${LEVELS.map((l) => html`<option value=${l}>${l === 'debug' ? 'all levels' : l === 'error' ? 'errors' : `${l} and above`}</option>`)}
        </select></label>
        <input type="search" class="filter" placeholder="Search logs" aria-label="Search logs" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
        <label class="toggle"><input type="checkbox" checked=${showSpam} onChange=${(e: Event) => toggleSpam((e.target as HTMLInputElement).checked)} />
          show spam lines <span class="muted">(${formatCount(spamCount)})</span></label>
      </div>
    </div>
    <${SamplesPanel} />
    <div class="log-box" ref=${box} onScroll=${onScroll}>
      ${lines.length > shown.length ? html`<div class="muted log-more">${formatCount(lines.length - shown.length)} older lines not shown; narrow the filter.</div>` : null}
      ${shown.map(
        (l) => html`<div class=${`log lvl-${l.level}${l.spam ? ' spam' : ''}`} data-level=${l.level}>
          <time>${new Date(l.time).toLocaleTimeString()}</time><span class="lvl">${l.level}</span><span class="cat">${l.category}</span><span class="msg">${messageText(l)}</span>${l.count > 1
            ? html`<span class="repeat" title="repeated">×${l.count}</span>`
            : null}
        </div>`,
      )}
      ${shown.length ? null : html`<div class="muted">No log lines match.</div>`}
    </div>
    ${following
      ? null
      : html`<button type="button" class="follow" onClick=${() => setFollowing(true)}>Scrolled up: new lines keep arriving. Follow again ↓</button>`}
  </section>`;
}

/** A samples line as a sentence: step, sample, head, input, output and expected. */
function messageText(line: LogView): string {
  const s = sampleOf(line);
  if (!s) return line.message;
  return `step ${s.step} · #${s.sample} ${s.head}: ${sampleValueText(s.input)} → ${sampleOutputText(s)} (expected ${sampleValueText(s.expected)})`;
}
