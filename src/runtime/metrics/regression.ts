// Regression metrics per target and overall, in target units, on the host in
// float64 (see classification.ts for why no TensorFlow.js).

export interface RegressionInput {
  /** count × width predictions, in target units */
  readonly predictions: ArrayLike<number>;
  /** count × width targets, in target units */
  readonly targets: ArrayLike<number>;
  readonly width: number;
}

export interface TargetScores {
  /** 0-based target column */
  readonly target: number;
  readonly mae: number;
  readonly rmse: number;
  readonly r2: number;
}

export interface RegressionReport {
  readonly task: 'regression';
  readonly count: number;
  /** over every target of every sample */
  readonly mae: number;
  readonly rmse: number;
  /** mean of the targets' R² */
  readonly r2: number;
  readonly per_target: readonly TargetScores[];
  /** always answering the training mean (when given): its MAE on these samples */
  readonly baseline: { readonly mae: number } | null;
}

/**
 * R² = 1 − SS_res / SS_tot. A constant target (SS_tot 0) scores 1 when
 * predicted exactly, else 0 (scikit-learn's force_finite).
 */
function rSquared(residual: number, total: number): number {
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

export function regressionReport(input: RegressionInput & { readonly trainingMean?: readonly number[] | null }): RegressionReport {
  const { predictions, targets, width } = input;
  const n = width > 0 ? Math.floor(targets.length / width) : 0;
  const per_target: TargetScores[] = [];
  let absolute = 0;
  let squared = 0;
  let baseline = 0;
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += targets[i * width + j];
    mean = n === 0 ? 0 : mean / n;
    let abs = 0;
    let sq = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const y = targets[i * width + j];
      const e = predictions[i * width + j] - y;
      abs += Math.abs(e);
      sq += e * e;
      total += (y - mean) * (y - mean);
      if (input.trainingMean) baseline += Math.abs(y - input.trainingMean[j]);
    }
    absolute += abs;
    squared += sq;
    per_target.push({ target: j, mae: n === 0 ? 0 : abs / n, rmse: n === 0 ? 0 : Math.sqrt(sq / n), r2: rSquared(sq, total) });
  }
  const cells = n * width;
  return {
    task: 'regression',
    count: n,
    mae: cells === 0 ? 0 : absolute / cells,
    rmse: cells === 0 ? 0 : Math.sqrt(squared / cells),
    r2: width === 0 ? 0 : per_target.reduce((a, t) => a + t.r2, 0) / width,
    per_target,
    baseline: input.trainingMean && cells > 0 ? { mae: baseline / cells } : null,
  };
}
