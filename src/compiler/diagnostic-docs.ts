// The catalogue as documentation: docs/diagnostics.md (written by
// `npm run docs`, kept current by test/docs.test.ts) and the text
// `nnc check --explain NNC3002` prints. Each example is compiled, so the
// output shown is what nnc prints today.
import { CATALOGUE, docsPath, EXAMPLE_PROJECT, messageEntry, type DiagnosticEntry } from './diagnostic-messages.js';
import { exampleOutput } from './diagnostic-examples.js';

const RANGES: ReadonlyArray<readonly [number, string, string]> = [
  [1000, 'NNC1xxx: YAML syntax and reading files', 'The file could not be read, or its YAML could not be parsed. Nothing after this stage runs for that file.'],
  [2000, 'NNC2xxx: schema', "A document does not fit the JSON Schema of its kind (schemas/*.schema.json), or a --set argument is malformed. The editor's YAML extension shows most of these as you type."],
  [3000, 'NNC3xxx: semantics and shapes', 'Names, references, shapes, tasks, training settings, sweeps, plugins and nnc import: what the schema cannot see.'],
  [4000, 'NNC4xxx: data files', "A dataset's source file: reading it, and the records in it. Errors in a record point at the record's line in the data file."],
];

function exampleFilesText(entry: DiagnosticEntry): string[] {
  const out: string[] = [];
  for (const [path, text] of Object.entries(entry.example.files ?? {})) {
    if (text === null) out.push(`Remove \`${path}\`.`, '');
    else out.push('```yaml', `# ${path}`, text.trimEnd(), '```', '');
  }
  return out;
}

function entryMarkdown(entry: DiagnosticEntry): string[] {
  const lines = [`### NNC${entry.code}`, '', `**${entry.severity}** · ${entry.message.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`, '', entry.doc, '', `**What to do:** ${entry.hint}`, ''];
  const output = exampleOutput(entry);
  if (output === null) {
    lines.push(`**Example:** ${entry.example.steps ?? 'see above'}.`, '');
    return lines;
  }
  const sweep = entry.example.sweep ? ' (a Sweep document: `nnc check` and `nnc sweep` check it)' : '';
  lines.push(`**Example:** the example project with${entry.example.files ? ' these changes' : ''}${sweep}:`, '');
  lines.push(...exampleFilesText(entry));
  if (entry.example.set) lines.push(`and \`${entry.example.set.map((s) => `--set ${s}`).join(' ')}\`:`, '');
  lines.push('`nnc check` prints:', '', '```', ...output, '```', '');
  return lines;
}

/** docs/diagnostics.md */
export function diagnosticsMarkdown(): string {
  const lines = [
    '<!-- Generated from src/compiler/diagnostic-messages/ by `npm run docs`; edit the catalogue, not this file. -->',
    '# Diagnostics',
    '',
    'Every problem nnc finds in a project is a diagnostic: one line with where it is and what to do,',
    'then, on a terminal, a code frame and any related locations:',
    '',
    '```',
    "datasets/reviews.jsonl:3:1 - error NNC4005: Record 2 of 'reviews.jsonl' has no 'label'; a 'binary_classification' sample needs 'input' and 'label'. Fix the record or change the dataset's type.",
    "  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.jsonl'",
    '```',
    '',
    '`<path>:<line>:<column> - <error|warning|info> NNC<code>: <message>`, with paths relative to the',
    'current folder. `nnc check` exits 0 when there are no errors (warnings and infos only), 1 with',
    'errors, 2 on a bad command line. `nnc check --format json` prints the same diagnostics as a JSON',
    'array: `code`, `codeName`, `severity`, `message`, `file`, `line`, `column`, `length`, and when',
    'present `suggestion`, `notes`, `related` (a list of `{file, line, column, message}`) and `docs`',
    '(the path of the entry below, such as `docs/diagnostics.md#nnc3002`). `nnc check --explain NNC3002`',
    'prints one entry in the terminal.',
    '',
    'The examples below change this small project (the one the test suite starts from):',
    '',
  ];
  for (const [path, text] of Object.entries(EXAMPLE_PROJECT)) lines.push('```yaml', `# ${path}`, text.trimEnd(), '```', '');
  lines.push('Codes are stable: a code keeps its meaning, and a retired code is not reused.', '');
  for (const [start, title, about] of RANGES) {
    lines.push(`## ${title}`, '', about, '');
    for (const entry of CATALOGUE.filter((e) => e.code >= start && e.code < start + 1000)) lines.push(...entryMarkdown(entry));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** What `nnc check --explain <code>` prints; null for a code nnc does not have. */
export function explainCode(code: number): string | null {
  const entry = messageEntry(code);
  if (!entry) return null;
  const lines = [`NNC${entry.code} (${entry.severity})`, '', entry.message, '', entry.doc, '', `What to do: ${entry.hint}`, ''];
  const output = exampleOutput(entry);
  if (output === null) lines.push(`Example: ${entry.example.steps ?? ''}.`, '');
  else {
    lines.push('Example, in the small project of docs/diagnostics.md:', '');
    for (const [path, text] of Object.entries(entry.example.files ?? {})) lines.push(text === null ? `  (${path} removed)` : `  # ${path}\n${text.trimEnd().replace(/^/gm, '  ')}`, '');
    if (entry.example.set) lines.push(`  ${entry.example.set.map((s) => `--set ${s}`).join(' ')}`, '');
    lines.push(...output.map((l) => `  ${l.replace(/\n/g, '\n  ')}`), '');
  }
  lines.push(`More: ${docsPath(entry.code)} in the nnc package.`);
  return lines.join('\n');
}
