// Successive halving, as pure functions over trials' metric values: every
// trial trains to the first halving epoch; the trials still in the sweep are
// ranked by the best value of the metric they reached by then, the best
// `keep` share (rounded up, at least one) continue to the next epoch, the rest
// stop there; after the last halving epoch the survivors train to the end.

export interface Contender {
  /** 1-based trial index; ties go to the lower index */
  readonly trial: number;
  /** the best value of the metric up to this rung; null when none was reported (ranked last) */
  readonly value: number | null;
}

/** The epochs a trial trains to, one segment each: the halving epochs below its total, then the total. */
export function rungsFor(totalEpochs: number, halvingEpochs: readonly number[]): number[] {
  return [...new Set([...halvingEpochs.filter((e) => e < totalEpochs), totalEpochs])].sort((a, b) => a - b);
}

/** Best first: by value in the metric's direction, no value last, ties by trial index. */
export function rankTrials<T extends Contender>(contenders: readonly T[], mode: 'min' | 'max'): T[] {
  const sign = mode === 'min' ? 1 : -1;
  return [...contenders].sort((a, b) => {
    const av = a.value !== null && Number.isFinite(a.value);
    const bv = b.value !== null && Number.isFinite(b.value);
    if (av !== bv) return av ? -1 : 1;
    const diff = av ? sign * (a.value! - b.value!) : 0;
    return diff || a.trial - b.trial;
  });
}

/** Which contenders continue and which stop at a rung. */
export function halve(contenders: readonly Contender[], keep: number, mode: 'min' | 'max'): { kept: number[]; stopped: number[] } {
  const ranked = rankTrials(contenders, mode);
  const count = Math.max(1, Math.ceil(ranked.length * keep - 1e-9));
  return { kept: ranked.slice(0, count).map((c) => c.trial), stopped: ranked.slice(count).map((c) => c.trial) };
}

/** The best value of a series of (epoch, value) up to an epoch, in the metric's direction. */
export function bestUpTo(values: ReadonlyArray<{ readonly epoch: number; readonly value: number }>, epoch: number, mode: 'min' | 'max'): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (v.epoch > epoch || !Number.isFinite(v.value)) continue;
    if (best === null || (mode === 'min' ? v.value < best : v.value > best)) best = v.value;
  }
  return best;
}
