// Generation metrics from what the model gave each target token (teacher
// forcing) and, when decoded, whether each sample's greedy answer is its
// target. On the host, like classification.ts.

export interface GenerationInput {
  /** per target token (every sample's, end to end): the probability the model gave it */
  readonly tokenProbabilities: ArrayLike<number>;
  /** per target token: 1 when it was the likeliest token, else 0 */
  readonly tokenHits: ArrayLike<number>;
  /** per sample: 1 when the greedily decoded answer equals the target, else 0; null when not decoded */
  readonly exact?: ArrayLike<number> | null;
}

export interface GenerationReport {
  readonly task: 'generation';
  /** samples */
  readonly count: number;
  readonly tokens: number;
  readonly token_accuracy: number;
  readonly perplexity: number;
  /** mean target-token cross-entropy (the loss perplexity is exp of) */
  readonly loss: number;
  readonly exact_match: number | null;
}

/** Clipped like the losses, so perplexity agrees with exp(loss). */
const EPSILON = 1e-7;

export function generationReport(input: GenerationInput & { readonly count: number }): GenerationReport {
  const tokens = input.tokenHits.length;
  let hits = 0;
  let loss = 0;
  for (let t = 0; t < tokens; t++) {
    hits += input.tokenHits[t];
    loss -= Math.log(Math.min(Math.max(input.tokenProbabilities[t], EPSILON), 1));
  }
  const mean = tokens === 0 ? 0 : loss / tokens;
  let exact: number | null = null;
  if (input.exact) {
    let matched = 0;
    for (let i = 0; i < input.exact.length; i++) matched += input.exact[i];
    exact = input.exact.length === 0 ? 0 : matched / input.exact.length;
  }
  return {
    task: 'generation',
    count: input.count,
    tokens,
    token_accuracy: tokens === 0 ? 0 : hits / tokens,
    // the training loop caps the exponent the same way
    perplexity: Math.exp(Math.min(mean, 50)),
    loss: mean,
    exact_match: exact,
  };
}
