// Tokens: every category with its tokens and ids, how many each holds, and a filter box.
import { useMemo, useState } from 'preact/hooks';
import type { TokensView } from '../../shared/protocol.js';
import { formatCount, plural } from '../format.js';
import { html } from '../html.js';
import { fresh, tokens } from '../state.js';
import { SourceNote } from './source-note.js';

export function TokensTab() {
  const view = tokens.value;
  const [q, setQ] = useState('');
  const ids = useMemo(() => new Map(view?.tokens.map((t, i) => [t, i]) ?? []), [view]);
  if (!view) return html`<p class="muted">No vocabulary yet: the project has not compiled.</p>`;
  const needle = q.trim().toLowerCase();
  const cats = Object.entries(view.categories)
    .map(([name, list]) => ({ name, list, shown: needle ? list.filter((t) => t.toLowerCase().includes(needle)) : list }))
    .filter((c) => !needle || c.shown.length || c.name.toLowerCase().includes(needle));
  const newOnes = fresh.value;
  return html`<section class="tab tokens">
    <div class="tab-head">
      <h2>Tokens <span class="muted">${formatCount(view.vocabularySize)} in the vocabulary, ${plural(Object.keys(view.categories).length, 'category', 'categories')}</span></h2>
      <input type="search" class="filter" placeholder="Filter tokens" aria-label="Filter tokens" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
    </div>
    <${SourceNote} files=${fileOf(view)} what="Tokens" fallback="the project's Tokens document (conventionally tokens.yaml); tokens under fromDatasets come from the datasets" />
    <div class="categories">
      ${cats.map(
        (c) => html`<div class="category" data-category=${c.name}>
          <h3>${c.name} <span class="count">${needle ? `${c.shown.length} of ${c.list.length}` : c.list.length}</span></h3>
          <ul class="token-list">
            ${c.shown.map(
              (t) => html`<li class=${newOnes.has(`token:${t}`) ? 'token fresh' : 'token'} title=${ids.has(t) ? `id ${ids.get(t)}` : ''}>
                <span class="text">${t}</span>${ids.has(t) ? html`<span class="id">${ids.get(t)}</span>` : null}
              </li>`,
            )}
          </ul>
        </div>`,
      )}
      ${cats.length ? null : html`<p class="muted">No token matches '${q}'.</p>`}
    </div>
  </section>`;
}

/** TokensView carries no file today; use one if the server adds it. */
function fileOf(view: TokensView): string[] {
  const file = (view as { file?: unknown }).file;
  return typeof file === 'string' ? [file] : [];
}
