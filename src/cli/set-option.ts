// `--set <path>=<value>` (repeatable) for train, build and check: each
// argument parsed into an override (compiler/overrides.ts) or a diagnostic
// in its '<--set n>' pseudo-file, printed with the argument as its code frame.
import type { CompileResult } from '../compiler/index.js';
import { parseSetArgument, setArgumentFile, type Override } from '../compiler/overrides.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import type { OptionSpec } from './command.js';
import { printDiagnostics } from './print-diagnostics.js';

export const SET_OPTION: OptionSpec = { set: { type: 'string', multiple: true } };

/** The option's lines of a --help, its description starting at `column` (where the command's other descriptions start). */
export function setHelp(column: number): string {
  const text = "write a value over the project's YAML for this command only, as <path>=<value> (repeatable): training.learningRate=3e-3, layers.<layer>.units=64, heads.<head>.weight=0.5, datasets.<dataset>.<key>=..., tokens.<key>=..., project.<key>=...; the value is YAML (=true, =[a, b]). Checked like the files; recorded in the plan and the run";
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && column + lines[last].length + 1 + word.length <= 78) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  const head = '  --set <override>'.padEnd(column);
  return lines.map((line, i) => (i === 0 ? head : ' '.repeat(column)) + line).join('\n');
}

export interface SetArguments {
  readonly overrides: Override[];
  readonly diagnostics: Diagnostic[];
  /** argument text by pseudo-file, for code frames */
  readonly sources: Map<string, string>;
}

export function parseSetOption(value: unknown): SetArguments {
  const args = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
  const overrides: Override[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  args.forEach((arg, i) => {
    const parsed = parseSetArgument(arg, i + 1);
    sources.set(setArgumentFile(i + 1), arg);
    if (parsed.override) overrides.push(parsed.override);
    diagnostics.push(...parsed.diagnostics);
  });
  return { overrides, diagnostics, sources };
}

/** Like printDiagnostics, with the --set arguments as sources of their code frames. */
export function printWithSetArguments(result: Pick<CompileResult, 'diagnostics' | 'files'>, set: SetArguments, options: { json?: boolean; stream?: NodeJS.WriteStream } = {}): void {
  printDiagnostics(result, { ...options, sources: set.sources });
}
