// Sample logging (monitor.samples): the same few validation samples run
// through the model at every snapshot, logged as `samples` entries with a JSON
// payload (input, expected, output), so one can watch a generation head's
// answers improve. Chosen once per run: the first validation samples of each
// head in turn. Inputs are shown as the model sees them: token ids back to
// text (unknown words as <unk>, a long text cut), features unstandardized.
import type { Plan, PlanHead } from '../../compiler/plan.js';
import type { Tensor, Tf } from '../emit/tf.js';
import { generationSpecials, idsToText } from './encode.js';
import type { Examples } from './examples.js';
import { removeScale, type Scaling } from './scaling.js';
import type { HeadRunner } from './step.js';
import type { SampleEntry, SampleOutput } from '../../shared/sample-entry.js';

/** monitor.samples when the project does not say */
export const DEFAULT_LOGGED_SAMPLES = 3;
/** the log category of sample entries (`nnc logs --kind samples`) */
export const SAMPLES_CATEGORY = 'samples';

export type { SampleEntry, SampleOutput } from '../../shared/sample-entry.js';

export interface SampleLogger {
  readonly count: number;
  /** runs the samples through the model as it is now */
  run(step: number, epoch: number): Promise<SampleEntry[]>;
}

interface Picked {
  readonly runner: HeadRunner;
  readonly rows: readonly number[];
}

/** Up to `count` validation samples, taken from each head in turn; null when there are none. */
export function createSampleLogger(tf: Tf, plan: Plan, runners: readonly HeadRunner[], scaling: Scaling, count: number): SampleLogger | null {
  const taken = runners.map(() => [] as number[]);
  let total = 0;
  for (let round = 0; total < count; round++) {
    let any = false;
    runners.forEach((r, i) => {
      if (total < count && round < r.data.validation.count) {
        taken[i].push(round);
        total++;
        any = true;
      }
    });
    if (!any) break;
  }
  if (total === 0) return null;
  const picked: Picked[] = runners.map((runner, i) => ({ runner, rows: taken[i] })).filter((p) => p.rows.length > 0);
  // numbered in the order taken: head after head within a round
  const numbers = new Map<string, number>();
  let n = 0;
  for (let round = 0; n < total; round++) {
    for (const p of picked) if (round < p.rows.length) numbers.set(`${p.runner.head.name}/${round}`, ++n);
  }

  return {
    count: total,
    async run(step, epoch) {
      const entries: SampleEntry[] = [];
      for (const { runner, rows } of picked) {
        const outputs = await outputsOf(tf, plan, runner, rows, scaling);
        rows.forEach((row, i) => {
          entries.push({
            sample: numbers.get(`${runner.head.name}/${i}`)!,
            head: runner.head.name,
            step,
            epoch,
            input: inputOf(plan, runner.head, runner.data.validation, row, scaling),
            expected: expectedOf(plan, runner.head, runner.data.validation, row, scaling),
            output: outputs[i],
          });
        });
      }
      return entries.sort((a, b) => a.sample - b.sample);
    },
  };
}

function rowOf<T extends Int32Array | Float32Array>(values: T, width: number, row: number): T {
  return values.subarray(row * width, (row + 1) * width) as T;
}

function inputOf(plan: Plan, head: PlanHead, examples: Examples, row: number, scaling: Scaling): string | number[] {
  const x = rowOf(examples.inputs, examples.inputWidth, row);
  if (plan.project.input.type === 'features') return round(scaling.features ? removeScale(x, scaling.features) : Array.from(x));
  const ids = Array.from(x);
  if (head.task === 'generation') {
    const { sep } = generationSpecials(plan.vocabulary);
    const end = ids.indexOf(sep);
    return idsToText(ids.slice(1, end < 0 ? ids.length : end), plan);
  }
  return idsToText(ids.filter((id) => id !== plan.vocabulary.special.pad), plan);
}

function expectedOf(plan: Plan, head: PlanHead, examples: Examples, row: number, scaling: Scaling): string | number | number[] {
  const y = rowOf(examples.targets, examples.targetWidth, row);
  if (head.task === 'classification') return head.classes[y[0]] ?? String(y[0]);
  if (head.task === 'regression') {
    const scale = scaling.targets[head.name];
    const value = round(scale ? removeScale(y, scale) : Array.from(y));
    return value.length === 1 ? value[0] : value;
  }
  // generation: the target tokens are the masked next-token ids, up to <eos>
  const { eos } = generationSpecials(plan.vocabulary);
  const mask = rowOf(examples.mask!, examples.targetWidth, row);
  const ids = Array.from(y).filter((id, i) => mask[i] > 0 && id !== eos);
  return idsToText(ids, plan);
}

async function outputsOf(tf: Tf, plan: Plan, runner: HeadRunner, rows: readonly number[], scaling: Scaling): Promise<SampleOutput[]> {
  const { head, data } = runner;
  const examples = data.validation;
  const width = examples.inputWidth;
  if (head.task === 'generation') return generateAll(tf, plan, runner, rows);
  const flat = examples.inputs instanceof Int32Array ? new Int32Array(rows.length * width) : new Float32Array(rows.length * width);
  rows.forEach((row, i) => flat.set(rowOf(examples.inputs, width, row), i * width));
  const output = tf.tidy(() => runner.model.predict(tf.tensor2d(flat, [rows.length, width], flat instanceof Int32Array ? 'int32' : 'float32')) as Tensor);
  const values = (await output.data()) as Float32Array;
  output.dispose();
  return rows.map((_, i) => {
    const out = values.subarray(i * head.units, (i + 1) * head.units);
    if (head.task === 'regression') {
      const scale = scaling.targets[head.name];
      const value = round(scale ? removeScale(out, scale) : Array.from(out));
      return { value: value.length === 1 ? value[0] : value };
    }
    const p = head.loss === 'bce' ? [1 - out[0], out[0]] : Array.from(out);
    const best = p.indexOf(Math.max(...p));
    return { class: head.classes[best] ?? String(best), probability: round([p[best]])[0] };
  });
}

/** Greedy decoding of every prompt at once: one forward pass per generated position. */
async function generateAll(tf: Tf, plan: Plan, runner: HeadRunner, rows: readonly number[]): Promise<SampleOutput[]> {
  const examples = runner.data.validation;
  const length = examples.inputWidth;
  const { sep, eos } = generationSpecials(plan.vocabulary);
  const pad = plan.vocabulary.special.pad;
  const sequences = rows.map((row) => {
    const ids = Array.from(rowOf(examples.inputs, length, row));
    return ids.slice(0, ids.indexOf(sep) + 1);
  });
  const starts = sequences.map((s) => s.length);
  const done = sequences.map((s) => s.length === 0 || s.length > length);
  while (done.some((d) => !d)) {
    const open = sequences.flatMap((s, i) => (done[i] ? [] : [i]));
    const flat = new Int32Array(open.length * length);
    open.forEach((i, j) => flat.set(sequences[i], j * length));
    const output = tf.tidy(() => runner.model.predict(tf.tensor2d(flat, [open.length, length], 'int32')) as Tensor);
    const values = (await output.data()) as Float32Array;
    output.dispose();
    const vocabulary = values.length / (open.length * length);
    open.forEach((i, j) => {
      const at = (j * length + sequences[i].length - 1) * vocabulary;
      let next = -1;
      for (let id = 0; id < vocabulary; id++) if (id !== pad && (next < 0 || values[at + id] > values[at + next])) next = id;
      if (next === eos) done[i] = true;
      else {
        sequences[i].push(next);
        if (sequences[i].length >= length) done[i] = true;
      }
    });
  }
  return sequences.map((s, i) => ({ text: idsToText(s.slice(starts[i]), plan) }));
}

function round(values: readonly number[]): number[] {
  return values.map((v) => Number(v.toPrecision(4)));
}
