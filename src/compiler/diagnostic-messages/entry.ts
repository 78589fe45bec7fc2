// The shape of one catalogue entry (TypeScript's diagnosticMessages.json,
// esbuild's message ids): every code nnc reports is one entry, with its
// default severity, the sentence it prints, what to do, and its documentation
// (docs/diagnostics.md is generated from these entries: npm run docs).
import type { Severity } from '../diagnostics.js';

/** How to make the code appear, for the documentation and the catalogue test. */
export interface DiagnosticExample {
  /**
   * Files written over the example project (EXAMPLE_PROJECT; null removes a
   * file). `nnc check` on the result reports the code (test/diagnostic-catalogue.test.ts).
   */
  readonly files?: Readonly<Record<string, string | null>>;
  /** --set arguments given with the files */
  readonly set?: readonly string[];
  /** a sweep example: the code comes from the project's Sweep documents (nnc check, nnc sweep) */
  readonly sweep?: boolean;
  /** when the code cannot come from files alone (a symlink, a size limit, nnc import): what triggers it */
  readonly steps?: string;
}

export interface DiagnosticEntry {
  readonly code: number;
  /** the severity it is reported with (a few codes say when it differs in `doc`) */
  readonly severity: Severity;
  /** the message, with {named} parameters; messages of one code vary in their details */
  readonly message: string;
  /** what to do about it, one sentence */
  readonly hint: string;
  /** what the check is for, a sentence or two */
  readonly doc: string;
  readonly example: DiagnosticExample;
}

export function entry(code: number, severity: Severity, message: string, hint: string, doc: string, example: DiagnosticExample): DiagnosticEntry {
  return { code, severity, message, hint, doc, example };
}
