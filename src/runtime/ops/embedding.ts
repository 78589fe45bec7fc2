// Embedding lookup whose gradient is one scatter-add (UnsortedSegmentSum)
// straight from the upstream gradient, skipping gather's generic gradient
// (reshapes, identity transposes).
import type { Tf, Tensor } from './tf.js';
import { withGradient } from './custom-grad.js';

export function makeEmbeddingLookup(tf: Tf) {
  return function embeddingLookup(table: Tensor, ids: Tensor): Tensor {
    if (table.rank !== 2) throw new Error(`embeddingLookup needs a table [vocabulary, width]; got [${table.shape}].`);
    const [vocabulary, width] = table.shape;
    const intIds = ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
    const f = withGradient(tf, ([t, i], save) => {
      save([i]);
      const value = tf.gather(t, i);
      const gradFunc = (dy: Tensor, saved: Tensor[]) => {
        const flatIds = saved[0].reshape([-1]);
        const dtable = tf.unsortedSegmentSum(dy.reshape([-1, width]), flatIds as never, vocabulary);
        return [dtable, tf.zerosLike(saved[0])];
      };
      return { value, gradFunc };
    });
    return f(table, intIds);
  };
}
