// A thin CLI (tsup's cli-default, citty's defineCommand): one file per command,
// each a small object; the dispatcher in cli.ts parses its flags (parse-command-line.ts).
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

export interface Command {
  readonly name: string;
  /**
   * usage line, option descriptions and an `Exit code:` line for `nnc <name> --help`
   * (its one-line summary for `nnc --help` sits in cli.ts, so `nnc --help` loads no command)
   */
  readonly help: string;
  readonly options: OptionSpec;
  /** resolves to the exit code: 0 ok, 1 errors in the project, 2 bad command line */
  run(args: ParsedArgs): Promise<number>;
}

/** A mistake of the user's: printed without a stack, exit code 2 unless given. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

export function defineCommand(command: Command): Command {
  return command;
}
