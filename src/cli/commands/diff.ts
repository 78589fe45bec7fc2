import { isAbsolute } from 'node:path';
import { runDiff, type DiffFormat } from '../../diff/run-diff.js';
import { runSweepDiff } from '../../diff/run-sweep-diff.js';
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP } from '../store-command.js';

const FORMATS: readonly string[] = ['text', 'markdown', 'json'];

export default defineCommand({
  name: 'diff',
  help: `Usage: nnc diff <base> [<head>] [project] [--format text|markdown|json]
       nnc diff --sweep <id> [--trial <n> [--trial <m>]] [project]

Compiles the project on both sides and compares the plans: layers added,
changed, removed or moved (with output shapes and parameters before -> after),
heads, the vocabulary, datasets, settings, and the metrics of both sides: from
their committed metrics files (metrics.json in the project, written by 'nnc
train --metrics-out' or 'nnc evaluate --metrics-out') when both have one, else
from the best completed run of each plan in the run store; the heading says
which. A side that does not compile is compared as written, with its
diagnostics.

<base> and <head> are git revisions (read with git, the working tree is not
touched) or project folders; <head> defaults to the working tree. An argument
that is an existing folder is a folder, anything else a revision. The project
(default: the current folder) is where it sits inside the repository.

  nnc diff origin/main                      this project: origin/main vs the working tree
  nnc diff main projects/sentiment          that project: main vs the working tree
  nnc diff v1 v2 projects/sentiment         two revisions of that project
  nnc diff ../old-copy projects/sentiment   two folders

With --sweep <id>, the trials of a stored sweep ('nnc sweep') are compared
with the project's files without the sweep's values (the base): per trial,
ranked as 'nnc sweep --show' ranks them, its values, its value of the
sweep's metric (and its difference to the best completed run of the base's
plan), what its values change in layers, shapes, parameters and heads, and
the best metrics of its run. The trials are compiled again from the
project's files; a note says when that gives another plan than the trial
trained.

  nnc diff --sweep s0mx2 projects/sentiment             every trial against the base
  nnc diff --sweep s0mx2 --trial 3 projects/sentiment   the base against trial 3
  nnc diff --sweep s0mx2 --trial 3 --trial 5            trial 3 against trial 5

Options:
  --format text|markdown|json  markdown fits a pull-request comment; its first
                               line, <!-- nnc-diff <project> -->, lets CI find
                               and update it; json is the diff object
  --metrics <file>             the metrics file of each side, relative to the
                               project (default: metrics.json)
  --sweep <id>                 a stored sweep: its id, a unique start of it, or
                               its name (the newest of that name); takes at
                               most the project folder as an argument
  --trial <n>                  with --sweep: the base against trial n, or
                               given twice, one trial against another (the
                               diff of two sides, as above)
${STORE_OPTIONS_HELP}
  --trust-plugins              run the plugins of both sides (nnc.yaml
                               'plugins:'); without it none runs, and layers
                               and datasets of plugin types are compared as
                               written, unchecked
  -h, --help                   show this help

Exit code: 0 when the head compiles (or only its plugins were not run), 1 when
it has errors (with --sweep: when the base or a trial compared does not
compile now, or there is no such sweep or trial), 2 bad command line.`,
  options: { format: { type: 'string', default: 'text' }, metrics: { type: 'string' }, 'trust-plugins': { type: 'boolean' }, sweep: { type: 'string' }, trial: { type: 'string', multiple: true } },
  async run({ values, positionals }) {
    const format = values.format as DiffFormat;
    if (!FORMATS.includes(format)) throw new UserError(`--format must be 'text', 'markdown' or 'json', not '${format}'.`);
    const trials = (values.trial as string[] | undefined) ?? [];
    if (values.sweep !== undefined) {
      if (values.metrics !== undefined) throw new UserError(`'--metrics' compares the metrics files of two sides; with --sweep the metrics come from the sweep's runs. Leave one of them out.`);
      const outcome = await runSweepDiff({ cwd: process.cwd(), positionals, sweep: String(values.sweep), trials, format, color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, trustPlugins: values['trust-plugins'] === true });
      if ('error' in outcome) throw new UserError(outcome.error, outcome.exitCode);
      process.stdout.write(outcome.output);
      return outcome.exitCode;
    }
    if (trials.length > 0) throw new UserError(`'--trial' picks trials of a sweep: give the sweep too, as in '--sweep <id> --trial ${trials[0]}'.`);
    const metricsFile = values.metrics as string | undefined;
    if (metricsFile === '' || (metricsFile !== undefined && isAbsolute(metricsFile))) throw new UserError(`'--metrics' takes a path relative to the project, such as 'metrics.json', not '${metricsFile}'.`);
    const outcome = await runDiff(positionals, { cwd: process.cwd(), format, color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, trustPlugins: values['trust-plugins'] === true, ...(metricsFile ? { metricsFile } : {}) });
    if ('error' in outcome) throw new UserError(outcome.error);
    process.stdout.write(outcome.output);
    return outcome.exitCode;
  },
});
