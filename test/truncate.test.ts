// input.truncate: which end of a text longer than maxLength is cut. The
// default keeps the end (next to the last step, with left padding); check
// warns with the share, the longest length and a maxLength that would fit.
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanInput } from '../src/compiler/plan.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel } from '../src/runtime/emit/index.js';
import { encodeText } from '../src/runtime/train/encode.js';
import { mulberry32 } from '../src/runtime/train/random.js';
import { prepareData, train } from '../src/runtime/train/index.js';
import { check, compileFiles } from './helpers/project.js';

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

const FILLER = ['the', 'a', 'movie', 'plot', 'was', 'and', 'then', 'it', 'so', 'very'];

/** 21-token texts whose label is their last word: 20 filler words, then 'good' or 'bad' */
function project(truncate: string | null, count = 240) {
  const random = mulberry32(11);
  const samples = Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 20 }, () => FILLER[Math.floor(random() * FILLER.length)]);
    return `  - {input: "${[...words, i % 2 ? 'good' : 'bad'].join(' ')}", label: ${i % 2}}`;
  });
  return {
    'nnc.yaml': `apiVersion: nnc/v1\nkind: Project\nname: ends\ninput: {type: text, maxLength: 12${truncate ? `, truncate: ${truncate}` : ''}}\ntraining: {epochs: 12, batchSize: 16, learningRate: 0.02, validationSplit: 0.25}\n`,
    'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 8}\n  - {name: pool, type: pool, mode: mean}\n  - {name: hidden, type: dense, units: 8, activation: relu}\n',
    'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: sentiment, attach: hidden, task: classification, classes: [negative, positive]}\n',
    'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n${samples.join('\n')}\n`,
    'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 1, maxSize: 100}\n',
  };
}

async function validationAccuracy(truncate: string | null): Promise<number> {
  const { plan, data } = compileFiles(project(truncate), {});
  const model = buildModel(tf, plan!);
  const result = await train({ tf, plan: plan!, model, data: prepareData(plan!, data) });
  model.dispose();
  return result.best['sentiment.val_accuracy'];
}

describe('truncation', () => {
  it('keeps the end of a long text by default, so a label at its end trains above chance; truncate: end keeps its start', async () => {
    expect(await validationAccuracy(null)).toBeGreaterThan(0.9);
    expect(await validationAccuracy('end')).toBeLessThan(0.75);
  }, 60_000);

  it('encodes the kept end left-padded, and the start with truncate: end', () => {
    const { plan } = compileFiles(project(null, 8), {});
    const ids = (text: string) => text.split(' ').map((t) => plan!.vocabulary.tokens.indexOf(t));
    const text = 'the a movie plot was and then it so very the a movie plot good';
    expect(Array.from(encodeText(text, plan!))).toEqual(ids('plot was and then it so very the a movie plot good'));
    const cutEnd = { ...plan!, project: { ...plan!.project, input: { ...plan!.project.input, truncate: 'end' as const } } };
    expect(Array.from(encodeText(text, cutEnd))).toEqual(ids('the a movie plot was and then it so very the a'));
    expect(Array.from(encodeText('very good', plan!))).toEqual([...Array(10).fill(0), ...ids('very good')]);
    // a plan written before input.truncate existed cut the end
    const { truncate: _, ...old } = plan!.project.input;
    expect(Array.from(encodeText(text, { ...plan!, project: { ...plan!.project, input: old as PlanInput } }))).toEqual(ids('the a movie plot was and then it so very the a'));
  });

  it('says at check time how many samples are cut, the longest and a maxLength that fits', () => {
    expect(check(project(null, 40), {}).filter((l) => l.includes('NNC3053'))).toEqual([
      "datasets/reviews.yaml:3:7 - warning NNC3053: 100% of the samples of dataset 'reviews' (40 of 40) are longer than maxLength 12 tokens (the longest has 21); their first tokens are cut (input.truncate: start, the default; 'end' keeps the first tokens instead). Set maxLength: 21 to keep every sample whole.",
    ]);
    // written in the YAML, cutting is what it asks for: an info
    expect(check(project('end', 40), {}).filter((l) => l.includes('NNC3053'))).toEqual([
      "datasets/reviews.yaml:3:7 - info NNC3053: 100% of the samples of dataset 'reviews' (40 of 40) are longer than maxLength 12 tokens (the longest has 21); their last tokens are cut (input.truncate: end; 'start' keeps the last tokens instead). Set maxLength: 21 to keep every sample whole.",
    ]);
  });
});
