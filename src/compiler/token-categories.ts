// The categories of the tokens a Tokens document takes from the data
// (fromDatasets), by what each token is made of. A token the document lists
// keeps the category it is listed in; only the words the data adds are sorted
// here. The names are the seed's default categories (numeric, alphabetic,
// punctuation) and two for what those do not cover (symbols, mixed).

/** In the order new categories are added after the document's own. */
export const DATA_CATEGORIES = ['numeric', 'alphabetic', 'punctuation', 'symbols', 'mixed'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

// an apostrophe between letters or digits joins a word (tokenize.ts: "don't" is one token)
const INNER_APOSTROPHE = /(?<=[\p{L}\p{M}\p{N}])'(?=[\p{L}\p{N}])/gu;
const DIGITS = /^\p{N}+$/u;
const LETTERS = /^\p{L}[\p{L}\p{M}]*$/u;
const PUNCTUATION = /^\p{P}+$/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * numeric: only digits (any script's numbers: '42', '²', '٣').
 * alphabetic: only letters, with their combining marks, and apostrophes inside a word ('movie', "don't", 'été').
 * punctuation: only punctuation marks ('.', '!', '-', '_', '«').
 * symbols: no letter or digit and not only punctuation (math, currency, emoji, and the char tokenizer's spaces: '+', '$', '🙂', ' ').
 * mixed: letters or digits with something else ('mp3', "90's", 'b2b').
 */
export function categoryOfToken(token: string): DataCategory {
  const word = token.replace(INNER_APOSTROPHE, '');
  if (DIGITS.test(word)) return 'numeric';
  if (LETTERS.test(word)) return 'alphabetic';
  if (PUNCTUATION.test(token)) return 'punctuation';
  if (!LETTER_OR_DIGIT.test(token)) return 'symbols';
  return 'mixed';
}

/**
 * Adds the data's tokens to `categories`, each under categoryOfToken's name:
 * appended to a category the document already has by that name, or to a new
 * category after the document's own (in DATA_CATEGORIES order). Ids are not
 * touched: the caller numbers `added` in its own order.
 */
export function addDataTokens(categories: Record<string, string[]>, added: readonly string[]): void {
  const groups = new Map<DataCategory, string[]>();
  for (const token of added) {
    const category = categoryOfToken(token);
    const group = groups.get(category);
    if (group) group.push(token);
    else groups.set(category, [token]);
  }
  for (const name of DATA_CATEGORIES) {
    const group = groups.get(name);
    if (group) categories[name] = [...(categories[name] ?? []), ...group];
  }
}

/** Where the data's tokens are among a vocabulary's ids: always the last ones. */
export interface DataTokenRange {
  readonly first: number;
  readonly count: number;
}

/**
 * The categories as the Tokens document lists them, with the data's tokens
 * under 'fromDatasets' (id order) instead of their automatic categories: what
 * `nnc diff` compares with a side it could only read, not compile. A category
 * that only the data filled is left out; one the document lists empty stays.
 */
export function categoriesAsListed(vocabulary: {
  readonly tokens: readonly string[];
  readonly categories: Readonly<Record<string, readonly string[]>>;
  readonly dataTokens?: DataTokenRange;
}): Record<string, string[]> {
  const range = vocabulary.dataTokens;
  const out: Record<string, string[]> = {};
  if (!range || range.count === 0) {
    for (const [name, list] of Object.entries(vocabulary.categories)) out[name] = [...list];
    return out;
  }
  const data = vocabulary.tokens.slice(range.first, range.first + range.count);
  const fromData = new Set(data);
  for (const [name, list] of Object.entries(vocabulary.categories)) {
    const listed = list.filter((t) => !fromData.has(t));
    if (listed.length > 0 || list.length === 0) out[name] = listed;
  }
  out.fromDatasets = data;
  return out;
}
