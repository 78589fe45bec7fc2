// A command's arguments, checked against its options with messages in nnc's
// voice: node's parseArgs finds the tokens, this says what is wrong and what to
// do (`Did you mean '--format'?`), without parseArgs's own wording.
import { parseArgs } from 'node:util';
import { suggest } from '../compiler/suggest.js';
import { UserError, type OptionSpec, type ParsedArgs } from './command.js';

/** `--out <dir>` as the command's help writes it, else `--out <value>`. */
function usageOf(name: string, help: string): string {
  const shown = help.match(new RegExp(`--${name}[ =](<[^>]+>|[a-z|]+)`))?.[1];
  return `--${name} ${shown ?? '<value>'}`;
}

function candidateFor(word: string, names: readonly string[]): string | undefined {
  const bare = word.replace(/^-+/, '');
  // a unique option that starts with what was typed ('--form' -> '--format'), else the closest spelling
  const prefixed = bare.length >= 2 ? names.filter((n) => n.startsWith(bare)) : [];
  return prefixed.length === 1 ? prefixed[0] : suggest(bare, names);
}

/**
 * Parses `args` for the command `command`; throws a UserError (exit code 2)
 * naming the option at fault: unknown (with the closest known one), missing
 * its value, or given a value it does not take.
 */
export function parseCommandLine(command: string, args: readonly string[], options: OptionSpec, help: string): ParsedArgs {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  const names = [...Object.keys(options), 'help'];
  const fail = (sentence: string) => new UserError(`${sentence} Run 'nnc ${command} --help' for its options.`);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) {
      const written = args[token.index]!;
      const shown = written.startsWith('--') ? written.split('=')[0]! : written;
      if (/^-\d/.test(written)) {
        throw fail(`unknown option '${shown}'. Put an argument that starts with '-' after '--', as in 'nnc ${command} ... -- ${written}'.`);
      }
      const close = candidateFor(token.name, names);
      throw fail(`unknown option '${shown}'. ${close ? `Did you mean '--${close}'?` : `Its options: ${names.map((n) => `'--${n}'`).join(', ')}.`}`);
    }
    if (spec.type === 'string') {
      if (token.value === undefined) throw fail(`option '${token.rawName}' needs a value: '${usageOf(token.name, help)}'.`);
      if (!token.inlineValue && token.value.startsWith('-') && token.value.length > 1) {
        throw fail(`option '${token.rawName}' needs a value, but the next argument is '${token.value}'. Write '${usageOf(token.name, help)}' (a value that starts with '-' as '--${token.name}=${token.value}').`);
      }
    } else if (token.value !== undefined) {
      throw fail(`option '${token.rawName}' takes no value; write '${token.rawName}' alone.`);
    }
  }
  // every mistake is reported above; the strict parse applies the defaults and repeated options as usual
  return parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as ParsedArgs;
}
