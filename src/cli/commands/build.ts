import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../../compiler/index.js';
import { defineCommand, UserError } from '../command.js';
import { modelSummary } from '../model-summary.js';
import { projectDir } from '../project-dir.js';
import { parseSetOption, printWithSetArguments, SET_OPTION, setHelp } from '../set-option.js';

export default defineCommand({
  name: 'build',
  help: `Usage: nnc build [project] [--out <dir>] [--format text|json]

Compiles the project and prints a model summary: every layer with its type,
output shape and parameter count, the heads, totals and estimated memory.

Options:
  --out <dir>         write plan.json and the untrained model (model.json +
                      weights.bin, TensorFlow.js format) into <dir>
  --backend <b>       TensorFlow.js backend for --out (node, wasm, cpu)
  --format text|json  json prints the plan instead of the summary
${setHelp(22)}
  -h, --help          show this help

Exit code: 0 built, 1 errors in the project, 2 bad command line.`,
  options: { out: { type: 'string' }, format: { type: 'string', default: 'text' }, backend: { type: 'string' }, ...SET_OPTION },
  async run({ values, positionals }) {
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`--format must be 'text' or 'json', not '${format}'.`);
    const dir = projectDir(positionals[0]);
    const set = parseSetOption(values.set);
    const stream = format === 'json' ? process.stderr : process.stdout;
    if (set.diagnostics.length) {
      printWithSetArguments({ diagnostics: set.diagnostics, files: [] }, set, { stream });
      return 2;
    }
    const result = compile(dir, undefined, { overrides: set.overrides });
    printWithSetArguments(result, set, { stream });
    if (!result.plan) return 1;
    const plan = result.plan;
    if (format === 'json') process.stdout.write(JSON.stringify(plan) + '\n');
    else console.log(modelSummary(plan));
    if (typeof values.out === 'string') {
      const out = resolve(values.out);
      try {
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
      } catch (error) {
        throw new UserError(`cannot write into '${values.out}': ${(error as Error).message}. Give a folder you can write to.`);
      }
      const { saveUntrainedModel } = await import('../../runtime/save-untrained.js');
      const backend = await saveUntrainedModel(plan, out, values.backend as string | undefined);
      if (format === 'text') console.log(`\nWrote ${join(values.out, 'plan.json')} and the untrained model (model.json, weights.bin; backend ${backend}).`);
    }
    return 0;
  },
});
