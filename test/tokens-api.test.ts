// GET /api/tokens: per-token counts over the training split of the compiled
// data (token-counts.ts), exact for a tiny project written to disk and served
// as `nnc view` serves it (createStoredProject + handleApi).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { SPLIT } from '../src/compiler/split.js';
import { tokenize } from '../src/compiler/tokenize.js';
import { handleApi } from '../src/runtime/server/api.js';
import { createStoredProject } from '../src/runtime/server/stored-project.js';
import { trainingTokenCounts } from '../src/runtime/server/token-counts.js';
import type { TokensView } from '../src/shared/protocol.js';
import { textProject } from './helpers/text-project.js';

const root = mkdtempSync(join(tmpdir(), 'nnc-tokens-api-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEXTS = ['The cat sat.', 'the cat ran 42 times!', "don't run, cat", 'mp3 + 42'];

function writeProject(name: string, settings: string, texts: readonly string[]): string {
  const dir = join(root, name);
  const files = {
    ...textProject({ name, settings, samples: texts.map((t, i) => `{input: ${JSON.stringify(t)}, label: ${i % 2}}`) }),
    'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [the]\nfromDatasets: {minCount: 2}\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function apiTokens(dir: string): TokensView {
  const source = createStoredProject(dir, 'p');
  try {
    expect(source.diagnostics().filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    const answer = handleApi(new URL('http://localhost/api/tokens'), [source]);
    expect(answer.status).toBe(200);
    return answer.body as TokensView;
  } finally {
    source.close();
  }
}

describe('GET /api/tokens counts', () => {
  it('counts every token of the training split by id, words outside the vocabulary as <unk>', () => {
    const dir = writeProject('all_train', 'training: {validationSplit: 0}\n', TEXTS);
    const view = apiTokens(dir);
    // seen at least twice and not listed: cat 3, 42 2
    expect(view.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat', '42']);
    expect(view.categories).toEqual({ special: ['<pad>', '<unk>'], general: ['the'], numeric: ['42'], alphabetic: ['cat'] });
    expect(view.dataTokens).toEqual({ first: 3, count: 2 });
    // <unk>: sat . ran times ! don't run , mp3 +
    expect(view.counts).toEqual({ split: 'train', samples: 4, tokens: 17, byId: [0, 10, 2, 3, 2] });
  });

  it('leaves the validation samples out', () => {
    const texts = [...TEXTS, 'cat cat cat 42', 'the the end', 'a cat and a dog', 'mp3 mp3 mp3', '42 42 ! !'];
    const dir = writeProject('held_out', 'training: {seed: 3, validationSplit: 0.4}\n', texts);
    const view = apiTokens(dir);
    // the split as the compile assigned it (split.ts); counted here from the texts themselves
    const split = compile(dir).data!.datasets[0].split;
    const trained = texts.filter((_, i) => split[i] === SPLIT.train);
    expect(trained.length).toBeGreaterThan(0);
    expect(trained.length).toBeLessThan(texts.length);
    const expected = new Array<number>(view.tokens.length).fill(0);
    for (const text of trained) for (const t of tokenize(text, { tokenizer: 'word', lowercase: true })) expected[Math.max(1, view.tokens.indexOf(t))]++;
    expect(view.counts).toEqual({ split: 'train', samples: trained.length, tokens: expected.reduce((a, b) => a + b, 0), byId: expected });
  });

  it('counts once per compile: the same data gives back the same counts object', () => {
    const data = compile(writeProject('once', '', TEXTS)).data!;
    const first = trainingTokenCounts(data, 5);
    expect(trainingTokenCounts(data, 5)).toBe(first);
  });

  it('has no counts for a plan without its data (a stored plan of a project that no longer compiles)', () => {
    const dir = writeProject('broken', '', TEXTS);
    writeFileSync(join(dir, 'layers.yaml'), 'apiVersion: nnc/v1\nkind: Layers\nlayers: [\n');
    const source = createStoredProject(dir, 'p');
    try {
      expect(source.plan()).toBeNull();
      expect(source.tokenCounts?.()).toBeUndefined();
      expect(handleApi(new URL('http://localhost/api/tokens'), [source]).status).not.toBe(200);
    } finally {
      source.close();
    }
  });
});
