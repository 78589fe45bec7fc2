// nnc import <model.json> --out <dir>: a TensorFlow.js layers model (nnc's
// export, a converted Keras model) as an nnc project whose runs start from its
// weights (src/runtime/import).
import { relative, resolve } from 'node:path';
import { diagnosticsToJson, formatDiagnostics } from '../../compiler/format.js';
import { modelSummary } from '../model-summary.js';
import { defineCommand, UserError } from '../command.js';
import { loadBackend } from '../load-backend.js';

const help = `Usage: nnc import <model.json> --out <dir> [options]

Turns a TensorFlow.js layers model (Sequential, or a chain of layers with
heads branching off it: what 'nnc export' writes, or a Keras model converted
with tensorflowjs_converter) into an nnc project in <dir>: nnc.yaml,
layers.yaml, heads.yaml, tokens.yaml (the vocabulary of a preprocess.json
beside model.json, else placeholders of the embedding's size), and the
model's weights as the checkpoint init/, which training.init names: every
run of the project starts from them. The imported model is run beside the
source on the same inputs. A layer nnc has no type for is an error naming it.

Arguments:
  model.json       the model's model.json (its weight files beside it)

Options:
  --out <dir>      folder for the project (new or empty)
  --backend <b>    TensorFlow.js backend: node, wasm or cpu
  --format <f>     text (default) or json
  -h, --help       show this help

Exit code: 0 imported, 1 the model cannot be imported (unsupported layers,
unreadable files), 2 bad command line.`;

export default defineCommand({
  name: 'import',
  help,
  options: { out: { type: 'string' }, backend: { type: 'string' }, format: { type: 'string', default: 'text' } },
  async run({ values, positionals }) {
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`'--format' is 'text' or 'json', not '${format}'.`);
    if (positionals.length !== 1 || positionals[0] === '') throw new UserError('Give the model.json to import: nnc import <model.json> --out <dir>.');
    if (typeof values.out !== 'string' || values.out === '') throw new UserError('Give the folder to write the project to with --out <dir>.');
    const tf = await loadBackend(values.backend as string | undefined, 2);
    const { importModel } = await import('../../runtime/import/import-model.js');
    const out = resolve(values.out);
    const result = await importModel(tf, resolve(positionals[0]), out, positionals[0]);
    const shown = relative(process.cwd(), out) || '.';
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ out: shown, files: result.files, maxDifference: result.maxDifference, diagnostics: diagnosticsToJson(result.diagnostics, process.cwd()), plan: result.plan ? { hash: result.plan.hash, params: [...result.plan.layers, ...result.plan.heads].reduce((n, l) => n + l.params, 0) } : null })}\n`);
    } else {
      if (result.diagnostics.length) process.stderr.write(`${formatDiagnostics(result.diagnostics, { cwd: process.cwd() })}\n`);
      if (result.plan) {
        console.log(modelSummary(result.plan));
        const compared = result.maxDifference === null ? '' : ` The imported model's outputs are within ${result.maxDifference.toPrecision(2)} of the source's.`;
        console.log(`\nImported into ${shown}/: ${result.files.join(', ')}.${compared} Add datasets and run 'nnc train ${shown}' to train on from these weights.`);
      }
    }
    return result.plan ? 0 : 1;
  },
});
