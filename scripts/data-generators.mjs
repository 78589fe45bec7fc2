// What the dataset generators (projects/*/generate.mjs, test/fixtures/*/generate.mjs)
// share: a fixed-seed PRNG with the draws built on it, and the JSONL and CSV
// writers. Every draw goes through the one stream a generator seeds, so the
// data files only stay byte-identical while each generator keeps its seed and
// the order of its draws.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Mulberry32: a small, fast 32-bit PRNG, the same on every run for one seed.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {object} Draws
 * @property {() => number} random uniform in [0, 1)
 * @property {(lo: number, hi: number) => number} uniform uniform in [lo, hi)
 * @property {() => number} gaussian standard normal (Box-Muller, two draws)
 * @property {(lo: number, hi: number) => number} int integer in [lo, hi], both ends included
 * @property {(p: number) => boolean} chance true with probability p
 * @property {<T>(list: readonly T[]) => T} pick one item of list
 * @property {<T>(list: T[]) => T[]} shuffle shuffles list in place (Fisher-Yates) and returns it
 */

/**
 * The draws a generator makes, all from one mulberry32 stream seeded with `seed`.
 * @param {number} seed
 * @returns {Draws}
 */
export function createDraws(seed) {
  const random = mulberry32(seed);
  return {
    random,
    uniform: (lo, hi) => lo + (hi - lo) * random(),
    gaussian() {
      const u = 1 - random();
      const v = random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int: (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)),
    chance: (p) => random() < p,
    pick: (list) => list[Math.floor(random() * list.length)],
    shuffle(list) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
}

/**
 * Calls `make` until `count` rows with distinct `input`s (or 50 tries per row), so
 * no text lands in both the training and the validation split.
 * @template {{ input: string }} Row
 * @param {number} count
 * @param {() => Row} make
 * @returns {Row[]}
 */
export function distinct(count, make) {
  const seen = new Set();
  const rows = [];
  for (let tries = 0; rows.length < count && tries < count * 50; tries++) {
    const row = make();
    if (seen.has(row.input)) continue;
    seen.add(row.input);
    rows.push(row);
  }
  return rows;
}

/**
 * The `datasets` folder beside the generator whose `import.meta.url` is given.
 * @param {string} moduleUrl
 * @returns {string}
 */
export function datasetsDir(moduleUrl) {
  return join(dirname(fileURLToPath(moduleUrl)), 'datasets');
}

/**
 * Writes one JSON object a line, with a final newline.
 * @param {string} path
 * @param {readonly unknown[]} rows
 */
export function writeJsonl(path, rows) {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** @param {string} s */
const csvCell = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Writes a CSV file: a header line of `columns`, then one line a row with those
 * fields, quoted only when they hold a quote, a comma or a newline.
 * @param {string} path
 * @param {readonly string[]} columns
 * @param {readonly Record<string, string | number>[]} rows
 */
export function writeCsv(path, columns, rows) {
  /** @param {readonly (string | number)[]} cells */
  const line = (cells) => cells.map((cell) => csvCell(String(cell))).join(',');
  writeFileSync(path, [line(columns), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\n') + '\n');
}
