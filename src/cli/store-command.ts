// What the commands that read the run store (runs, logs, backup) share: their
// arguments (the project folder, --format, --limit, --store) and opening the store.
import { existsSync } from 'node:fs';
import { UserError, type OptionSpec, type ParsedArgs } from './command.js';
import type { OpenStoreOptions } from '../runtime/store/open-store.js';
import { noStoreMessage } from '../runtime/store/paths.js';
import type { RunStore } from '../runtime/store/types.js';

export function parseLimit(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`'--limit' takes a whole number of 1 or more, not '${String(value)}'.`);
  return n;
}

export function parseFormat(value: unknown): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new UserError(`'--format' is 'text' or 'json', not '${String(value)}'.`);
}

export function projectArgument(args: ParsedArgs): string {
  if (args.positionals.length > 1) {
    throw new UserError(`Expected one project folder, got ${args.positionals.length}: ${args.positionals.map((p) => `'${p}'`).join(', ')}.`);
  }
  const project = args.positionals[0] ?? '.';
  if (!existsSync(project)) throw new UserError(`The folder '${project}' does not exist.`);
  return project;
}

/**
 * Opens the project's run store, loading SQLite (or the PostgreSQL bridge) only
 * now: a shared store when --store / NNC_STORE names one (open-store.ts). A
 * store that cannot be used (damaged, empty, full, read-only, locked,
 * unreachable, refused) raises a StoreError, which the CLI prints without a
 * stack (exit code 1); anything else is a user error too.
 */
export async function openStore(project: string, options: OpenStoreOptions & { readsOnly?: boolean } = {}): Promise<RunStore> {
  const [openRunStore, { isStoreError }] = await Promise.all([storeOpener(), import('../runtime/store/store-error.js')]);
  const { readsOnly, ...rest } = options;
  try {
    try {
      return openRunStore(project, rest);
    } catch (error) {
      // a shared store's user with SELECT only can still read it (opened for writing, it marks interrupted runs)
      if (!readsOnly || rest.readonly || !process.env.NNC_STORE || !isStoreError(error) || error.fault !== 'readonly') throw error;
      return openRunStore(project, { ...rest, readonly: true });
    }
  } catch (error) {
    if (isStoreError(error)) throw error;
    throw new UserError((error as Error).message, 1);
  }
}

/**
 * openRunStore when --store / NNC_STORE names a shared store, else SQLite's
 * createRunStore without loading the PostgreSQL store's modules (yaml and more:
 * +50 ms of start-up for every read of a project's own store, BENCHMARKS.md).
 */
export async function storeOpener(): Promise<(project: string, options?: OpenStoreOptions) => RunStore> {
  if (process.env.NNC_STORE) return (await import('../runtime/store/open-store.js')).openRunStore;
  return (await import('../runtime/store/store.js')).createRunStore;
}

/** The commands that open the run store and so take --store <url> and --artifacts <dir>. */
const STORE_COMMANDS = new Set(['runs', 'logs', 'evaluate', 'backup', 'predict', 'export', 'serve', 'watch', 'train', 'sweep', 'view', 'diff', 'worker', 'store']);

/** The lines of a store command's help for --store and --artifacts. */
export const STORE_OPTIONS_HELP = `  --store <url>    a shared PostgreSQL run store (postgres://user@host:5432/db)
                   instead of <project>/.nnc/nnc.db; default: NNC_STORE.
                   The password comes from the URL or PGPASSWORD/~/.pgpass
                   and is never printed
  --artifacts <dir>
                   with --store: checkpoint files in this folder (shared by
                   every machine) instead of the store; default: NNC_ARTIFACTS`;

/**
 * For a command that opens the run store and does not declare --store itself:
 * takes `--store <url>` and `--artifacts <dir>` off its arguments into
 * NNC_STORE / NNC_ARTIFACTS, so every store it opens, in its worker threads
 * and child processes too, is that one. Other commands keep them (and reject them).
 */
export function takeStoreOptions(command: string, args: readonly string[], options: OptionSpec): string[] {
  if (!STORE_COMMANDS.has(command)) return [...args];
  const out: string[] = [];
  let artifacts = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = (['store', 'artifacts'] as const).find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (!name || options[name]) {
      out.push(arg);
      continue;
    }
    let value: string | undefined;
    if (arg.includes('=')) value = arg.slice(arg.indexOf('=') + 1);
    else {
      value = args[i + 1];
      if (value === undefined || (value.startsWith('-') && value.length > 1)) {
        throw new UserError(`option '--${name}' needs a value: '--${name} ${name === 'store' ? '<url>' : '<dir>'}'. Run 'nnc ${command} --help' for its options.`);
      }
      i += 1;
    }
    if (value === '') throw new UserError(`option '--${name}' needs a value, not an empty one. Run 'nnc ${command} --help' for its options.`);
    process.env[name === 'store' ? 'NNC_STORE' : 'NNC_ARTIFACTS'] = value;
    if (name === 'artifacts') artifacts = true;
  }
  // checkpoints of the project's own store live in .nnc/runs: a folder for them would be ignored
  if (artifacts && !process.env.NNC_STORE) throw new UserError(`'--artifacts' says where a shared store keeps checkpoint files: add '--store postgres://…' (or set NNC_STORE), or leave it out.`);
  return out;
}

/** Whether the store is a shared PostgreSQL one (open-store.ts), without loading it. */
export function isShared(store: RunStore): store is RunStore & { readonly kind: 'postgres'; readonly project: { readonly name: string; readonly remote: string } } {
  return (store as { kind?: string }).kind === 'postgres';
}

/** What `nnc runs` / `nnc logs` say when the store holds nothing for the project. */
export function emptyStoreMessage(store: RunStore, project: string, what: 'runs' | 'log lines'): string {
  if (!isShared(store)) return noStoreMessage(project);
  return `No ${what} of the project '${store.project.name}' are stored in '${store.path}' yet. Train with '--store', or copy this folder's runs there with 'nnc store push ${project} --store <url>'.`;
}
