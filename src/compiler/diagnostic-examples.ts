// Runs a catalogue entry's example: the example project with the entry's
// files written over it, compiled in memory as `nnc check` compiles it
// (--set arguments and Sweep documents included). docs/diagnostics.md shows
// what this prints, and the catalogue test holds every example to its code.
import { compileSweep } from './check-sweep.js';
import type { Diagnostic } from './diagnostics.js';
import { EXAMPLE_PROJECT, type DiagnosticEntry } from './diagnostic-messages.js';
import { formatDiagnostic } from './format.js';
import { memoryHost } from './host.js';
import { compile } from './index.js';
import { parseSetArgument, type Override } from './overrides.js';

/** Where the example project is compiled; paths are shown relative to it. */
export const EXAMPLE_DIR = '/example';

/** The files of an entry's example project, or null when its example is a description only. */
export function exampleFiles(entry: DiagnosticEntry): Record<string, string> | null {
  const { files, set } = entry.example;
  if (!files && !set) return null;
  const merged: Record<string, string> = { ...EXAMPLE_PROJECT };
  for (const [path, text] of Object.entries(files ?? {})) {
    if (text === null) delete merged[path];
    else merged[path] = text;
  }
  return merged;
}

/** The diagnostics `nnc check` gives the example, or null when it has no files to compile. */
export function runExample(entry: DiagnosticEntry): Diagnostic[] | null {
  const files = exampleFiles(entry);
  if (!files) return null;
  const host = memoryHost(EXAMPLE_DIR, files);
  const overrides: Override[] = [];
  const diagnostics: Diagnostic[] = [];
  (entry.example.set ?? []).forEach((arg, i) => {
    const parsed = parseSetArgument(arg, i + 1);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.override) overrides.push(parsed.override);
  });
  if (diagnostics.length) return diagnostics;
  if (entry.example.sweep) return [...compileSweep(EXAMPLE_DIR, host).diagnostics];
  return [...compile(EXAMPLE_DIR, host, { overrides }).diagnostics];
}

/** The example's diagnostics of the entry's own code, as `nnc check` prints them (no code frame). */
export function exampleOutput(entry: DiagnosticEntry): string[] | null {
  const found = runExample(entry);
  if (!found) return null;
  return found.filter((d) => d.code === entry.code).map((d) => formatDiagnostic(d, { cwd: EXAMPLE_DIR }));
}
