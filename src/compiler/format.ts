// Diagnostics as text (the line format of docs/format.md, "Diagnostics", plus
// an optional code frame and the related locations) and as JSON. Pure: takes
// the files' text, prints nothing.
import { relative, sep } from 'node:path';
import { docsPath, messageEntry } from './diagnostic-messages.js';
import type { Diagnostic, RelatedLocation } from './diagnostics.js';

export interface FormatOptions {
  /** paths are printed relative to this folder */
  readonly cwd: string;
  /** file text by absolute path, for code frames; omit for no frames */
  readonly sources?: ReadonlyMap<string, string>;
  readonly color?: boolean;
}

const ansi = (on: boolean) => ({
  red: (s: string) => (on ? `\x1b[31m${s}\x1b[39m` : s),
  yellow: (s: string) => (on ? `\x1b[33m${s}\x1b[39m` : s),
  cyan: (s: string) => (on ? `\x1b[36m${s}\x1b[39m` : s),
  dim: (s: string) => (on ? `\x1b[2m${s}\x1b[22m` : s),
  bold: (s: string) => (on ? `\x1b[1m${s}\x1b[22m` : s),
});

export function displayPath(file: string, cwd: string): string {
  if (file.startsWith('<')) return file; // a pseudo-file: '<--set 2>' (overrides.ts)
  const rel = relative(cwd, file);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** `path:line:col - error NNC3002: Message.` */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const c = ansi(options.color ?? false);
  const color = d.severity === 'error' ? c.red : d.severity === 'warning' ? c.yellow : c.cyan;
  const head = `${c.cyan(displayPath(d.file, options.cwd))}:${c.yellow(String(d.line))}:${c.yellow(String(d.column))} - ${color(d.severity)} ${c.dim(`NNC${d.code}`)}: ${d.message}`;
  const lines = [head];
  const text = options.sources?.get(d.file);
  if (text !== undefined) lines.push(codeFrame(text, d, c));
  for (const related of d.related ?? []) lines.push(`  ${c.dim('related:')} ${formatRelated(related, options.cwd)}`);
  for (const note of d.notes ?? []) lines.push(`  ${c.dim('note:')} ${note}`);
  return lines.join('\n');
}

/** `datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews'` */
export function formatRelated(r: RelatedLocation, cwd: string): string {
  return `${displayPath(r.file, cwd)}:${r.line}:${r.column} - ${r.message}`;
}

/** Characters of a line a code frame shows, and how many of them come before the column. */
const FRAME_WIDTH = 160;
const FRAME_LEAD = 60;

function codeFrame(text: string, d: Diagnostic, c: ReturnType<typeof ansi>): string {
  const all = text.split(/\r?\n/);
  const from = Math.max(1, d.line - 1);
  const lastLine = all[all.length - 1] === '' ? all.length - 1 : all.length;
  const to = Math.min(lastLine, d.line + 1);
  const width = String(to).length;
  const out: string[] = [''];
  // a long line (a 10 MB value) is shown as a window around the column, the same for every line of the frame
  const start = (all[d.line - 1] ?? '').length > FRAME_WIDTH ? Math.max(0, d.column - 1 - FRAME_LEAD) : 0;
  const shown = (line: string) => (start > 0 ? '…' : '') + line.slice(start, start + FRAME_WIDTH) + (line.length > start + FRAME_WIDTH ? '…' : '');
  for (let n = from; n <= to; n++) {
    const gutter = String(n).padStart(width);
    out.push(`${n === d.line ? c.bold('>') : ' '} ${c.dim(gutter + ' |')} ${shown(all[n - 1] ?? '')}`);
    if (n === d.line) {
      const pad = (start > 0 ? ' ' : '') + (all[n - 1] ?? '').slice(start, d.column - 1).replace(/[^\t]/g, ' ');
      const carets = Math.max(1, Math.min(d.length, FRAME_WIDTH - (d.column - 1 - start)));
      out.push(`  ${' '.repeat(width)} ${c.dim('|')} ${pad}${(d.severity === 'error' ? c.red : c.yellow)('^'.repeat(carets))}`);
    }
  }
  out.push('');
  return out.join('\n');
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  return diagnostics.map((d) => formatDiagnostic(d, options)).join('\n');
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  const parts = [[count('error'), 'error'], [count('warning'), 'warning'], [count('info'), 'info']]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}${n === 1 || w === 'info' ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no problems';
}

/**
 * JSON for machines: the same fields, paths relative to cwd, related locations
 * likewise, and where the code is documented (docs/diagnostics.md in the nnc
 * package; `nnc check --explain NNC<code>` prints the entry).
 */
export function diagnosticsToJson(diagnostics: readonly Diagnostic[], cwd: string): object[] {
  return diagnostics.map((d) => ({
    ...d,
    file: displayPath(d.file, cwd),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, file: displayPath(r.file, cwd) })) } : {}),
    codeName: `NNC${d.code}`,
    ...(messageEntry(d.code) ? { docs: docsPath(d.code) } : {}),
  }));
}
