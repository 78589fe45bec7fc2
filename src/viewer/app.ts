// The shell: header, tab bar, the current tab, and the error overlay. The
// tab lives in location.hash so a reload keeps it (no router needed).
import { signal } from '@preact/signals';
import { ErrorOverlay } from './overlay.js';
import { Header } from './header.js';
import { html } from './html.js';
import { diagnostics, logs, runs } from './state.js';
import { ArchitectureTab } from './tabs/architecture.js';
import { DatasetsTab } from './tabs/datasets.js';
import { LogsTab } from './tabs/logs.js';
import { MonitoringTab } from './tabs/monitoring.js';
import { RunsTab } from './tabs/runs.js';
import { SweepsTab } from './tabs/sweeps.js';
import { TokensTab } from './tabs/tokens.js';

const TABS = [
  { id: 'tokens', label: 'Tokens', view: TokensTab },
  { id: 'architecture', label: 'Architecture', view: ArchitectureTab },
  { id: 'datasets', label: 'Datasets', view: DatasetsTab },
  { id: 'monitoring', label: 'Monitoring', view: MonitoringTab },
  { id: 'logs', label: 'Logs', view: LogsTab },
  { id: 'runs', label: 'Runs', view: RunsTab },
  { id: 'sweeps', label: 'Sweeps', view: SweepsTab },
] as const;

const fromHash = () => TABS.find((t) => `#${t.id}` === location.hash)?.id ?? 'monitoring';
const tab = signal<string>(fromHash());
addEventListener('hashchange', () => (tab.value = fromHash()));

function badge(id: string) {
  if (id === 'architecture') {
    const errors = diagnostics.value.filter((d) => d.severity !== 'info').length;
    return errors ? html`<span class="tab-badge warn">${errors}</span>` : null;
  }
  if (id === 'logs') {
    const errors = logs.value.filter((l) => l.level === 'error').length;
    return errors ? html`<span class="tab-badge err">${errors}</span>` : null;
  }
  if (id === 'runs') return runs.value.length ? html`<span class="tab-badge">${runs.value.length}</span>` : null;
  return null;
}

export function App(props: { onRetry: () => void }) {
  const current = TABS.find((t) => t.id === tab.value) ?? TABS[3];
  const View = current.view;
  return html`<${Header} onRetry=${props.onRetry} />
    <nav class="tabs" role="tablist">
      ${TABS.map(
        (t) => html`<a role="tab" href=${`#${t.id}`} aria-selected=${t.id === current.id} class=${t.id === current.id ? 'active' : ''}>${t.label}${badge(t.id)}</a>`,
      )}
    </nav>
    <main><${View} /></main>
    <${ErrorOverlay} />`;
}
