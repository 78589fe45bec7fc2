#!/usr/bin/env node
// Entry point. Commands are imported lazily so `nnc check` never pays for
// TensorFlow.js, SQLite, chokidar or ws.
import { suggest } from '../compiler/suggest.js';
import { UserError, type Command } from './command.js';
import { isStoreError } from '../runtime/store/store-error.js';
import { parseCommandLine } from './parse-command-line.js';
import { takeStoreOptions } from './store-command.js';

/** Every command, its one line for `nnc --help`, and its module, loaded only when it runs. */
const commands: Record<string, { readonly summary: string; load(): Promise<{ default: Command }> }> = {
  init: { summary: 'scaffold a small working project', load: () => import('./commands/init.js') },
  check: { summary: 'compile a project and print its diagnostics', load: () => import('./commands/check.js') },
  build: { summary: 'compile and print a model summary; --out <dir> writes plan.json and the untrained model', load: () => import('./commands/build.js') },
  train: { summary: 'train once and store the run', load: () => import('./commands/train.js') },
  sweep: { summary: 'train the trials of a Sweep in parallel and rank them; --show <id> prints a stored sweep', load: () => import('./commands/sweep.js') },
  watch: { summary: 'train, then retrain on every save; serve the viewer', load: () => import('./commands/watch.js') },
  worker: { summary: 'take queued training jobs from a PostgreSQL store and train them (--store postgres://…)', load: () => import('./commands/worker.js') },
  view: { summary: 'serve the read-only viewer over stored runs', load: () => import('./commands/view.js') },
  diff: { summary: 'architecture diff between two git revisions or folders', load: () => import('./commands/diff.js') },
  predict: { summary: 'inference with a stored model', load: () => import('./commands/predict.js') },
  evaluate: { summary: "score a stored model on a split or a file: metrics per head, confusion matrix", load: () => import('./commands/evaluate.js') },
  export: { summary: 'write a trained model in TensorFlow.js format plus its plan', load: () => import('./commands/export.js') },
  import: { summary: 'turn a TensorFlow.js layers model (model.json) into an nnc project that trains on from its weights', load: () => import('./commands/import.js') },
  serve: { summary: 'serve predictions over HTTP from a stored run or an export', load: () => import('./commands/serve.js') },
  runs: { summary: 'list stored runs; --pin <id> picks the run predict, export and serve use', load: () => import('./commands/runs.js') },
  logs: { summary: 'print stored logs', load: () => import('./commands/logs.js') },
  backup: { summary: 'consistent copy of the run store while it is in use', load: () => import('./commands/backup.js') },
  store: { summary: "copy this folder's runs and checkpoints into a shared PostgreSQL store (store push --store postgres://…)", load: () => import('./commands/store.js') },
  schemas: { summary: "write the project's JSON Schemas for editors, with its plugin types", load: () => import('./commands/schemas.js') },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    'nnc: small neural networks as config-as-code',
    '',
    'Usage: nnc <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    "  -v, --version  print nnc's version",
    '  -h, --help     show this help',
    '',
    "Run 'nnc <command> --help' for a command's options and exit codes.",
    'Exit code: 0 done, 1 errors in the project (or no stored run), 2 bad command',
    'line, 70 a bug in nnc.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    console.log(createRequire(import.meta.url)('../package.json').version);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const close = suggest(name, Object.keys(commands));
    const what = name.startsWith('-') ? 'option' : 'command';
    console.error(`nnc: unknown ${what} '${name}'.${close ? ` Did you mean '${close}'?` : ''} Run 'nnc --help' for the list of commands.`);
    return 2;
  }
  const command = (await entry.load()).default;
  const terminator = rest.indexOf('--');
  const flags = terminator === -1 ? rest : rest.slice(0, terminator);
  if (flags.includes('--help') || flags.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    const args = parseCommandLine(name, takeStoreOptions(name, rest, command.options), command.options, command.help);
    return await command.run(args);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`nnc ${name}: ${error.message}`);
      return error.exitCode;
    }
    // the run store's file failed (damaged, full, read-only): not a bug, so no stack
    if (isStoreError(error)) {
      console.error(`nnc ${name}: ${error.message}`);
      return 1;
    }
    // a parseArgs mistake that parseCommandLine did not foresee is still the user's
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`nnc ${name}: ${(error as Error).message}. Run 'nnc ${name} --help' for its options.`);
      return 2;
    }
    throw error;
  }
}

// `nnc runs | head` closes stdout early: that is not an error
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    if (!process.execArgv.includes('--enable-source-maps') && !process.env.NODE_OPTIONS?.includes('source-maps')) {
      console.error('\nThis is a bug in nnc. For a stack trace in its sources, run again with NODE_OPTIONS=--enable-source-maps, and report it.');
    }
    process.exitCode = 70;
  },
);
