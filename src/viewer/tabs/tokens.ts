// Tokens: every category with its tokens (id, and count when known), with a filter box.
import { useState } from 'preact/hooks';
import { formatCount } from '../format.js';
import { html } from '../html.js';
import { fresh, tokens } from '../state.js';
import { SourceNote } from './source-note.js';

export function TokensTab() {
  const view = tokens.value;
  const [q, setQ] = useState('');
  if (!view) return html`<p class="muted">Loading tokens…</p>`;
  const needle = q.trim().toLowerCase();
  const cats = view.categories
    .map((c) => ({ ...c, shown: needle ? c.tokens.filter((t) => t.text.toLowerCase().includes(needle)) : c.tokens }))
    .filter((c) => !needle || c.shown.length || c.name.toLowerCase().includes(needle));
  const newOnes = fresh.value;
  return html`<section class="tab tokens">
    <div class="tab-head">
      <h2>Tokens <span class="muted">${formatCount(view.size)} in the vocabulary, ${view.categories.length} categories</span></h2>
      <input type="search" class="filter" placeholder="Filter tokens" aria-label="Filter tokens" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
    </div>
    <${SourceNote} files=${view.file ? [view.file] : ['tokens.yaml']} what="Tokens" />
    <div class="categories">
      ${cats.map(
        (c) => html`<div class="category" data-category=${c.name}>
          <h3>${c.name} <span class="count">${needle ? `${c.shown.length} of ${c.tokens.length}` : c.tokens.length}</span></h3>
          <ul class="token-list">
            ${c.shown.map(
              (t) => html`<li class=${newOnes.has(`token:${t.text}`) ? 'token fresh' : 'token'} title=${t.id != null ? `id ${t.id}` : ''}>
                <span class="text">${t.text}</span>${t.id != null ? html`<span class="id">${t.id}</span>` : null}${t.count != null
                  ? html`<span class="tcount">×${formatCount(t.count)}</span>`
                  : null}
              </li>`,
            )}
          </ul>
        </div>`,
      )}
      ${cats.length ? null : html`<p class="muted">No token matches '${q}'.</p>`}
    </div>
  </section>`;
}
