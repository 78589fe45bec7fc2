// Standardization of feature inputs and regression targets. Fitted on the
// training split, stored in the saved model's metadata so prediction scales
// inputs and unscales outputs the same way.

export interface Scale {
  readonly mean: readonly number[];
  /** 1 where a column is constant */
  readonly std: readonly number[];
}

export interface Scaling {
  /** features inputs; null for text */
  readonly features: Scale | null;
  /** regression head -> its target scale */
  readonly targets: Readonly<Record<string, Scale>>;
}

export function fitScale(rows: readonly ArrayLike<number>[], width: number): Scale {
  const mean = new Array<number>(width).fill(0);
  const square = new Array<number>(width).fill(0);
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      mean[j] += row[j] ?? 0;
      square[j] += (row[j] ?? 0) ** 2;
    }
  }
  const n = Math.max(rows.length, 1);
  const std = mean.map((sum, j) => {
    const variance = square[j] / n - (sum / n) ** 2;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean: mean.map((sum) => sum / n), std };
}

export function applyScale(row: Float32Array, scale: Scale): Float32Array {
  return row.map((v, j) => (v - scale.mean[j]) / scale.std[j]);
}

export function removeScale(row: ArrayLike<number>, scale: Scale): number[] {
  return Array.from(row, (v, j) => v * scale.std[j] + scale.mean[j]);
}
