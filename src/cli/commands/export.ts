// nnc export [project] --out dir: a stored run's model in TensorFlow.js format
// (model.json + weights.bin) that plain TensorFlow.js loads, with predict.js,
// preprocess.json, a model card and the plan (src/runtime/export/write-export.ts).
import { relative, resolve } from 'node:path';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP, storeOpener } from '../store-command.js';
import { chosenRun } from '../stored-run.js';
import { projectDir } from '../project-dir.js';

const help = `Usage: nnc export [project] --out <dir> [options]

Writes a trained model that runs without nnc into <dir>: model.json +
weights.bin in TensorFlow.js layers format (standard layer classes where one
computes the same, nnc-layers.js for the rest), predict.js (raw inputs in,
what 'nnc predict --format json' prints out; needs only @tensorflow/tfjs),
preprocess.json, a model card (README.md, card.json) and plan.json.

Arguments:
  project          project folder (default: the current folder)

Options:
  --out <dir>      folder to write (created if missing)
  --run <id>       export this run, or the one whose id starts with <id>
                   (default: the run pinned with 'nnc runs --pin', else the
                   newest completed run)
  --checkpoint <c> best (default: the run's best epoch by its checkpoint
                   metric) or last (its last epoch)
  --strict         refuse (exit 1) a model whose plan differs from what the
                   project's files compile to now, or when they do not
                   compile; without it, that is a warning on stderr
  --format <f>     text (default) or json
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 exported, 1 no stored run or model, 2 bad command line.`;

export default defineCommand({
  name: 'export',
  help,
  options: { out: { type: 'string' }, run: { type: 'string' }, checkpoint: { type: 'string' }, strict: { type: 'boolean' }, format: { type: 'string', default: 'text' } },
  async run({ values, positionals }) {
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`'--format' is 'text' or 'json', not '${format}'.`);
    if (typeof values.out !== 'string' || values.out === '') throw new UserError("Give the folder to write with --out <dir>.");
    if (positionals.length > 1) throw new UserError(`Expected one project folder, got ${positionals.length}.`);
    const dir = projectDir(positionals[0]);
    if (!hasStore(dir)) throw new UserError(noStoreMessage(positionals[0] ?? '.'), 1);

    const createRunStore = await storeOpener();
    const { readCheckpointPlan, resolveCheckpoint } = await import('../../runtime/store/checkpoint.js');
    const { parseCheckpointChoice } = await import('../../runtime/predict/load.js');
    const choice = parseCheckpointChoice(values.checkpoint);
    if (choice !== 'best' && choice !== 'last') throw new UserError(choice);
    const store = createRunStore(dir, { readonly: true });
    try {
      const run = await chosenRun(store, dir, values.run as string | undefined, values.strict === true);
      const runDir = store.runDir(run.id);
      const checkpoint = await resolveCheckpoint(runDir, choice);
      if (!checkpoint) throw new UserError(`Run '${run.id}' (${run.status}) saved no model.`, 1);
      if (checkpoint.note) process.stderr.write(`note: ${checkpoint.note}\n`);
      const from = checkpoint.dir;
      const out = resolve(values.out);
      // the portable export (src/runtime/export): standard layers, nnc-layers.js, preprocess.json, predict.js, model card
      const { loadTf } = await import('../../runtime/backend/index.js');
      const { writeExport } = await import('../../runtime/export/write-export.js');
      const plan = ((await readCheckpointPlan(runDir)) ?? store.getPlan(run.id)) as Parameters<typeof writeExport>[1]['plan'];
      const written = await writeExport((await loadTf()).tf, { from, out, run, plan });
      if (typeof written === 'string') throw new UserError(written, 1);
      const shown = relative(process.cwd(), out) || '.';
      const epoch = checkpoint.best?.epoch ?? null;
      if (format === 'json') process.stdout.write(`${JSON.stringify({ run: run.id, status: run.status, checkpoint: checkpoint.which, epoch, out: shown, files: written.files, layers: written.layers, maxDifference: written.maxDifference })}\n`);
      else console.log(`Exported run ${run.id} (${run.status}, ${checkpoint.which === 'best' && epoch !== null ? `best epoch ${epoch}` : 'last epoch'}) to ${shown}/: ${written.files.join(', ')}.`);
      return 0;
    } finally {
      store.close();
    }
  },
});
