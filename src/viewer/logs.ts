// Log lines held by the viewer: merging live lines, filtering and collapsing
// repeats for display. Pure functions over LogView arrays.
import type { LogView } from '../shared/protocol.js';

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
