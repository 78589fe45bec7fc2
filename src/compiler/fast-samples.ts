// A fast path for big inline datasets. The yaml library spends ~70 µs per
// flow mapping (lex, CST, compose), so 100,000 inline samples take seconds.
// Most big sample lists are one flow mapping per line; this reads exactly
// that shape (bare or quoted keys; quoted, numeric, boolean, null or plain
// scalars; flat lists of those) and gives up on anything else, in which case
// the whole file goes through the yaml library as usual.

export interface FastSamples {
  /** index of the first sample line (0-based line number) */
  readonly firstLine: number;
  readonly values: Record<string, unknown>[];
  /** 0-based line of each sample */
  readonly lines: number[];
  /** the text with the sample lines blanked and `samples:` replaced by `samples: []`, same line count */
  readonly text: string;
}

/** Below this size the yaml library is fast enough. */
export const FAST_PATH_MIN_BYTES = 200_000;

const ITEM = /^( +)- \{(.*)\}[ \t]*$/;

export function extractFastSamples(text: string): FastSamples | null {
  if (text.length < FAST_PATH_MIN_BYTES || text.includes('\r') || /^---/m.test(text.slice(4))) return null;
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^samples:[ \t]*$/.test(l));
  if (header < 0) return null;
  const values: Record<string, unknown>[] = [];
  const at: number[] = [];
  let indent: string | null = null;
  let i = header + 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const m = ITEM.exec(line);
    if (!m) {
      if (/^\S/.test(line)) break; // the next top-level key ends the list
      return null;
    }
    if (indent === null) indent = m[1];
    else if (m[1] !== indent) return null;
    const value = parseFlowMapping(m[2]);
    if (!value) return null;
    values.push(value);
    at.push(i);
  }
  if (values.length === 0) return null;
  const out = lines.slice();
  out[header] = 'samples: []';
  for (const n of at) out[n] = '';
  return { firstLine: at[0], values, lines: at, text: out.join('\n') };
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const PLAIN = /^[^\s"'[\]{},:#&*!|>%@`][^,[\]{}#]*$/;

function parseFlowMapping(body: string): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let pos = 0;
  const n = body.length;
  const skip = () => {
    while (pos < n && (body[pos] === ' ' || body[pos] === '\t')) pos++;
  };
  while (true) {
    skip();
    if (pos >= n) break;
    const quotedKey = body[pos] === '"' || body[pos] === "'";
    const key = readScalar(true);
    if (key === undefined || typeof key !== 'string') return null;
    skip();
    if (body[pos] !== ':') return null;
    pos++;
    // YAML needs a space after ':' unless the key is quoted (JSON style: {"a":1})
    if (body[pos] !== ' ' && !quotedKey) return null;
    skip();
    let value: unknown;
    if (body[pos] === '[') {
      pos++;
      const list: unknown[] = [];
      skip();
      if (body[pos] === ']') pos++;
      else {
        while (true) {
          skip();
          const item = readScalar(false);
          if (item === undefined) return null;
          list.push(item);
          skip();
          if (body[pos] === ',') {
            pos++;
            continue;
          }
          if (body[pos] === ']') {
            pos++;
            break;
          }
          return null;
        }
      }
      value = list;
    } else {
      value = readScalar(false);
      if (value === undefined) return null;
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) return null; // duplicate keys: let yaml report them
    out[key] = value;
    skip();
    if (pos >= n) break;
    if (body[pos] !== ',') return null;
    pos++;
  }
  return out;

  function readScalar(isKey: boolean): unknown {
    const c = body[pos];
    if (c === '"') {
      let end = pos + 1;
      while (end < n && body[end] !== '"') end += body[end] === '\\' ? 2 : 1;
      if (end >= n) return undefined;
      const raw = body.slice(pos, end + 1);
      pos = end + 1;
      // YAML double quotes share JSON's escapes for everything nnc data uses; anything else falls back
      if (/\\[^"\\/bfnrtu]/.test(raw)) return undefined;
      try {
        return JSON.parse(raw);
      } catch {
        return undefined;
      }
    }
    if (c === "'") {
      let end = pos + 1;
      let s = '';
      while (end < n) {
        if (body[end] === "'") {
          if (body[end + 1] === "'") {
            s += "'";
            end += 2;
            continue;
          }
          break;
        }
        s += body[end++];
      }
      if (end >= n) return undefined;
      pos = end + 1;
      return s;
    }
    // plain scalar: up to ',' or the end (or ':' for a key, ']' inside a list)
    let end = pos;
    while (end < n && body[end] !== ',' && body[end] !== ']' && !(isKey && body[end] === ':') && !(body[end] === ':' && body[end + 1] === ' ')) end++;
    const raw = body.slice(pos, end).trimEnd();
    if (raw === '' || !PLAIN.test(raw)) return undefined;
    pos = end;
    if (isKey) return raw;
    if (NUMBER.test(raw)) return Number(raw);
    if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true;
    if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false;
    if (raw === 'null' || raw === 'Null' || raw === 'NULL' || raw === '~') return null;
    if (/^[-+]?(\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$|^0[xo]/.test(raw)) return undefined; // rare YAML forms: let yaml decide
    return raw;
  }
}
