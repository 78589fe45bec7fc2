// Log lines held by the viewer: merging live lines, filtering and collapsing
// repeats for display. Pure functions over LogView arrays.
import type { LogView } from '../shared/protocol.js';
import type { SampleEntry } from '../shared/sample-entry.js';

export type Level = LogView['level'];
export const LEVELS: readonly Level[] = ['debug', 'info', 'warning', 'error'];

export interface LogFilter {
  /** this level and above */
  readonly level: Level;
  /** case-insensitive substring of the message or category */
  readonly q: string;
  readonly showSpam: boolean;
}

const sameLine = (a: LogView, b: LogView) =>
  a.message === b.message && a.level === b.level && a.category === b.category && a.runId === b.runId && a.spam === b.spam;

/**
 * Adds one live line: replaces a line with the same id (the server re-sends a
 * collapsed line with its new count), or bumps the count of the latest line of
 * the same kind (spam or not) when it is identical, or appends. Keeps at most
 * `cap` lines. Returns a new array.
 */
export function mergeLog(lines: readonly LogView[], log: LogView, cap = 5000): LogView[] {
  const out = lines.slice();
  for (let i = out.length - 1; i >= Math.max(0, out.length - 200); i--) {
    if (out[i].id === log.id && log.id > 0) {
      out[i] = log;
      return out;
    }
  }
  for (let i = out.length - 1; i >= Math.max(0, out.length - 50); i--) {
    if (out[i].spam !== log.spam) continue;
    if (sameLine(out[i], log)) {
      out[i] = { ...out[i], count: out[i].count + Math.max(1, log.count), time: log.time };
      return out;
    }
    break;
  }
  out.push(log);
  return out.length > cap ? out.slice(out.length - cap) : out;
}

/** The lines to show, oldest first, with identical neighbours collapsed into one with a summed count. */
export function visibleLogs(lines: readonly LogView[], filter: LogFilter): LogView[] {
  const min = LEVELS.indexOf(filter.level);
  const q = filter.q.trim().toLowerCase();
  const out: LogView[] = [];
  for (const line of lines) {
    if (LEVELS.indexOf(line.level) < min) continue;
    if (line.spam && !filter.showSpam) continue;
    if (q && !line.message.toLowerCase().includes(q) && !line.category.toLowerCase().includes(q)) continue;
    const prev = out[out.length - 1];
    if (prev && sameLine(prev, line)) out[out.length - 1] = { ...prev, count: prev.count + line.count, time: line.time };
    else out.push(line);
  }
  return out;
}

/** The payload of a `samples` log line, as the wire carries it. */
export type LoggedSample = SampleEntry;

export const SAMPLES_KIND = 'samples';

/** A `samples` line's payload with its run, or null for any other line (or a payload that does not parse). */
export function sampleOf(line: LogView): (LoggedSample & { readonly runId: string | null }) | null {
  if (line.category !== SAMPLES_KIND) return null;
  try {
    const s = JSON.parse(line.message) as LoggedSample;
    return typeof s === 'object' && s !== null && typeof s.sample === 'number' && typeof s.step === 'number' && s.output ? { ...s, runId: line.runId } : null;
  } catch {
    return null;
  }
}

/** One sample of one run across steps, oldest first (a step logged twice keeps its last entry). */
export function sampleHistory(lines: readonly LogView[], runId: string | null, sample: number): LoggedSample[] {
  const bySteps = new Map<number, LoggedSample>();
  for (const line of lines) {
    const s = sampleOf(line);
    if (s && s.sample === sample && (runId === null || s.runId === runId)) bySteps.set(s.step, s);
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

/** The samples a run logged (number, head, input), in number order. */
export function loggedSamples(lines: readonly LogView[], runId: string | null): LoggedSample[] {
  const first = new Map<number, LoggedSample>();
  for (const line of lines) {
    const s = sampleOf(line);
    if (s && (runId === null || s.runId === runId) && !first.has(s.sample)) first.set(s.sample, s);
  }
  return [...first.values()].sort((a, b) => a.sample - b.sample);
}

export function sampleValueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

export function sampleOutputText(s: LoggedSample): string {
  const o = s.output;
  if ('class' in o) return `${o.class} (p ${o.probability.toFixed(3)})`;
  if ('value' in o) return sampleValueText(o.value);
  return o.text;
}

/** true/false where the output can be right or wrong (a class, a text), null for a value */
export function sampleCorrect(s: LoggedSample): boolean | null {
  const o = s.output;
  if ('class' in o) return o.class === s.expected;
  if ('text' in o) return o.text === s.expected;
  return null;
}
