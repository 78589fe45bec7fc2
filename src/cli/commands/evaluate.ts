// nnc evaluate [project]: score a stored run's model on a split of the
// project's datasets or on a file, print a table per head (and a confusion
// matrix), keep the result with the run.
import { relative } from 'node:path';
import type { Plan, PlanHead } from '../../compiler/plan.js';
import type { SplitName } from '../../compiler/split.js';
import type { DescribedSample, EvaluationSource, HeadEvaluation } from '../../runtime/metrics/evaluate-run.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { defineCommand, UserError } from '../command.js';
import { loadBackend } from '../load-backend.js';
import { chosenRun } from '../stored-run.js';
import { projectDir } from '../project-dir.js';
import { readRecords } from '../read-records.js';
import { STORE_OPTIONS_HELP, openStore } from '../store-command.js';

const help = `Usage: nnc evaluate [project] [options]

Scores a stored model (the run pinned with 'nnc runs --pin', else the newest
completed run, unless --run says otherwise; its best checkpoint unless
--checkpoint last) on a split of the project's datasets or on a file, and
prints a table of metrics per head: the head's metrics (heads.yaml 'metrics',
or its task's defaults) beside the majority-class or training-mean baseline,
per-class precision, recall and F1 and the confusion matrix of a classifier,
per-target errors of a regression head. The result is stored with the run
('nnc runs' shows it, the viewer's Evaluation view draws it).

Arguments:
  project            project folder (default: the current folder)

Options:
  --split <s>        test (the default when training.split holds out a test
                     split), validation (the default otherwise) or train
  --data <file>      score the samples of a JSONL or CSV file instead, with a
                     dataset type's fields: input and label (classification),
                     input and target (regression), question/answer,
                     text/summary or input/target (generation)
  --head <h>         score this head only (default: every head the samples
                     fit)
  --run <id>         score this run's model, or the one whose id starts with
                     <id> ('nnc runs' lists them)
  --checkpoint <c>   best (default) or last
  --format <f>       text (default), json (one summary object) or markdown
  --samples          also print every sample: input, expected, predicted,
                     probabilities or value, correct (json: one object per
                     line after the summary)
  --metrics-out <file>
                     write the metrics per head as a small stable JSON, to
                     commit beside the project ('nnc diff' compares two
                     revisions' files)
  --strict           refuse (exit 1) a model whose plan differs from what the
                     project's files compile to now
  --backend <b>      TensorFlow.js backend: node, wasm or cpu
${STORE_OPTIONS_HELP}
  -h, --help         show this help

Exit code: 0 evaluated, 1 no stored model, no samples to score or a file it
cannot read, 2 bad command line.`;

const SPLITS: readonly SplitName[] = ['validation', 'test', 'train'];
const FORMATS = ['text', 'json', 'markdown'] as const;

export default defineCommand({
  name: 'evaluate',
  help,
  options: {
    split: { type: 'string' },
    data: { type: 'string' },
    head: { type: 'string' },
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    format: { type: 'string', default: 'text' },
    samples: { type: 'boolean' },
    'metrics-out': { type: 'string' },
    strict: { type: 'boolean' },
    backend: { type: 'string' },
  },
  async run({ values, positionals }) {
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UserError(`'--format' is 'text', 'json' or 'markdown', not '${String(format)}'.`);
    if (positionals.length > 1) throw new UserError(`Expected one project folder, got ${positionals.length}.`);
    const split = values.split as string | undefined;
    if (split !== undefined && !SPLITS.includes(split as SplitName)) throw new UserError(`'--split' is 'validation', 'test' or 'train', not '${split}'.`);
    const dataFile = values.data as string | undefined;
    if (split !== undefined && dataFile !== undefined) throw new UserError(`Give '--split' or '--data', not both: '--data' scores the file's samples instead of a split.`);
    if (dataFile === '') throw new UserError(`'--data' is empty: give the path of a JSONL or CSV file.`);
    const { loadRun, parseCheckpointChoice } = await import('../../runtime/predict/load.js');
    const choice = parseCheckpointChoice(values.checkpoint);
    if (choice !== 'best' && choice !== 'last') throw new UserError(choice);
    const dir = projectDir(positionals[0]);
    if (!hasStore(dir)) throw new UserError(noStoreMessage(positionals[0] ?? '.'), 1);
    const file = dataFile === undefined ? null : readRecords(dataFile, '--data');

    const store = await openStore(dir);
    try {
      const run = await chosenRun(store, dir, values.run as string | undefined, values.strict === true);
      const tf = await loadBackend(values.backend as string | undefined, values.backend === undefined ? 1 : 2);
      const loaded = await loadRun(tf, store, run, choice);
      if (typeof loaded === 'string') throw new UserError(loaded, 1);
      if (loaded.checkpoint.note) process.stderr.write(`note: ${loaded.checkpoint.note}\n`);
      const { compile } = await import('../../compiler/index.js');
      const compiled = compile(dir);
      const { EvaluationInputError, evaluateHeads, recordFits, worstSamples } = await import('../../runtime/metrics/evaluate-run.js');

      let plan = loaded.plan;
      let heads: PlanHead[];
      let source: EvaluationSource;
      let scope: string;
      if (file) {
        if (file.records.length === 0) throw new UserError(`'${dataFile}' holds no records.`, 1);
        heads = fileHeads(loaded.plan.heads, values.head as string | undefined, file.records, recordFits, dataFile!);
        const majority: Record<string, number | null> = {};
        const current = sameModelInput(compiled.plan, loaded.plan) ? compiled : null;
        if (current?.plan && current.data) {
          const { prepareData } = await import('../../runtime/train/examples.js');
          const { majorityClass } = await import('../../runtime/train/evaluate.js');
          for (const d of prepareData(current.plan, current.data).heads) {
            if (d.head.task === 'classification') majority[d.head.name] = majorityClass(d.train.targets, d.head.classes.length);
          }
        }
        source = { kind: 'file', file: dataFile!, records: file.records.map((fields, i) => ({ fields, line: file.lines[i] })), majority };
        scope = `'${dataFile}'`;
      } else {
        if (!compiled.plan || !compiled.data) {
          throw new UserError(`The project's files do not compile ('nnc check' lists the errors), so its splits cannot be read. Fix them, or score a file with '--data <file>'.`, 1);
        }
        const mismatch = modelMismatch(compiled.plan, loaded.plan);
        if (mismatch) throw new UserError(`The model of run ${run.id} ${mismatch} than the project's files now give, so it cannot score their splits. Score a file with '--data <file>', or train again ('nnc train').`, 1);
        plan = compiled.plan;
        const chosen = (split as SplitName | undefined) ?? (plan.project.training.testSplit > 0 ? 'test' : 'validation');
        heads = pickHeads(plan.heads, values.head as string | undefined);
        source = { kind: 'split', split: chosen, data: compiled.data };
        scope = `the ${chosen} split`;
      }

      let results: HeadEvaluation[];
      try {
        results = await evaluateHeads({ tf, plan, model: loaded.model, scaling: loaded.scaling, heads, source });
      } catch (error) {
        if (error instanceof EvaluationInputError) throw new UserError(`${error.message.replace(/\.$/, '')} in '${dataFile}'.`, 1);
        throw error;
      } finally {
        loaded.model.dispose();
      }
      if (results.length === 0) {
        const advice = source.kind === 'split' && source.split === 'test'
          ? "Hold out a test split with 'training.split: {validation: 0.2, test: 0.1}' in nnc.yaml, and train again."
          : 'Add samples, or score another split.';
        throw new UserError(`${scope[0].toUpperCase()}${scope.slice(1)} holds no samples of ${heads.length === 1 ? `head '${heads[0].name}'` : 'any head'}. ${advice}`, 1);
      }

      const count = results.reduce((n, r) => n + r.report.count, 0);
      const splitName = source.kind === 'split' ? source.split : 'file';
      const stored = store.addEvaluation({
        runId: run.id,
        split: splitName,
        data: source.kind === 'file' ? dataFile! : null,
        checkpoint: loaded.checkpoint.which,
        planHash: run.planHash,
        count,
        metrics: Object.fromEntries(results.map((r) => [r.head.name, r.metrics])),
        heads: Object.fromEntries(results.map((r) => [r.head.name, { task: r.head.task, report: r.report, worst: worstSamples(r.samples) }])),
      });

      const epoch = loaded.checkpoint.best?.epoch ?? null;
      const summary = {
        run: run.id,
        evaluation: stored.id,
        checkpoint: loaded.checkpoint.which,
        epoch,
        planHash: run.planHash,
        split: splitName,
        data: source.kind === 'file' ? dataFile : null,
        count,
        heads: Object.fromEntries(results.map((r) => [r.head.name, { task: r.head.task, count: r.report.count, metrics: r.metrics, report: r.report }])),
      };
      const out = (line: string) => process.stdout.write(`${line}\n`);
      // `nnc evaluate ... | head` closes stdout early: that is not an error
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      });
      if (format === 'json') {
        out(JSON.stringify(summary));
        if (values.samples === true) for (const r of results) for (const s of r.samples) out(JSON.stringify(sampleLine(s)));
      } else {
        const { renderMarkdown, renderText } = await import('../../runtime/metrics/format.js');
        const sections = results.map((r) => ({ title: headTitle(r, scope), report: r.report, metrics: r.metrics }));
        const which = `${loaded.checkpoint.which === 'best' ? `best checkpoint${epoch !== null ? ` (epoch ${epoch})` : ''}` : 'last checkpoint'}`;
        if (format === 'markdown') {
          out(`## nnc evaluate: run \`${run.id}\`, ${which}, ${scope.replace(/'/g, '`')}\n`);
          out(renderMarkdown(sections));
        } else {
          out(`Run ${run.id}, ${which}, on ${scope}: ${count} samples.`);
          out(renderText(sections).replace(/^\n/, '\n'));
        }
        if (values.samples === true) for (const r of results) printSamples(r, out, format === 'markdown');
        if (format === 'text') out(`\nStored as evaluation ${stored.id} of run ${run.id}.`);
      }

      const metricsOut = values['metrics-out'] as string | undefined;
      if (metricsOut !== undefined) {
        const { writeMetricsFile, METRICS_FILE_FORMAT } = await import('../../runtime/metrics/metrics-file.js');
        writeMetricsFile(metricsOut, {
          format: METRICS_FILE_FORMAT,
          project: plan.project.name,
          planHash: run.planHash,
          runId: run.id,
          source: 'evaluate',
          split: splitName,
          ...(source.kind === 'file' ? { data: relative(dir, dataFile!).split('\\').join('/') } : {}),
          metrics: Object.fromEntries(results.map((r) => [r.head.name, r.metrics])),
        });
        process.stderr.write(`Wrote the metrics to '${metricsOut}'.\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
});

function headTitle(r: HeadEvaluation, scope: string): string {
  return `Head '${r.head.name}' (${r.head.task}) on ${scope}: ${r.report.count} samples`;
}

function pickHeads(heads: readonly PlanHead[], name: string | undefined): PlanHead[] {
  if (name === undefined) return [...heads];
  const head = heads.find((h) => h.name === name);
  if (!head) throw new UserError(`The model has no head '${name}'. Its heads: ${heads.map((h) => `'${h.name}'`).join(', ')}.`);
  return [head];
}

/** The heads a file's records fit (their fields name the task); one unless --head says which. */
function fileHeads(heads: readonly PlanHead[], name: string | undefined, records: readonly Readonly<Record<string, unknown>>[], fits: (task: PlanHead['task'], fields: Readonly<Record<string, unknown>>) => boolean, file: string): PlanHead[] {
  const picked = pickHeads(heads, name);
  const fitting = picked.filter((h) => fits(h.task, records[0]));
  if (fitting.length === 0) {
    const wanted = picked.map((h) => `'${h.name}' (${h.task}: ${h.task === 'classification' ? "'input' and 'label'" : h.task === 'regression' ? "'input' and 'target'" : "'question' and 'answer', 'text' and 'summary', or 'input' and 'target'"})`).join(', ');
    throw new UserError(`The first record of '${file}' has the fields ${Object.keys(records[0]).map((k) => `'${k}'`).join(', ') || '(none)'}, which fit no head. Heads and the fields they score: ${wanted}.`, 1);
  }
  if (fitting.length > 1) {
    throw new UserError(`The records of '${file}' fit heads ${fitting.map((h) => `'${h.name}'`).join(' and ')}; pick one with '--head <h>'.`, 2);
  }
  return fitting;
}

/** Why the compiled files cannot feed this model (another input, vocabulary or classes), or null. */
function modelMismatch(current: Plan, trained: Plan): string | null {
  if (!sameModelInput(current, trained)) return 'reads another input or vocabulary';
  for (const head of trained.heads) {
    const now = current.heads.find((h) => h.name === head.name);
    if (!now) return `has head '${head.name}', which the project no longer has, so it was trained on other heads`;
    if (now.task !== head.task || now.units !== head.units || now.classes.join('\0') !== head.classes.join('\0')) return `has another task, width or classes for head '${head.name}'`;
  }
  return null;
}

function sameModelInput(current: Plan | null, trained: Plan): boolean {
  if (!current) return false;
  const input = (p: Plan) => JSON.stringify({ ...p.project.input, truncate: p.project.input.truncate ?? 'end' });
  return current.vocabulary.hash === trained.vocabulary.hash && input(current) === input(trained);
}

function sampleLine(s: DescribedSample): Record<string, unknown> {
  const out: Record<string, unknown> = { head: s.head, input: s.input, expected: s.expected, predicted: s.predicted };
  if (s.probabilities) out.probabilities = s.probabilities;
  else if (typeof s.expected !== 'string' || s.correct === null) out.value = s.predicted;
  out.correct = s.correct;
  return out;
}

function printSamples(r: HeadEvaluation, out: (line: string) => void, markdown: boolean): void {
  out(markdown ? `\n### Samples of head '${r.head.name}'\n` : `\nSamples of head '${r.head.name}':`);
  for (const s of r.samples) {
    const mark = s.correct === null ? ' ' : s.correct ? '✓' : '✗';
    const input = typeof s.input === 'string' ? JSON.stringify(s.input) : `[${s.input.join(', ')}]`;
    const p = s.probabilities && typeof s.predicted === 'string' ? ` (${s.probabilities[s.predicted]!.toFixed(3)})` : '';
    const value = (v: DescribedSample['expected'] | null) => (v === null ? '-' : Array.isArray(v) ? `[${v.map((x) => Number(x.toPrecision(6))).join(', ')}]` : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));
    out(`${markdown ? '- ' : '  '}${mark} expected ${value(s.expected)}, predicted ${value(s.predicted)}${p}: ${input}`);
  }
}
