// Tokens: every category with its tokens, ids and how often each occurs in
// the training data, sorted as listed, by count, by id or by text, and a
// filter box.
import { useMemo, useState } from 'preact/hooks';
import type { TokensView } from '../../shared/protocol.js';
import { formatCount, plural } from '../format.js';
import { html } from '../html.js';
import { fresh, tokens } from '../state.js';
import { SourceNote } from './source-note.js';

type Order = 'listed' | 'count' | 'id' | 'text';
const ORDERS: ReadonlyArray<readonly [Order, string]> = [
  ['listed', 'as listed'],
  ['count', 'count (most first)'],
  ['id', 'id'],
  ['text', 'text'],
];

export function TokensTab() {
  const view = tokens.value;
  const [q, setQ] = useState('');
  const [order, setOrder] = useState<Order>('listed');
  const ids = useMemo(() => new Map(view?.tokens.map((t, i) => [t, i]) ?? []), [view]);
  if (!view) return html`<p class="muted">No vocabulary yet: the project has not compiled.</p>`;
  const counts = view.counts;
  const shownOrder: Order = order === 'count' && !counts ? 'listed' : order;
  const countOf = (t: string) => (counts ? (counts.byId[ids.get(t) ?? -1] ?? 0) : 0);
  const fromData = (t: string) => {
    const id = ids.get(t);
    return view.dataTokens !== undefined && id !== undefined && id >= view.dataTokens.first && id < view.dataTokens.first + view.dataTokens.count;
  };
  const needle = q.trim().toLowerCase();
  const cats = Object.entries(view.categories)
    .map(([name, list]) => ({ name, list, shown: sortTokens(needle ? list.filter((t) => t.toLowerCase().includes(needle)) : list, shownOrder, ids, countOf) }))
    .filter((c) => !needle || c.shown.length || c.name.toLowerCase().includes(needle));
  const newOnes = fresh.value;
  return html`<section class="tab tokens">
    <div class="tab-head">
      <h2>Tokens <span class="muted">${formatCount(view.vocabularySize)} in the vocabulary, ${plural(Object.keys(view.categories).length, 'category', 'categories')}</span></h2>
      <div class="token-controls" style="display: flex; gap: 10px; align-items: center">
        <label>sort <select class="token-order" aria-label="Sort tokens" value=${shownOrder} onChange=${(e: Event) => setOrder((e.target as HTMLSelectElement).value as Order)}>
          ${ORDERS.map(([value, label]) => html`<option value=${value} disabled=${value === 'count' && !counts}>${label}</option>`)}
        </select></label>
        <input type="search" class="filter" placeholder="Filter tokens" aria-label="Filter tokens" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
      </div>
    </div>
    <${SourceNote} files=${fileOf(view)} what="Tokens" fallback="the project's Tokens document (conventionally tokens.yaml); the words taken from the data (fromDatasets) come from the datasets" />
    <p class="muted token-counts-note">
      ${counts
        ? `Counts: occurrences in the training split (${plural(counts.samples, 'sample')}, ${plural(counts.tokens, 'token')}), as tokenized before truncation; words outside the vocabulary count as <unk>.`
        : 'No counts: the server has no compiled data for this plan.'}
      ${view.dataTokens?.count ? ` ${plural(view.dataTokens.count, 'token')} came from the data (fromDatasets), each in its automatic category (numeric, alphabetic, punctuation, symbols or mixed).` : ''}
    </p>
    <div class="categories">
      ${cats.map(
        (c) => html`<div class="category" data-category=${c.name}>
          <h3>${c.name} <span class="count">${needle ? `${c.shown.length} of ${c.list.length}` : c.list.length}</span></h3>
          <ul class="token-list">
            ${c.shown.map((t) => {
              const id = ids.get(t);
              const n = countOf(t);
              const title = [id !== undefined ? `id ${id}` : '', counts ? `${formatCount(n)} in the training data` : '', fromData(t) ? 'from the data' : ''].filter(Boolean).join(', ');
              return html`<li class=${newOnes.has(`token:${t}`) ? 'token fresh' : 'token'} title=${title} data-count=${counts ? n : null} data-from-data=${fromData(t) ? '' : null}>
                <span class="text">${t}</span>${id !== undefined ? html`<span class="id">${id}</span>` : null}${counts ? html`<span class="tcount">×${formatCount(n)}</span>` : null}
              </li>`;
            })}
          </ul>
        </div>`,
      )}
      ${cats.length ? null : html`<p class="muted">No token matches '${q}'.</p>`}
    </div>
  </section>`;
}

/** Within a category: as listed, by count (most first; ties by id), by id, or by text. */
function sortTokens(list: readonly string[], order: Order, ids: ReadonlyMap<string, number>, countOf: (t: string) => number): readonly string[] {
  const id = (t: string) => ids.get(t) ?? Number.MAX_SAFE_INTEGER;
  switch (order) {
    case 'listed':
      return list;
    case 'count':
      return [...list].sort((a, b) => countOf(b) - countOf(a) || id(a) - id(b));
    case 'id':
      return [...list].sort((a, b) => id(a) - id(b));
    case 'text':
      return [...list].sort((a, b) => a.localeCompare(b) || id(a) - id(b));
  }
}

/** TokensView carries no file today; use one if the server adds it. */
function fileOf(view: TokensView): string[] {
  const file = (view as { file?: unknown }).file;
  return typeof file === 'string' ? [file] : [];
}
