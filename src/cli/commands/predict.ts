// nnc predict [project] <input>: inference with a stored run's model.
import type { PlanHead } from '../../compiler/plan.js';
import type { Prediction } from '../../runtime/predict/predict.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP } from '../store-command.js';
import { loadBackend } from '../load-backend.js';
import { chosenRun } from '../stored-run.js';
import { projectDir } from '../project-dir.js';
import { readRecords } from '../read-records.js';

const help = `Usage: nnc predict [project] <input> [options]
       nnc predict [project] --input samples.jsonl|samples.csv [options]

Runs a stored model (the run pinned with 'nnc runs --pin', else the newest
completed run, unless --run says otherwise):
a classification head prints the class and its probabilities, a regression
head the value, a generation head the text it generates after <input>.
A features project takes its input as numbers: '[1, 2.5, 3]' or '1,2.5,3'.

Arguments:
  project          project folder (default: the current folder)
  input            the text (or numbers) to predict for

Options:
  --input <file>   predict every record of a JSONL file (one object a line)
                   or a CSV file (a header row), reading its 'input',
                   'question' or 'text' field; a record that also has the
                   expected answer ('label', 'target', 'answer' or
                   'summary') gets "input", "expected" and "correct" (a
                   regression head: "error") in its JSON line
  --echo           print each input with its prediction (json: "input")
  --run <id>       use this run's model, or the one whose id starts with
                   <id> ('nnc runs' lists them)
  --head <h>       the head to predict with (default: the first head)
  --checkpoint <c> best (default: the run's best epoch by its checkpoint
                   metric) or last (its last epoch)
  --strict         refuse (exit 1) a model whose plan differs from what the
                   project's files compile to now, or when they do not
                   compile; without it, that is a warning on stderr
  --top-k <k>      classification: the k likeliest classes ("top" in json:
                   [{"class", "probability"}], best first); generation:
                   sample among the k likeliest tokens instead of taking
                   the likeliest
  --backend <b>    TensorFlow.js backend: node, wasm or cpu
  --format <f>     text (default) or json: one JSON object per input,
                   {"class", "probabilities"}, {"value"} or {"text"}
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 predicted, 1 no stored model or an input it cannot take, 2 bad
command line.`;

const INPUT_FIELDS = ['input', 'question', 'text'] as const;

export default defineCommand({
  name: 'predict',
  help,
  options: {
    input: { type: 'string' },
    run: { type: 'string' },
    head: { type: 'string' },
    checkpoint: { type: 'string' },
    strict: { type: 'boolean' },
    'top-k': { type: 'string' },
    echo: { type: 'boolean' },
    backend: { type: 'string' },
    format: { type: 'string', default: 'text' },
  },
  async run({ values, positionals }) {
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`'--format' is 'text' or 'json', not '${format}'.`);
    const file = values.input as string | undefined;
    const maxPositionals = file === undefined ? 2 : 1;
    if (positionals.length > maxPositionals) throw new UserError(`Expected ${file === undefined ? '[project] <input>' : '[project]'}, got ${positionals.length} arguments.`);
    if (file === undefined && positionals.length === 0) throw new UserError('Give an input to predict for, or --input <file.jsonl>.');
    if (positionals.includes('')) throw new UserError(`An argument is empty (''): give the project folder and the input to predict for, e.g. 'nnc predict . "a great movie"'.`);
    const project = file === undefined && positionals.length === 1 ? undefined : positionals[0];
    const topK = values['top-k'] === undefined ? 1 : Number(values['top-k']);
    if (!Number.isInteger(topK) || topK < 1) throw new UserError(`'--top-k' takes a whole number of 1 or more, not '${String(values['top-k'])}'.`);
    const { loadRun, parseCheckpointChoice } = await import('../../runtime/predict/load.js');
    const choice = parseCheckpointChoice(values.checkpoint);
    if (choice !== 'best' && choice !== 'last') throw new UserError(choice);

    const dir = projectDir(project);
    if (project === undefined && file === undefined && hasStore(positionals[0])) {
      throw new UserError(`'${positionals[0]}' is a project folder: give the input to predict for after it.`);
    }
    if (!hasStore(dir)) throw new UserError(noStoreMessage(project ?? '.'), 1);
    const records = file === undefined ? [{ input: positionals[positionals.length - 1] } as Record<string, unknown>] : readInputs(file);
    const raw = records.map((r) => r[INPUT_FIELDS.find((f) => f in r)!]);

    // open-store.ts loads the PostgreSQL store's modules (and through them yaml and parts of the compiler):
    // only when a shared store is named (--store is NNC_STORE by now, store-command.ts); start-up, BENCHMARKS.md
    const { openRunStore: createRunStore } = process.env.NNC_STORE
      ? await import('../../runtime/store/open-store.js')
      : { openRunStore: (await import('../../runtime/store/store.js')).createRunStore };
    const store = createRunStore(dir, { readonly: true });
    try {
      const run = await chosenRun(store, dir, values.run as string | undefined, values.strict === true);
      // inference only: TensorFlow.js without gradients, tfjs-converter, tfjs-data or webgl (start-up; BENCHMARKS.md)
      const tf = await loadBackend(values.backend as string | undefined, 1, { inference: true });
      const loaded = await loadRun(tf, store, run, choice);
      if (typeof loaded === 'string') throw new UserError(loaded, 1);
      if (loaded.checkpoint.note) process.stderr.write(`note: ${loaded.checkpoint.note}\n`);
      const head = pickHead(loaded.plan.heads, values.head as string | undefined);
      const features = loaded.plan.project.input.type === 'features';
      const inputs = raw.map((value, i) => toInput(value, features, file === undefined ? 'the input' : `line ${i + 1} of '${file}'`));
      const { createPredictor } = await import('../../runtime/predict/predict.js');
      if (head.task === 'classification' && topK > Math.max(head.classes.length, 2)) throw new UserError(`'--top-k' is ${topK}, but head '${head.name}' has ${head.classes.length} classes.`);
      const predictor = createPredictor(tf, loaded.model, loaded.plan, head, loaded.scaling, { topK: head.task === 'generation' ? topK : 1 });
      let predictions: Prediction[];
      try {
        predictions = await predictor.predict(inputs);
      } catch (error) {
        throw new UserError((error as Error).message, 1);
      } finally {
        loaded.model.dispose();
      }
      // `nnc predict ... | head` closes stdout early: that is not an error
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      });
      const echo = values.echo === true;
      predictions.forEach((prediction, i) => {
        const line = withExpected(extended(prediction, topK, head), records[i], head, echo, raw[i]);
        process.stdout.write(`${format === 'json' ? JSON.stringify(line) : describeLine(line, topK)}\n`);
      });
      return 0;
    } finally {
      store.close();
    }
  },
});

/** One record per JSONL line or CSV row, each with an 'input', 'question' or 'text' field. */
function readInputs(file: string): Record<string, unknown>[] {
  const { records, lines } = readRecords(file, '--input', 2);
  records.forEach((record, i) => {
    if (!INPUT_FIELDS.some((f) => f in record)) throw new UserError(`Line ${lines[i]} of '${file}' has no ${INPUT_FIELDS.map((f) => `'${f}'`).join(', ')} field.`, 1);
  });
  return records as Record<string, unknown>[];
}

type Line = Prediction & {
  top?: { class: string; probability: number }[];
  input?: unknown;
  expected?: unknown;
  correct?: boolean;
  error?: number | number[];
};

/** A classifier's k best classes under "top" (with --top-k above 1); the prediction's own keys stay as they are. */
function extended(prediction: Prediction, topK: number, head: PlanHead): Line {
  if (!('probabilities' in prediction) || topK <= 1 || head.task !== 'classification') return prediction;
  const top = Object.entries(prediction.probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, topK)
    .map(([name, probability]) => ({ class: name, probability }));
  return { ...prediction, top };
}

/** The answer a record carries for this head, by the dataset types' field names. */
const EXPECTED_FIELDS: Readonly<Record<PlanHead['task'], readonly string[]>> = {
  classification: ['label'],
  regression: ['target'],
  generation: ['answer', 'summary', 'target'],
};

/** With --echo, or when the record carries the expected answer: the input, the expected answer and whether it was right. */
function withExpected(line: Line, record: Record<string, unknown>, head: PlanHead, echo: boolean, input: unknown): Line {
  const field = EXPECTED_FIELDS[head.task].find((f) => f in record);
  if (!echo && field === undefined) return line;
  const out: Line = { ...line, input };
  if (field === undefined) return out;
  const expected = record[field];
  if ('class' in line) {
    const named = head.classes.indexOf(String(expected));
    const name = named >= 0 ? head.classes[named] : (expected === 0 || expected === 1) && head.classes.length === 2 ? head.classes[expected] : String(expected);
    return { ...out, expected: name, correct: line.class === name };
  }
  if ('value' in line) {
    const values = [expected].flat().map(Number);
    const predicted = [line.value].flat();
    const errors = predicted.map((v, i) => Math.abs(v - (values[i] ?? Number.NaN)));
    return { ...out, expected, error: errors.length === 1 ? errors[0] : errors };
  }
  return { ...out, expected, correct: line.text === String(expected) };
}

function describeLine(line: Line, topK: number): string {
  let text = describe(line, topK);
  if (line.correct !== undefined) text = `${line.correct ? '✓' : '✗'} ${text}  (expected ${String(line.expected)})`;
  else if (line.error !== undefined) text = `${text}  (expected ${[line.expected].flat().join(', ')}, error ${[line.error].flat().map(round).join(', ')})`;
  return line.input === undefined ? text : `${text}\t${typeof line.input === 'string' ? line.input : JSON.stringify(line.input)}`;
}

function toInput(value: unknown, features: boolean, where: string): string | number[] {
  if (!features) {
    if (typeof value !== 'string') throw new UserError(`This project takes text, but ${where} is not a string.`, 1);
    return value;
  }
  const numbers = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.trim().replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean).map(Number)
      : [];
  if (numbers.length === 0 || numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
    throw new UserError(`This project takes a list of numbers, but ${where} is not one (write '[1, 2.5, 3]' or '1,2.5,3').`, 1);
  }
  return numbers as number[];
}

function pickHead(heads: readonly PlanHead[], name: string | undefined): PlanHead {
  if (name === undefined) return heads[0];
  const head = heads.find((h) => h.name === name);
  if (!head) throw new UserError(`The model has no head '${name}'. Its heads: ${heads.map((h) => `'${h.name}'`).join(', ')}.`);
  return head;
}

function describe(prediction: Prediction, topK = 0): string {
  if ('text' in prediction) return prediction.text;
  if ('value' in prediction) return Array.isArray(prediction.value) ? prediction.value.map(round).join(', ') : round(prediction.value);
  const others = Object.entries(prediction.probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, topK > 1 ? topK : undefined)
    .map(([name, p]) => `${name} ${p.toFixed(3)}`)
    .join(', ');
  return `${prediction.class}  (${others})`;
}

function round(value: number): string {
  return String(Number(value.toPrecision(6)));
}
