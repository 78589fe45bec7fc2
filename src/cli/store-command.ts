// What the commands that read the run store (runs, logs, backup) share: their
// arguments (the project folder, --format, --limit) and opening the store.
import { existsSync } from 'node:fs';
import { UserError, type ParsedArgs } from './command.js';
import type { RunStoreOptions } from '../runtime/store/store.js';
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
 * Opens the project's run store, loading SQLite only now. A store that cannot
 * be used (damaged, empty, full, read-only, locked) raises a StoreError, which
 * the CLI prints without a stack (exit code 1); anything else is a user error too.
 */
export async function openStore(project: string, options: RunStoreOptions = {}): Promise<RunStore> {
  const { createRunStore, isStoreError } = await import('../runtime/store/store.js');
  try {
    return createRunStore(project, options);
  } catch (error) {
    if (isStoreError(error)) throw error;
    throw new UserError((error as Error).message, 1);
  }
}
