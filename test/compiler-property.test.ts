// Thousands of random mutations of the example projects never make compile()
// throw, every diagnostic points inside the file it names, and no message
// quotes a long value in full.
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { memoryHost } from '../src/compiler/host.js';
import { MESSAGE_MAX_CHARS } from '../src/compiler/limits.js';

const ROOT = '/virtual/mutant';

function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, base, out);
    else if (/\.(ya?ml|jsonl|csv|json)$/.test(name) && statSync(path).size < 200_000) out[relative(base, path)] = readFileSync(path, 'utf8');
  }
  return out;
}

const projects = ['projects', 'test/fixtures']
  .flatMap((root) => readdirSync(root).map((n) => join(root, n)))
  .filter((p) => statSync(p).isDirectory() && readdirSync(p).some((f) => f.endsWith('.yaml')))
  .map((p) => ({ name: p, files: readTree(p) }));

type Mutation = (text: string, r: number, s: string) => string;
const lines = (t: string) => t.split('\n');
const MUTATIONS: Mutation[] = [
  (t, r) => { const l = lines(t); l.splice(Math.floor(r * l.length), 1); return l.join('\n'); }, // delete a line (a key)
  (t, r) => t.slice(0, Math.floor(r * t.length)), // truncated mid-save
  (t, r, s) => { const i = Math.floor(r * t.length); return t.slice(0, i) + s + t.slice(i); }, // random text inserted
  (t, r) => t.replace(/: (\S+)/g, (m, v, i) => (Math.abs(Math.sin(i + r * 1000)) < 0.3 ? `: ${/^\d/.test(v) ? '"' + v + '"' : '[1, 2]'}` : m)), // wrong types
  (t, r) => { const l = lines(t); const i = Math.floor(r * l.length); const j = Math.floor(((r * 7919) % 1) * l.length); [l[i], l[j]] = [l[j], l[i]]; return l.join('\n'); }, // swapped lines
  (t, r) => t.replace(/\n  /g, (m, i) => (Math.abs(Math.cos(i * r)) < 0.2 ? '\n\t' : m)), // tabs
  (t) => t.split('---').reverse().join('---'), // swapped documents
  (t, r) => t.replace(/\d+/g, (m, i) => (Math.abs(Math.sin(i + r)) < 0.3 ? String(-Number(m) * 1000) : m)), // out-of-range numbers
  (t, r, s) => { let n = 0; return t.replace(/: ([\w<>]+)/g, (m) => (n++ === Math.floor(r * 20) ? `: ${LONG_VALUE(s, r)}` : m)); }, // a huge value (pasted by mistake)
];

/** A value far over the length a message may quote; it may hold quotes and apostrophes. */
const LONG_VALUE = (s: string, r: number) => `x${s.replace(/[\n:#{}[\],&*!|>%@`-]/g, '')}`.padEnd(200 + Math.floor(r * 5000), "x'x x");

describe('compile() on mutated projects', () => {
  it('has projects to mutate', () => {
    expect(projects.length).toBeGreaterThanOrEqual(3);
  });
  it('never throws, and every diagnostic is inside its file', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: projects.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: MUTATIONS.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 3 }),
        (p, mutations) => {
          const files = { ...projects[p].files };
          const names = Object.keys(files);
          for (const [f, m, r, s] of mutations) {
            const name = names[f % names.length];
            files[name] = MUTATIONS[m](files[name], r, s);
          }
          const result = compile(ROOT, memoryHost(ROOT, files));
          for (const d of result.diagnostics) {
            const rel = relative(ROOT, d.file);
            const text = files[rel];
            expect(text, `${d.file} is a file of the project`).toBeDefined();
            const fileLines = text.split('\n');
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.line).toBeLessThanOrEqual(Math.max(1, fileLines.length));
            expect(d.column).toBeGreaterThanOrEqual(1);
            expect(d.column).toBeLessThanOrEqual((fileLines[d.line - 1] ?? '').length + 1);
            expect(d.message).toMatch(/[.?]$/);
            // a long value is quoted cut ('xxxx…' (5,000 characters)), never in full
            expect(d.message.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS + 100);
            expect(d.message).not.toMatch(/x{150}/);
          }
        },
      ),
      { numRuns: Number(process.env.NNC_PROPERTY_RUNS ?? 2000), seed: 42 },
    );
  });
});
