// Token categories: the words a Tokens document takes from the data
// (fromDatasets) are filed by what they are made of, their ids stay where they
// were (specials, file order, then the data's words by frequency), the
// hashes do not see categories, and nnc diff still compares the data's words
// as 'fromDatasets'.
import { describe, expect, it } from 'vitest';
import { addDataTokens, categoriesAsListed, categoryOfToken } from '../src/compiler/token-categories.js';
import { tokenize } from '../src/compiler/tokenize.js';
import { viewOfDocuments, viewOfPlan } from '../src/diff/side-view.js';
import { compileFiles } from './helpers/project.js';
import { textProject } from './helpers/text-project.js';

const tokensYaml = (body: string) => `apiVersion: nnc/v1\nkind: Tokens\n${body}`;

const compiled = (files: Record<string, string>) => {
  const r = compileFiles(files);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!;
};

describe('categoryOfToken', () => {
  it.each([
    ['42', 'numeric'],
    ['2024', 'numeric'],
    ['²', 'numeric'],
    ['٣', 'numeric'],
    ['movie', 'alphabetic'],
    ['a', 'alphabetic'],
    ["don't", 'alphabetic'],
    ["rock'n'roll", 'alphabetic'],
    ['été', 'alphabetic'],
    ['e\u0301te\u0301', 'alphabetic'],
    ['東京', 'alphabetic'],
    ['.', 'punctuation'],
    ['!', 'punctuation'],
    ["'", 'punctuation'],
    ['-', 'punctuation'],
    ['_', 'punctuation'],
    ['«', 'punctuation'],
    ['...', 'punctuation'],
    ['+', 'symbols'],
    ['$', 'symbols'],
    ['€', 'symbols'],
    ['🙂', 'symbols'],
    [' ', 'symbols'],
    ['\u0301', 'symbols'],
    ['.$', 'symbols'],
    ['mp3', 'mixed'],
    ["90's", 'mixed'],
    ['b2b', 'mixed'],
    ['a.b', 'mixed'],
    ["'em", 'mixed'],
  ])('%j is %s', (token, category) => {
    expect(categoryOfToken(token)).toBe(category);
  });

  it('files every token the word tokenizer makes (letters, digits, apostrophes inside a word, any other character alone)', () => {
    const words = tokenize("Don't pay $40 for 2 mp3s... 🙂 Ça va? x+y=z", { tokenizer: 'word', lowercase: true });
    expect(words.map((w) => [w, categoryOfToken(w)])).toEqual([
      ["don't", 'alphabetic'], ['pay', 'alphabetic'], ['$', 'symbols'], ['40', 'numeric'], ['for', 'alphabetic'], ['2', 'numeric'],
      ['mp3s', 'mixed'], ['.', 'punctuation'], ['.', 'punctuation'], ['.', 'punctuation'], ['🙂', 'symbols'], ['ça', 'alphabetic'],
      ['va', 'alphabetic'], ['?', 'punctuation'], ['x', 'alphabetic'], ['+', 'symbols'], ['y', 'alphabetic'], ['=', 'symbols'], ['z', 'alphabetic'],
    ]);
  });
});

describe('addDataTokens', () => {
  it("appends to the document's category of that name and adds the others after the document's own, in a fixed order", () => {
    const categories: Record<string, string[]> = { special: ['<pad>', '<unk>'], numeric: ['0', '1'], general: ['good'] };
    addDataTokens(categories, ['mp3', 'the', '!', '42', '+', 'cat', '7']);
    expect(Object.entries(categories)).toEqual([
      ['special', ['<pad>', '<unk>']],
      ['numeric', ['0', '1', '42', '7']],
      ['general', ['good']],
      ['alphabetic', ['the', 'cat']],
      ['punctuation', ['!']],
      ['symbols', ['+']],
      ['mixed', ['mp3']],
    ]);
  });
});

describe("a plan's vocabulary with fromDatasets", () => {
  const files = {
    ...textProject({
      samples: [
        '{input: "the cat sat. 42 cats", label: 1}',
        '{input: "the cat ran 42 times!", label: 0}',
        '{input: "mp3 + mp3 ! cat", label: 1}',
      ],
    }),
    'tokens.yaml': tokensYaml('categories:\n  special: ["<pad>", "<unk>"]\n  general: [the]\n  punctuation: ["."]\nfromDatasets: {minCount: 2}\n'),
  };

  it('keeps ids in order (specials, file order, the data by frequency) and files the data tokens by what they are made of', () => {
    const p = compiled(files);
    // seen twice or more and not listed: cat 3, 42 2, ! 2, mp3 2 (ties in first-seen order)
    expect(p.vocabulary.tokens).toEqual(['<pad>', '<unk>', 'the', '.', 'cat', '42', '!', 'mp3']);
    expect(p.vocabulary.dataTokens).toEqual({ first: 4, count: 4 });
    expect(Object.entries(p.vocabulary.categories)).toEqual([
      ['special', ['<pad>', '<unk>']],
      ['general', ['the']],
      ['punctuation', ['.', '!']],
      ['numeric', ['42']],
      ['alphabetic', ['cat']],
      ['mixed', ['mp3']],
    ]);
    // every token is in exactly one category
    expect(Object.values(p.vocabulary.categories).flat().sort()).toEqual([...p.vocabulary.tokens].sort());
  });

  it('a token the document lists keeps its category and its id', () => {
    const p = compiled({ ...files, 'tokens.yaml': tokensYaml('categories:\n  special: ["<pad>", "<unk>"]\n  general: [the, "42"]\nfromDatasets: {minCount: 2}\n') });
    expect(p.vocabulary.tokens.indexOf('42')).toBe(3);
    expect(p.vocabulary.categories.general).toEqual(['the', '42']);
    expect(p.vocabulary.categories.numeric).toBeUndefined();
    // '.' is seen once, fewer than minCount
    expect(p.vocabulary.dataTokens).toEqual({ first: 4, count: 3 });
    expect(p.vocabulary.tokens.slice(4)).toEqual(['cat', '!', 'mp3']);
  });

  it('no words from the data: no automatic category and no dataTokens', () => {
    const p = compiled({ ...files, 'tokens.yaml': tokensYaml('categories:\n  special: ["<pad>", "<unk>"]\n  general: [the, cat]\n') });
    expect(Object.keys(p.vocabulary.categories)).toEqual(['special', 'general']);
    expect(p.vocabulary.dataTokens).toBeUndefined();
  });

  it('categories are in no hash: renaming a category changes neither the vocabulary, model nor plan hash', () => {
    const a = compiled({ ...files, 'tokens.yaml': tokensYaml('categories:\n  special: ["<pad>", "<unk>"]\n  general: [the]\nfromDatasets: {minCount: 2}\n') });
    const b = compiled({ ...files, 'tokens.yaml': tokensYaml('categories:\n  special: ["<pad>", "<unk>"]\n  words: [the]\nfromDatasets: {minCount: 2}\n') });
    expect(Object.keys(a.vocabulary.categories)).not.toEqual(Object.keys(b.vocabulary.categories));
    expect(b.vocabulary.tokens).toEqual(a.vocabulary.tokens);
    expect([b.vocabulary.hash, b.modelHash, b.hash]).toEqual([a.vocabulary.hash, a.modelHash, a.hash]);
  });

  it("nnc diff sees the data's words as 'fromDatasets', as the Tokens document written out does", () => {
    const p = compiled(files);
    expect(categoriesAsListed(p.vocabulary)).toEqual({ special: ['<pad>', '<unk>'], general: ['the'], punctuation: ['.'], fromDatasets: ['cat', '42', '!', 'mp3'] });
    expect(viewOfPlan(p).vocabulary).toEqual(categoriesAsListed(p.vocabulary));
    // a side read without compiling lists the document's categories only; the compiled side differs by 'fromDatasets' alone
    const read = viewOfDocuments([{ apiVersion: 'nnc/v1', kind: 'Tokens', categories: { special: ['<pad>', '<unk>'], general: ['the'], punctuation: ['.'] }, fromDatasets: { minCount: 2 } }], true);
    const { fromDatasets, ...listed } = viewOfPlan(p).vocabulary!;
    expect(fromDatasets).toHaveLength(4);
    expect(listed).toEqual(read.vocabulary);
  });
});
