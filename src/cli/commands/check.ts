import { compile } from '../../compiler/index.js';
import { hasErrors } from '../../compiler/diagnostics.js';
import { summarize } from '../../compiler/format.js';
import { defineCommand, UserError } from '../command.js';
import { projectDir } from '../project-dir.js';
import { checkSweeps } from '../../compiler/check-sweep.js';
import { sortDiagnostics } from '../../compiler/diagnostics.js';
import { parseSetOption, printWithSetArguments, SET_OPTION, setHelp } from '../set-option.js';
import { explainCode } from '../../compiler/diagnostic-docs.js';
import { CATALOGUE } from '../../compiler/diagnostic-messages.js';

/** `nnc check --explain NNC3002`: the catalogue entry, with its example's real output. */
function explain(code: string, positionals: number): number {
  if (positionals > 0) throw new UserError('--explain takes a code, not a project folder: nnc check --explain NNC3002.');
  const number = /^(?:nnc)?(\d{4})$/i.exec(code.trim())?.[1];
  const text = number ? explainCode(Number(number)) : null;
  if (text === null) {
    const near = number ? CATALOGUE.filter((e) => Math.floor(e.code / 10) === Math.floor(Number(number) / 10)).map((e) => `NNC${e.code}`) : [];
    throw new UserError(`'${code}' is not a diagnostic code of nnc.${near.length ? ` Codes near it: ${near.join(', ')}.` : ''} Codes look like NNC3002 (1xxx YAML, 2xxx schema, 3xxx semantics, 4xxx data); docs/diagnostics.md lists them all.`);
  }
  process.stdout.write(`${text}\n`);
  return 0;
}

export default defineCommand({
  name: 'check',
  help: `Usage: nnc check [project] [--format text|json]
       nnc check --explain <code>

Compiles the project (default: the current folder) and prints one line per
diagnostic: <file>:<line>:<col> - <severity> NNC<code>: <message>
On a terminal each line is followed by a code frame.

Options:
  --format text|json  json prints the diagnostics as a JSON array
  --explain <code>    print what a diagnostic code means, what to do, and an
                      example that causes it (NNC3002 or 3002); every code
                      is in docs/diagnostics.md
${setHelp(22)}
  -h, --help          show this help

Exit code: 0 clean or warnings only, 1 errors, 2 bad command line.`,
  options: { format: { type: 'string', default: 'text' }, explain: { type: 'string' }, ...SET_OPTION },
  async run({ values, positionals }) {
    if (values.explain !== undefined) return explain(String(values.explain), positionals.length);
    if (positionals.length > 1) throw new UserError(`expected at most one project folder, got ${positionals.length}.`);
    const format = values.format as string;
    if (format !== 'text' && format !== 'json') throw new UserError(`--format must be 'text' or 'json', not '${format}'.`);
    const dir = projectDir(positionals[0]);
    const started = performance.now();
    const set = parseSetOption(values.set);
    if (set.diagnostics.length) {
      printWithSetArguments({ diagnostics: set.diagnostics, files: [] }, set, { json: format === 'json' });
      return 2;
    }
    const compiled = compile(dir, undefined, { overrides: set.overrides });
    // Sweep documents: their paths, ranges and metric (nnc sweep --dry-run compiles every trial)
    const result = compiled.sweeps.length ? { ...compiled, diagnostics: sortDiagnostics([...compiled.diagnostics, ...checkSweeps(dir, compiled)]) } : compiled;
    printWithSetArguments(result, set, { json: format === 'json' });
    if (format === 'text' && process.stderr.isTTY) {
      const ms = Math.round(performance.now() - started);
      process.stderr.write(`${result.plan ? '✓' : '✗'} ${positionals[0] ?? '.'}: ${summarize(result.diagnostics)} (${ms} ms)\n`);
    }
    return hasErrors(result.diagnostics) ? 1 : 0;
  },
});
