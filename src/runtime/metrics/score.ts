// Scores one head on a set of encoded examples: the model runs on the device
// in batches (inference mode, no dropout), the loss is summed there exactly as
// training sums it (losses.ts, unsmoothed and unweighted), and everything else
// is read back as typed arrays and computed on the host by the pure metric
// functions beside this file. The epoch-end validation (train/evaluate.ts) and
// `nnc evaluate` both call this, so their figures are the same.
import type { PlanHead } from '../../compiler/plan.js';
import type { LayersModel, Tensor, Tf } from '../emit/tf.js';
import { makeBatch, sequentialBatches } from '../train/batches.js';
import type { Examples } from '../train/examples.js';
import { metricSums, metricsFromSums } from '../train/losses.js';
import type { Scale } from '../train/scaling.js';
import { classificationReport } from './classification.js';
import { generationReport } from './generation.js';
import { regressionReport } from './regression.js';
import { declaredMetrics, scalarMetrics, type HeadReport } from './report.js';
import { topK } from '../../compiler/metric-catalog.js';

const EVAL_BATCH = 128;

/** One sample as scored: indexes and numbers; the caller turns them into class names or text. */
export type SampleScore =
  | { readonly index: number; readonly expected: number; readonly predicted: number; readonly probabilities: readonly number[]; readonly correct: boolean; readonly loss: number }
  | { readonly index: number; readonly expected: readonly number[]; readonly predicted: readonly number[]; readonly correct: null; readonly loss: number }
  | { readonly index: number; readonly expected: readonly number[]; readonly predicted: readonly number[] | null; readonly correct: boolean | null; readonly loss: number; readonly tokenAccuracy: number };

export interface ScoreOptions {
  /** regression: the target's scale, so errors and values are in target units (std alone gives the same metrics) */
  readonly targetScale?: Scale | null;
  /** classification: the training split's majority class, for the baseline */
  readonly majority?: number | null;
  /** generation: decode every sample greedily (exact match, predicted text); default when the head declares exact_match */
  readonly decode?: boolean;
  /** generation: the <eos> id (the plan's); when absent, read from an example whose sequence fitted */
  readonly eos?: number | null;
  /** keep a SampleScore per example */
  readonly keepSamples?: boolean;
}

export interface ScoredHead {
  /** 'loss' and the head's scalar metrics by name (as validation reports them, without the 'val_' prefix) */
  readonly metrics: Record<string, number>;
  readonly report: HeadReport;
  readonly samples: readonly SampleScore[] | null;
}

export interface ScoredModel {
  readonly head: PlanHead;
  /** the shared layers up to this head's output */
  readonly model: LayersModel;
}

export async function scoreExamples(tf: Tf, scored: ScoredModel, examples: Examples, options: ScoreOptions = {}): Promise<ScoredHead | null> {
  if (examples.count === 0) return null;
  const { head, model } = scored;
  const generation = head.task === 'generation';
  let sums: Tensor = tf.zeros([3]);
  const outputs: Float32Array[] = [];
  const tokenP: number[] = [];
  const tokenHit: number[] = [];
  const perSample: { p: number[]; hits: number[] }[] = [];
  for (const indices of sequentialBatches(examples.count, EVAL_BATCH)) {
    const [next, read] = tf.tidy(() => {
      const batch = makeBatch(tf, examples, indices);
      const output = model.apply(batch.x, { training: false }) as Tensor;
      const total = tf.add(sums, metricSums(tf, head, output, batch.y, batch.mask, null, true));
      if (!generation) return [total, output];
      // the probability given to each next token, and whether it was the likeliest
      const vocabulary = output.shape[2]!;
      const target = batch.y.toInt();
      const own = tf.sum(tf.mul(output, tf.oneHot(target.reshape([-1]), vocabulary).reshape(output.shape)), -1);
      const hit = tf.equal(tf.argMax(output, -1), target).toFloat();
      return [total, tf.stack([own, hit, batch.mask!])];
    });
    sums.dispose();
    sums = next;
    const values = (await read.data()) as Float32Array;
    read.dispose();
    if (!generation) {
      outputs.push(values);
      continue;
    }
    const width = examples.targetWidth;
    const plane = indices.length * width;
    indices.forEach((_, i) => {
      const sample = { p: [] as number[], hits: [] as number[] };
      for (let t = 0; t < width; t++) {
        if (values[2 * plane + i * width + t] === 0) continue;
        sample.p.push(values[i * width + t]);
        sample.hits.push(values[plane + i * width + t]);
      }
      tokenP.push(...sample.p);
      tokenHit.push(...sample.hits);
      perSample.push(sample);
    });
  }
  const loss = metricsFromSums(head, await sums.data()).loss;
  sums.dispose();

  let report: HeadReport;
  let samples: SampleScore[] | null = null;
  if (head.task === 'classification') {
    const k = Math.max(head.classes.length, 2);
    const flat = concat(outputs);
    const probabilities = head.loss === 'bce' ? Float64Array.from({ length: examples.count * 2 }, (_, j) => (j % 2 === 0 ? 1 - flat[j >> 1] : flat[j >> 1])) : Float64Array.from(flat);
    const classes = head.classes.length >= 2 ? head.classes : Array.from({ length: k }, (_, i) => String(i));
    const topKs = declaredMetrics(head).flatMap((m) => topK(m) ?? []);
    report = { ...classificationReport({ probabilities, labels: examples.targets, classes, topK: topKs, majority: options.majority ?? null }), head: head.name, loss };
    if (options.keepSamples) {
      samples = Array.from({ length: examples.count }, (_, i) => {
        const row = Array.from(probabilities.subarray(i * k, (i + 1) * k));
        const predicted = row.indexOf(Math.max(...row));
        const expected = examples.targets[i];
        return { index: i, expected, predicted, probabilities: row, correct: predicted === expected, loss: -Math.log(Math.min(Math.max(row[expected], 1e-7), 1)) };
      });
    }
  } else if (head.task === 'regression') {
    const width = head.units;
    const scale = options.targetScale ?? null;
    const units = (v: ArrayLike<number>) => Float64Array.from(v, (x, j) => (scale ? x * scale.std[j % width] + scale.mean[j % width] : x));
    const predictions = units(concat(outputs));
    const targets = units(examples.targets);
    report = { ...regressionReport({ predictions, targets, width, trainingMean: scale ? scale.mean : null }), head: head.name, loss };
    if (options.keepSamples) {
      samples = Array.from({ length: examples.count }, (_, i) => {
        const predicted = Array.from(predictions.subarray(i * width, (i + 1) * width));
        const expected = Array.from(targets.subarray(i * width, (i + 1) * width));
        return { index: i, expected, predicted, correct: null, loss: predicted.reduce((a, v, j) => a + Math.abs(v - expected[j]), 0) / width };
      });
    }
  } else {
    const decode = options.decode ?? declaredMetrics(head).includes('exact_match');
    const decoded = decode ? await decodeGreedy(tf, model, examples, options.eos ?? eosOf(examples)) : null;
    const targets = Array.from({ length: examples.count }, (_, i) => targetIds(examples, i));
    const exact = decoded ? decoded.map((ids, i) => (sameIds(ids, targets[i]) ? 1 : 0)) : null;
    report = { ...generationReport({ count: examples.count, tokenProbabilities: tokenP, tokenHits: tokenHit, exact }), head: head.name, loss };
    if (options.keepSamples) {
      samples = perSample.map((s, i) => ({
        index: i,
        expected: targets[i],
        predicted: decoded ? decoded[i] : null,
        correct: exact ? exact[i] === 1 : null,
        loss: s.p.length === 0 ? 0 : -s.p.reduce((a, p) => a + Math.log(Math.min(Math.max(p, 1e-7), 1)), 0) / s.p.length,
        tokenAccuracy: s.hits.length === 0 ? 0 : s.hits.reduce((a, b) => a + b, 0) / s.hits.length,
      }));
    }
  }
  const metrics = scalarMetrics(report, head);
  return { metrics, report, samples };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The tokens a generation example should produce: its masked next tokens, <eos> last when it fitted. */
function targetIds(examples: Examples, i: number): number[] {
  const width = examples.targetWidth;
  const ids: number[] = [];
  for (let t = 0; t < width; t++) if (examples.mask![i * width + t] === 1) ids.push(examples.targets[i * width + t]);
  return ids;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** The <eos> id: the last target of an example whose sequence was not cut (its last target position is not the input's last). */
function eosOf(examples: Examples): number | null {
  const width = examples.targetWidth;
  for (let i = 0; i < examples.count; i++) {
    const row = examples.mask!.subarray(i * width, (i + 1) * width);
    const last = row.lastIndexOf(1);
    if (last >= 0 && last < width - 1) return examples.targets[i * width + last];
  }
  return null;
}

/**
 * Greedy decoding of every example at once (predict/generate.ts, batched):
 * from each example's `<bos> prompt <sep>` (its input up to the first target
 * position), append the likeliest token other than <pad> until <eos> or the
 * input is full. Returns the tokens produced, with the <eos> when one came.
 */
async function decodeGreedy(tf: Tf, model: LayersModel, examples: Examples, eos: number | null): Promise<number[][]> {
  const width = examples.inputWidth;
  const vocabulary = (model.outputs[0].shape[2] as number) ?? 0;
  const out: number[][] = [];
  for (const indices of sequentialBatches(examples.count, EVAL_BATCH)) {
    const sequences = indices.map((i) => {
      const first = examples.mask!.subarray(i * width, (i + 1) * width).indexOf(1);
      return Array.from(examples.inputs.subarray(i * width, i * width + (first < 0 ? width : first + 1)));
    });
    const starts = sequences.map((s) => s.length);
    const done = sequences.map((s) => s.length > width);
    while (done.some((d) => !d)) {
      const ids = new Int32Array(indices.length * width);
      sequences.forEach((s, r) => ids.set(s.slice(0, width), r * width));
      const best = tf.tidy(() => {
        const output = model.predict(tf.tensor2d(ids, [indices.length, width], 'int32')) as Tensor;
        // never <pad> (id 0), which only fills the input
        const padOff = tf.oneHot(tf.zeros([indices.length, width], 'int32'), vocabulary).mul(-2);
        return tf.argMax(tf.add(output, padOff), -1);
      });
      const picked = (await best.data()) as Int32Array;
      best.dispose();
      sequences.forEach((s, r) => {
        if (done[r]) return;
        const next = picked[r * width + s.length - 1];
        s.push(next);
        // like generate(): the last position still predicts one more token
        if (next === eos || s.length > width) done[r] = true;
      });
    }
    sequences.forEach((s, r) => out.push(s.slice(starts[r])));
  }
  return out;
}
