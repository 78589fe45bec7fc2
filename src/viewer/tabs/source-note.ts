// The line under each tab title naming the YAML that holds what it shows.
import { html } from '../html.js';

export function SourceNote(props: { files: readonly string[]; what: string; fallback?: string }) {
  const files = [...new Set(props.files.filter(Boolean))];
  return html`<p class="source-note">Read-only. ${props.what} live in ${files.length
    ? files.map((f, i) => html`${i ? ', ' : ''}<code>${f}</code>`)
    : (props.fallback ?? 'the project YAML')}; edit and save there.</p>`;
}
