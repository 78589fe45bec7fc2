// Input limits: sizes no real project reaches, so that a pathological file
// (a 10 MB line of classes, 100,000 heads, a symlink to /dev/zero) ends in a
// diagnostic within a second or two instead of minutes and gigabytes. Every
// limit that is hit is reported; nothing is cut silently.
import type { Diagnostic } from './diagnostics.js';

/** A YAML file larger than this is not read (the example projects' files are a few KiB). */
export const YAML_FILE_MAX_BYTES = 16 * 1024 * 1024;
/** A dataset source (JSONL, JSON, CSV) larger than this is not read: about 3 million 88-byte records. */
export const DATA_FILE_MAX_BYTES = 256 * 1024 * 1024;
/** A project with more YAML files than this is not read. */
export const YAML_MAX_FILES = 10_000;
/**
 * Lines plus flow items ('[', '{', ',') the YAML parser may see in one file, and
 * in a whole project. The parser costs about 15 µs per item, so 100,000 items
 * take about a second and a half. Big inline sample lists written one flow
 * mapping per line do not count: the fast path reads them (fast-samples.ts).
 */
export const YAML_MAX_ITEMS_PER_FILE = 100_000;
export const YAML_MAX_ITEMS_PER_PROJECT = 250_000;
/** A value quoted in a message longer than this is cut, with its full length stated. */
export const MESSAGE_VALUE_MAX_CHARS = 100;
/** What is left of a cut value. */
const CUT_VALUE_KEEP_CHARS = 40;
/** A message (or note) longer than this after cutting values is cut as a whole. */
export const MESSAGE_MAX_CHARS = 2000;

/** Lines and flow items in YAML text, as the parser would see them: a cheap upper bound of its work. */
export function countYamlItems(text: string): number {
  let count = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44 || c === 91 || c === 123) count++; // \n , [ {
  }
  return count;
}

/** 16777216 -> '16 MiB', 1536 -> '1.5 KiB' */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes.toLocaleString('en-US')} bytes` : `${Number(value.toFixed(1)).toLocaleString('en-US')} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Where the quoted value opened at `open` ends, or -1. A `'` closes when no letter follows it (it's, datasets' are apostrophes). */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote && (quote === '"' || !isWordChar(text[i + 1]))) return i;
  }
  return -1;
}

/** The next quote at or after `from` that can open a value: any '"', or a "'" with no letter before it. */
function openingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || (c === "'" && !isWordChar(text[i - 1]))) return i;
  }
  return -1;
}

/**
 * A message with every quoted value longer than MESSAGE_VALUE_MAX_CHARS cut:
 * "'aaaa…' (10,485,760 characters)". Then, if still too long, the message is
 * cut as a whole. Linear in the message's length.
 */
export function boundMessage(message: string): string {
  if (message.length <= MESSAGE_VALUE_MAX_CHARS) return message;
  let out = '';
  let pos = 0;
  while (pos < message.length) {
    const open = openingQuote(message, pos);
    if (open < 0) break;
    const close = closingQuote(message, open);
    if (close < 0) break; // no later quote of this kind closes either
    const value = message.slice(open + 1, close);
    const quote = message[open];
    out += message.slice(pos, open + 1);
    out += value.length > MESSAGE_VALUE_MAX_CHARS ? `${value.slice(0, CUT_VALUE_KEEP_CHARS)}…${quote} (${formatCount(value.length)} characters)` : `${value}${quote}`;
    pos = close + 1;
  }
  out += message.slice(pos);
  if (out.length <= MESSAGE_MAX_CHARS) return out;
  return `${out.slice(0, MESSAGE_MAX_CHARS)}… (cut: the message has ${formatCount(out.length)} characters).`;
}

/** A diagnostic whose message, notes and suggestion hold no value longer than the limits above. */
export function boundDiagnostic(d: Diagnostic): Diagnostic {
  const message = boundMessage(d.message);
  const notes = d.notes?.map(boundMessage);
  const changed = message !== d.message || notes?.some((n, i) => n !== d.notes![i]) || (d.suggestion?.length ?? 0) > MESSAGE_MAX_CHARS;
  if (!changed) return d;
  const { suggestion, ...rest } = d;
  // a cut suggestion would be wrong text to insert: leave it out
  return { ...rest, message, ...(notes ? { notes } : {}), ...(suggestion !== undefined && suggestion.length <= MESSAGE_MAX_CHARS ? { suggestion } : {}) };
}
