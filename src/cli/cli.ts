#!/usr/bin/env node
// Entry point. Commands are imported lazily so `nnc check` never pays for
// TensorFlow.js, SQLite, chokidar or ws.
import { parseArgs } from 'node:util';

import { UserError, type Command } from './command.js';

const commands: Record<string, () => Promise<{ default: Command }>> = {
  init: () => import('./commands/init.js'),
  check: () => import('./commands/check.js'),
  build: () => import('./commands/build.js'),
  train: () => import('./commands/train.js'),
  watch: () => import('./commands/watch.js'),
  view: () => import('./commands/view.js'),
  diff: () => import('./commands/diff.js'),
  predict: () => import('./commands/predict.js'),
  export: () => import('./commands/export.js'),
  runs: () => import('./commands/runs.js'),
  logs: () => import('./commands/logs.js'),
  backup: () => import('./commands/backup.js'),
};

const summaries: Record<string, string> = {
  init: 'scaffold a small working project',
  check: 'compile a project and print its diagnostics',
  build: 'compile and print a model summary; --out writes plan.json and the untrained model',
  train: 'train once and store the run',
  watch: 'train, then retrain on every save; serve the viewer',
  view: 'serve the read-only viewer over stored runs',
  diff: 'architecture diff between two git revisions or folders',
  predict: 'inference with a stored model',
  export: 'write a trained model in TensorFlow.js format plus its plan',
  runs: 'list stored runs',
  logs: 'print stored logs',
  backup: 'consistent copy of the run store while it is in use',
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(summaries).map((n) => n.length));
  return [
    'nnc: small neural networks as config-as-code',
    '',
    'Usage: nnc <command> [options]',
    '',
    'Commands:',
    ...Object.entries(summaries).map(([n, s]) => `  ${n.padEnd(width)}  ${s}`),
    '',
    "Run 'nnc <command> --help' for a command's options.",
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
  const load = commands[name];
  if (!load) {
    console.error(`nnc: unknown command '${name}'. Run 'nnc --help' for the list of commands.`);
    return 2;
  }
  const command = (await load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  let args;
  try {
    args = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`nnc ${name}: ${(error as Error).message}\n\n${command.help}`);
    return 2;
  }
  try {
    return await command.run(args as never);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`nnc ${name}: ${error.message}`);
      return error.exitCode;
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
