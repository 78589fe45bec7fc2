// The diagnostic catalogue: every code nnc reports, once, with its severity,
// message template, hint and documentation (TypeScript's
// diagnosticMessages.json, esbuild's message ids). Stages name an entry
// (`MESSAGES.shapeAssertion.code`) instead of writing a number;
// docs/diagnostics.md is generated from the entries (npm run docs), and
// test/diagnostic-catalogue.test.ts holds every code in src/ to it.
//
// Ranges: 1xxx YAML syntax and reading files, 2xxx schema (and --set),
// 3xxx semantics and shapes (304x-308x training settings, 309x plugins,
// 310x nnc import), 4xxx data files.
import { DATA_MESSAGES } from './diagnostic-messages/data.js';
import type { DiagnosticEntry } from './diagnostic-messages/entry.js';
import { PLUGIN_MESSAGES } from './diagnostic-messages/plugins.js';
import { SCHEMA_MESSAGES } from './diagnostic-messages/schema.js';
import { SEMANTIC_MESSAGES } from './diagnostic-messages/semantic.js';
import { TRAINING_MESSAGES } from './diagnostic-messages/training.js';
import { YAML_MESSAGES } from './diagnostic-messages/yaml.js';

export type { DiagnosticEntry, DiagnosticExample } from './diagnostic-messages/entry.js';
export { EXAMPLE_PROJECT } from './diagnostic-messages/example-project.js';

export const MESSAGES = {
  ...YAML_MESSAGES,
  ...SCHEMA_MESSAGES,
  ...SEMANTIC_MESSAGES,
  ...TRAINING_MESSAGES,
  ...PLUGIN_MESSAGES,
  ...DATA_MESSAGES,
} as const satisfies Record<string, DiagnosticEntry>;

export type MessageName = keyof typeof MESSAGES;

/** Every entry, by code. */
export const CATALOGUE: readonly DiagnosticEntry[] = Object.values(MESSAGES).sort((a, b) => a.code - b.code);

const BY_CODE = new Map(CATALOGUE.map((e) => [e.code, e]));

export function messageEntry(code: number): DiagnosticEntry | undefined {
  return BY_CODE.get(code);
}

/** Sample (and record) errors shown per dataset; the rest are counted in one more diagnostic. */
export const MAX_SAMPLE_ERRORS = 5;

/** Where a code is documented, relative to the package root (docs/diagnostics.md has one heading per code). */
export function docsPath(code: number): string {
  return `docs/diagnostics.md#nnc${code}`;
}

/** A template's {named} parameters filled in: fill('Layer {name}.', {name: "'x'"}) -> "Layer 'x'." */
export function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
