// The tokenizer shared by the compiler (vocabulary, <unk> share) and the
// runtime (encoding). Word: runs of letters/digits (with inner apostrophes),
// and every other non-space character on its own. Char: every character.
import type { Tokenizer } from './plan.js';

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

export interface TokenizeOptions {
  readonly tokenizer: Tokenizer;
  readonly lowercase: boolean;
}

export function tokenize(text: string, options: TokenizeOptions): string[] {
  const source = options.lowercase ? text.toLowerCase() : text;
  if (options.tokenizer === 'char') return Array.from(source);
  return source.match(WORD) ?? [];
}
