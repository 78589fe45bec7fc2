// The vocabulary: special tokens first, then categories in file order, then
// words seen in datasets (fromDatasets), each filed under an automatic
// category by what it is made of. Ids are stable for a given input.
import { diagnosticAt, relatedAt, type Diagnostic } from './diagnostics.js';
import type { LoadedDocument } from './load.js';
import type { RawTokens } from './raw.js';
import { addDataTokens, type DataTokenRange } from './token-categories.js';
import { MESSAGES } from './diagnostic-messages.js';

export const SPECIAL = ['<pad>', '<unk>', '<bos>', '<sep>', '<eos>'] as const;

export interface VocabularyDraft {
  readonly tokens: string[];
  readonly categories: Record<string, string[]>;
  readonly ids: Map<string, number>;
  /** the tokens taken from the data: the last ids, each also in its automatic category */
  readonly dataTokens?: DataTokenRange;
  /** how dataset words were taken (absent: they were not), for the '<unk>' warning's cause */
  readonly fromDatasets?: { readonly minCount: number; readonly maxSize: number; readonly document: LoadedDocument | null };
}

export interface VocabularyInput {
  readonly document: LoadedDocument | null;
  /** token counts seen in datasets, in first-seen order */
  readonly datasetCounts: Map<string, number>;
  /** generation heads need <bos>, <sep>, <eos> */
  readonly needsGenerationTokens: boolean;
  readonly textInput: boolean;
}

export function buildVocabulary(input: VocabularyInput): { vocabulary: VocabularyDraft; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const raw = (input.document?.value ?? {}) as RawTokens;
  const categories: Record<string, string[]> = {};
  const where = new Map<string, string>(); // token -> category it was first listed in
  for (const [category, list] of Object.entries(raw.categories ?? {})) {
    categories[category] = [];
    (list ?? []).forEach((value, index) => {
      const token = String(value);
      const first = where.get(token);
      if (first !== undefined) {
        const message =
          first === category
            ? `The token '${token}' is listed twice in category '${category}'. Remove one of them.`
            : `The token '${token}' is already in category '${first}'; a token belongs to one category. Remove it from '${category}' or from '${first}'.`;
        const firstIndex = (raw.categories?.[first] ?? []).findIndex((v) => String(v) === token);
        const related = [relatedAt(input.document!, ['categories', first, firstIndex], `'${token}' in category '${first}'`)];
        diagnostics.push(diagnosticAt(input.document!, ['categories', category, index], MESSAGES.tokenInTwoCategories.code, message, { related }));
        return;
      }
      where.set(token, category);
      categories[category].push(token);
    });
  }

  // specials: <pad> and <unk> always; generation tokens when a generation head exists
  const required: string[] = ['<pad>', '<unk>', ...(input.needsGenerationTokens ? ['<bos>', '<sep>', '<eos>'] : [])];
  const missing = required.filter((t) => !where.has(t));
  if (missing.length > 0 && input.document) {
    const names = missing.map((t) => `'${t}'`).join(', ');
    diagnostics.push(
      diagnosticAt(input.document, ['categories'], MESSAGES.specialTokensAdded.code, `The special token${missing.length > 1 ? 's' : ''} ${names} ${missing.length > 1 ? 'were' : 'was'} added to category 'special'. List ${missing.length > 1 ? 'them' : 'it'} there to make this explicit.`, { severity: 'info', part: 'key' }),
    );
  }
  const special = categories.special ?? [];
  for (const token of missing) {
    special.push(token);
    where.set(token, 'special');
  }
  if (special.length > 0) categories.special = special;

  // ids: the known specials in their canonical order, then every other token in file order
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (token: string) => {
    if (!ids.has(token)) {
      ids.set(token, tokens.length);
      tokens.push(token);
    }
  };
  for (const token of SPECIAL) if (where.has(token)) add(token);
  for (const list of Object.values(categories)) list.forEach(add);

  // fromDatasets; without a Tokens document a text project takes every dataset word
  const from = input.document ? raw.fromDatasets : input.textInput ? { minCount: 1, maxSize: 5000 } : undefined;
  let dataTokens: DataTokenRange | undefined;
  if (from) {
    const minCount = from.minCount ?? 2;
    const maxSize = from.maxSize ?? 5000;
    const candidates = [...input.datasetCounts.entries()].filter(([t, c]) => c >= minCount && !ids.has(t));
    // most frequent first; ties keep first-seen order (sort is stable)
    candidates.sort((a, b) => b[1] - a[1]);
    const room = Math.max(0, maxSize - tokens.length);
    const added = candidates.slice(0, room).map(([t]) => t);
    if (added.length > 0) {
      // each under its automatic category (token-categories.ts); ids keep this order
      addDataTokens(categories, added);
      dataTokens = { first: tokens.length, count: added.length };
      added.forEach(add);
    }
    if (tokens.length > maxSize && input.document) {
      diagnostics.push(
        diagnosticAt(input.document, ['fromDatasets', 'maxSize'], MESSAGES.categoriesExceedMaxSize.code, `The categories list ${tokens.length} tokens, more than maxSize ${maxSize}; no dataset words were added. Raise maxSize or list fewer tokens.`, { severity: 'warning' }),
      );
    }
  }
  const fromDatasets = from ? { minCount: from.minCount ?? 2, maxSize: from.maxSize ?? 5000, document: input.document } : undefined;
  return { vocabulary: { tokens, categories, ids, ...(fromDatasets ? { fromDatasets } : {}), ...(dataTokens ? { dataTokens } : {}) }, diagnostics };
}
