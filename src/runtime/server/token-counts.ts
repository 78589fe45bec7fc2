// How often each token of the vocabulary occurs in a compile's training data:
// the Tokens tab's counts. Counted from the token ids the compile keeps
// beside its plan (PlanData), over the training split only (what the model
// learns from; validation and test samples are left out), once per compile:
// the result is kept for as long as that compile's data is.
import type { PlanData } from '../../compiler/plan-data.js';
import { SPLIT } from '../../compiler/split.js';
import type { TokenCountsView } from '../../shared/protocol.js';

const counted = new WeakMap<PlanData, TokenCountsView>();

/**
 * Per token id, its occurrences in the training split's texts: text inputs,
 * generation prompts and targets, as tokenized (before truncation to
 * maxLength; a word outside the vocabulary counts as '<unk>'; '<pad>',
 * '<bos>', '<sep>' and '<eos>', which encoding adds, count 0).
 */
export function trainingTokenCounts(data: PlanData, vocabularySize: number): TokenCountsView {
  const known = counted.get(data);
  if (known && known.byId.length === vocabularySize) return known;
  const byId = new Array<number>(vocabularySize).fill(0);
  let samples = 0;
  let tokens = 0;
  for (const dataset of data.datasets) {
    const runs = [dataset.tokens, dataset.targetTokens].filter((r) => r !== null);
    for (let i = 0; i < dataset.count; i++) {
      if (dataset.split[i] !== SPLIT.train) continue;
      samples++;
      for (const { ids, offsets } of runs) {
        for (let k = offsets[i]; k < offsets[i + 1]; k++) {
          const id = ids[k];
          if (id >= 0 && id < vocabularySize) {
            byId[id]++;
            tokens++;
          }
        }
      }
    }
  }
  const view: TokenCountsView = { split: 'train', samples, tokens, byId };
  counted.set(data, view);
  return view;
}
