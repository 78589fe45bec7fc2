// Printing a compile result's diagnostics the same way in every command.
import type { CompileResult } from '../compiler/index.js';
import { diagnosticsToJson, formatDiagnostics } from '../compiler/format.js';

/** `sources`: texts beside the result's files to draw code frames from (the --set arguments' pseudo-files). */
export function printDiagnostics(
  result: Pick<CompileResult, 'diagnostics' | 'files'>,
  options: { json?: boolean; stream?: NodeJS.WriteStream; sources?: Iterable<readonly [string, string]> } = {},
): void {
  const stream = options.stream ?? process.stdout;
  if (options.json) {
    stream.write(JSON.stringify(diagnosticsToJson(result.diagnostics, process.cwd()), null, 2) + '\n');
    return;
  }
  if (result.diagnostics.length === 0) return;
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const sources = tty ? new Map([...result.files.map((f) => [f.path, f.text] as const), ...(options.sources ?? [])]) : undefined;
  stream.write(formatDiagnostics(result.diagnostics, { cwd: process.cwd(), sources, color: tty }) + '\n');
}
