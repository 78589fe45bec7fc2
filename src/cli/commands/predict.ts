// nnc predict [project] <input>: inference with a stored run's model.
import { readFileSync } from 'node:fs';
import type { PlanHead } from '../../compiler/plan.js';
import type { Prediction } from '../../runtime/predict/predict.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { defineCommand, UserError } from '../command.js';
import { projectDir } from '../project-dir.js';

const help = `Usage: nnc predict [project] <input> [options]
       nnc predict [project] --input samples.jsonl [options]

Runs a stored model (the run pinned with 'nnc runs --pin', else the newest
completed run, unless --run says otherwise):
a classification head prints the class and its probabilities, a regression
head the value, a generation head the text it generates after <input>.
A features project takes its input as numbers: '[1, 2.5, 3]' or '1,2.5,3'.

Arguments:
  project          project folder (default: the current folder)
  input            the text (or numbers) to predict for

Options:
  --input <file>   predict every line of a JSONL file, reading its 'input',
                   'question' or 'text' field
  --run <id>       use this run's model, or the one whose id starts with
                   <id> ('nnc runs' lists them)
  --head <h>       the head to predict with (default: the first head)
  --checkpoint <c> best (default: the run's best epoch by its checkpoint
                   metric) or last (its last epoch)
  --strict         refuse (exit 1) a model whose plan differs from what the
                   project's files compile to now, or when they do not
                   compile; without it, that is a warning on stderr
  --top-k <k>      generation: sample among the k likeliest tokens instead of
                   taking the likeliest
  --backend <b>    TensorFlow.js backend: node, wasm or cpu
  --format <f>     text (default) or json: one JSON object per input,
                   {"class", "probabilities"}, {"value"} or {"text"}
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
    const { findRun, loadRun, parseCheckpointChoice } = await import('../../runtime/predict/load.js');
    const choice = parseCheckpointChoice(values.checkpoint);
    if (choice !== 'best' && choice !== 'last') throw new UserError(choice);

    const dir = projectDir(project);
    if (project === undefined && file === undefined && hasStore(positionals[0])) {
      throw new UserError(`'${positionals[0]}' is a project folder: give the input to predict for after it.`);
    }
    if (!hasStore(dir)) throw new UserError(noStoreMessage(project ?? '.'), 1);
    const raw = file === undefined ? [positionals[positionals.length - 1]] : readInputs(file);

    const { createRunStore } = await import('../../runtime/store/store.js');
    const store = createRunStore(dir, { readonly: true });
    try {
      const run = findRun(store, values.run as string | undefined);
      if (typeof run === 'string') throw new UserError(run, 1);
      const { staleModel } = await import('../../runtime/predict/stale.js');
      const stale = staleModel(dir, run);
      if (stale && values.strict === true) throw new UserError(`${stale} (--strict)`, 1);
      if (stale) process.stderr.write(`warning: ${stale}\n`);
      const { loadTf } = await import('../../runtime/backend/index.js');
      const { tf } = await loadTf(values.backend as string | undefined);
      const loaded = await loadRun(tf, store, run, choice);
      if (typeof loaded === 'string') throw new UserError(loaded, 1);
      if (loaded.checkpoint.note) process.stderr.write(`note: ${loaded.checkpoint.note}\n`);
      const head = pickHead(loaded.plan.heads, values.head as string | undefined);
      const features = loaded.plan.project.input.type === 'features';
      const inputs = raw.map((value, i) => toInput(value, features, file === undefined ? 'the input' : `line ${i + 1} of '${file}'`));
      const { createPredictor } = await import('../../runtime/predict/predict.js');
      const predictor = createPredictor(tf, loaded.model, loaded.plan, head, loaded.scaling, { topK });
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
      for (const prediction of predictions) {
        process.stdout.write(`${format === 'json' ? JSON.stringify(prediction) : describe(prediction)}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
});

/** One input per JSONL line: its 'input', 'question' or 'text' field. */
function readInputs(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`Cannot read '${file}'. Give the path of a JSONL file.`);
  }
  const inputs: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new UserError(`Line ${i + 1} of '${file}' is not JSON.`, 1);
    }
    const field = INPUT_FIELDS.find((f) => record !== null && typeof record === 'object' && f in record);
    if (!field) throw new UserError(`Line ${i + 1} of '${file}' has no ${INPUT_FIELDS.map((f) => `'${f}'`).join(', ')} field.`, 1);
    inputs.push(record[field]);
  });
  return inputs;
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

function describe(prediction: Prediction): string {
  if ('text' in prediction) return prediction.text;
  if ('value' in prediction) return Array.isArray(prediction.value) ? prediction.value.map(round).join(', ') : round(prediction.value);
  const others = Object.entries(prediction.probabilities)
    .sort((a, b) => b[1] - a[1])
    .map(([name, p]) => `${name} ${p.toFixed(3)}`)
    .join(', ');
  return `${prediction.class}  (${others})`;
}

function round(value: number): string {
  return String(Number(value.toPrecision(6)));
}
