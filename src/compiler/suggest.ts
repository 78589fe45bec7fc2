// "Did you mean ...?": the closest candidate to a misspelt word, or nothing
// when none is close enough to be a plausible typo (TypeScript's
// getSpellingSuggestion: a case-insensitive match wins, then the smallest
// edit distance within about 40% of the word's length).

/**
 * The candidate closest to `word` by Damerau-Levenshtein distance (adjacent
 * transpositions count as one edit), or undefined when none is close.
 * An exact case-insensitive match always wins ('Relu' -> 'relu').
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(word.length * 0.4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const candidateLower = candidate.toLowerCase();
    if (candidateLower === lower) return candidate;
    if (Math.abs(candidate.length - word.length) > maxDistance) continue;
    const distance = editDistance(lower, candidateLower, Math.min(maxDistance, bestDistance - 1));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein without repeated
 * edits of one substring). Returns `limit + 1` as soon as the distance must
 * exceed `limit`, so scanning many candidates stays cheap.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previous2[j - 2] + 1);
      }
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length];
}
