// Which split a sample belongs to: a pure function of the seed, the split
// shares and the sample's input content, never of its position, the sample
// count or the dataset's name. Adding samples never moves an existing sample,
// renaming a dataset moves none, and identical inputs always share a split
// (also across datasets), so a repeated input cannot leak from training into
// validation. Shared by the compiler (counts, warnings, PlanData.split) and
// the runtime (plans that carry their samples the old way).
//
// Without stratify a sample is held out when its point (a hash of seed and
// key, uniform in [0, 1)) falls below the share: the split sizes are the
// shares on average, not exactly. With stratify each class's samples are
// ranked by that point and the first round(n × share) of each class are held
// out, so class shares match exactly; adding samples to a class can then
// move the sample at that class's boundary.
//
// One exception keeps small datasets validated: a dataset of two or more
// samples none of which falls in a split whose share is above 0 holds out
// the one sample of its training split with the lowest point (for the test
// split, the next one). Once another sample falls in that split, the stand-in
// goes back to training: it was held out, not trained on, so no model has
// seen what is held out then. Datasets of a few dozen samples or more never
// need it.

export const SPLIT = { train: 0, validation: 1, test: 2 } as const;
export type SplitName = keyof typeof SPLIT;
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export interface SplitShares {
  readonly validation: number;
  readonly test: number;
  readonly stratify: boolean;
}

/** cyrb53: a fast 53-bit string hash (uniform enough to split on, collisions ~n²/2⁵⁴). */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return finish(h1, h2);
}

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The content key of a sample's input: text as written, or a list of numbers. */
export function contentKey(input: string | readonly number[]): number {
  return typeof input === 'string' ? hash53(input, 0x7e47) : hash53(input.join(','), 0x5eed);
}

/** Where a key falls for this seed, uniform in [0, 1). */
export function splitPoint(seed: number, key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  let h1 = 0x9e3779b9 ^ seed;
  let h2 = 0x85ebca6b ^ seed;
  for (const word of [lo, hi]) {
    h1 = Math.imul(h1 ^ word, 2654435761);
    h2 = Math.imul(h2 ^ word, 1597334677);
  }
  return finish(h1, h2) / 2 ** 53;
}

/** Each sample's split. labels: class indexes, used when shares.stratify is set. */
export function assignSplits(keys: Float64Array, seed: number, shares: SplitShares, labels: Int32Array | null): Uint8Array {
  const out = new Uint8Array(keys.length);
  const { validation, test } = shares;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a shortcut: with both shares 0 no point falls below them and no stand-in is taken
  if (validation <= 0 && test <= 0) return out;
  const points = new Float64Array(keys.length);
  // Stryker disable next-line EqualityOperator: equivalent, a typed array reads undefined past its end and ignores writes there
  for (let i = 0; i < keys.length; i++) points[i] = splitPoint(seed, keys[i]);
  if (!shares.stratify || !labels) {
    // Stryker disable next-line EqualityOperator: equivalent, a typed array reads undefined past its end and ignores writes there
    for (let i = 0; i < keys.length; i++) {
      const u = points[i];
      // Stryker disable next-line EqualityOperator: equivalent but for a point exactly equal to a share (probability 2^-53)
      out[i] = u < validation ? SPLIT.validation : u < validation + test ? SPLIT.test : SPLIT.train;
    }
  } else {
    const byClass = new Map<number, number[]>();
    // Stryker disable next-line EqualityOperator: equivalent, a typed array reads undefined past its end and ignores writes there
    for (let i = 0; i < labels.length; i++) {
      const list = byClass.get(labels[i]);
      if (list) list.push(i);
      else byClass.set(labels[i], [i]);
    }
    for (const members of byClass.values()) {
      // ties (repeated inputs) keep their written order, so they stay next to each other
      const order = members.map((_, j) => j).sort((a, b) => points[members[a]] - points[members[b]] || keys[members[a]] - keys[members[b]] || a - b);
      const held = Math.round(members.length * validation);
      const tested = Math.round(members.length * test);
      order.forEach((j, rank) => {
        out[members[j]] = rank < held ? SPLIT.validation : rank < held + tested ? SPLIT.test : SPLIT.train;
      });
    }
  }
  if (validation > 0) standIn(out, points, SPLIT.validation);
  if (test > 0) standIn(out, points, SPLIT.test);
  return out;
}

/** An empty split of a dataset that can spare a sample gets the training sample with the lowest point. */
function standIn(out: Uint8Array, points: Float64Array, split: number): void {
  let train = 0;
  let best = -1;
  // Stryker disable next-line EqualityOperator: equivalent, a typed array reads undefined past its end and ignores writes there
  for (let i = 0; i < out.length; i++) {
    if (out[i] === split) return;
    if (out[i] !== SPLIT.train) continue;
    train++;
    if (best < 0 || points[i] < points[best]) best = i;
  }
  if (train >= 2) out[best] = split;
}

export function splitCounts(split: Uint8Array): { train: number; validation: number; test: number } {
  const counts = [0, 0, 0];
  // Stryker disable next-line EqualityOperator: equivalent, a typed array reads undefined past its end and ignores writes there
  for (let i = 0; i < split.length; i++) counts[split[i]]++;
  return { train: counts[0], validation: counts[1], test: counts[2] };
}
