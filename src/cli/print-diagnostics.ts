// Printing a compile result's diagnostics the same way in every command.
import type { CompileResult } from '../compiler/index.js';
import { diagnosticsToJson, formatDiagnostics } from '../compiler/format.js';

export function printDiagnostics(result: CompileResult, options: { json?: boolean; stream?: NodeJS.WriteStream } = {}): void {
  const stream = options.stream ?? process.stdout;
  if (options.json) {
    stream.write(JSON.stringify(diagnosticsToJson(result.diagnostics, process.cwd()), null, 2) + '\n');
    return;
  }
  if (result.diagnostics.length === 0) return;
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const sources = tty ? new Map(result.files.map((f) => [f.path, f.text])) : undefined;
  stream.write(formatDiagnostics(result.diagnostics, { cwd: process.cwd(), sources, color: tty }) + '\n');
}
