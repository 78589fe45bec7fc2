// The error overlay, as dev servers show it: while the configuration has
// errors, a panel lists them at file:line:col; it goes away by itself once a
// save fixes them. Dismissing hides it until the diagnostics change.
import { useState } from 'preact/hooks';
import { diagnosticLocation } from './diagnostics.js';
import { html } from './html.js';
import { diagnostics, project } from './state.js';

export function ErrorOverlay() {
  const list = diagnostics.value;
  const errors = list.filter((d) => d.severity === 'error');
  const [dismissed, setDismissed] = useState<unknown>(null);
  if (!errors.length || dismissed === list) return null;
  return html`<div class="overlay" role="alertdialog" aria-label="Configuration errors" onClick=${(e: Event) => e.target === e.currentTarget && setDismissed(list)}>
    <div class="overlay-panel">
      <button type="button" class="overlay-close" aria-label="Dismiss" onClick=${() => setDismissed(list)}>×</button>
      <h2>${errors.length === 1 ? '1 error' : `${errors.length} errors`} in ${project.value ?? 'the project'}</h2>
      <ol>
        ${errors.map(
          (d) => html`<li>
            <code class="loc">${diagnosticLocation(d)}</code> <span class="sev">error NNC${d.code}</span>: ${d.message}
            ${d.related?.length ? html`<ul class="related">${d.related.map((r) => html`<li><span class="muted">related:</span> <code class="loc">${diagnosticLocation(r)}</code> ${r.message}</li>`)}</ul>` : null}
          </li>`,
        )}
      </ol>
      <p class="muted">The viewer is read-only: fix the YAML file named above and save. The last good model keeps running, and this overlay clears when the project compiles.</p>
    </div>
  </div>`;
}
