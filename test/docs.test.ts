// The reference in docs/ is the project's own and stays current: the
// diagnostics page is what the catalogue generates, every key of every schema
// is in the format reference, every command's --help and options are in the
// CLI reference, and the README points at them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../src/cli/command.js';
import { diagnosticsMarkdown } from '../src/compiler/diagnostic-docs.js';
import { CATALOGUE } from '../src/compiler/diagnostic-messages.js';

const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Every property name a schema defines, at any depth. */
function schemaKeys(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => schemaKeys(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') for (const name of Object.keys(value)) out.add(name);
      schemaKeys(value, out);
    }
  }
  return out;
}

describe('docs/diagnostics.md', () => {
  it("is what the catalogue generates (run 'npm run docs' after changing an entry)", { timeout: 60_000 }, () => {
    expect(read('docs/diagnostics.md')).toBe(diagnosticsMarkdown());
  });
  it('has a heading, a hint and an example for every code', () => {
    const text = read('docs/diagnostics.md');
    for (const { code } of CATALOGUE) {
      const section = text.split(`\n### NNC${code}\n`)[1]?.split('\n### ')[0];
      expect(section, `NNC${code}`).toBeDefined();
      expect(section).toContain('**What to do:**');
      expect(section).toContain('**Example:**');
    }
  });
});

describe('docs/format.md', () => {
  const text = read('docs/format.md');
  // inline code outside the examples: a key is documented where the prose names it
  const code = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const schemas = readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json'));
  it('documents every key of every schema', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(6);
    const missing: string[] = [];
    for (const file of schemas) {
      for (const key of schemaKeys(JSON.parse(read(`schemas/${file}`)))) {
        if (!code.some((c) => new RegExp(`(^|[^\\w])${key}($|[^\\w])`).test(c))) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
  it('has a section for every kind', () => {
    for (const kind of ['Project', 'Tokens', 'Layers', 'Heads', 'Dataset', 'Sweep']) expect(text).toContain(`\n## ${kind}\n`);
  });
});

describe('docs/cli.md', () => {
  const text = read('docs/cli.md');
  const files = readdirSync(join(ROOT, 'src/cli/commands')).filter((f) => f.endsWith('.ts'));
  it("holds every command's --help as it prints it, and every option of every command", async () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const command = ((await import(`../src/cli/commands/${file}`)) as { default: Command }).default;
      const section = text.split(`\n## nnc ${command.name}\n`)[1]?.split('\n## ')[0];
      expect(section, `no section for nnc ${command.name} (run 'npm run build && npm run docs')`).toBeDefined();
      expect(section, `the help of nnc ${command.name} changed (run 'npm run build && npm run docs')`).toContain(command.help);
      for (const option of Object.keys(command.options)) expect(section, `nnc ${command.name} --${option}`).toContain(`--${option}`);
    }
  });
});

describe('README', () => {
  it('points at the reference in docs/, not at a spec users do not have', () => {
    const readme = read('README.md');
    for (const page of ['docs/format.md', 'docs/cli.md', 'docs/diagnostics.md']) expect(readme).toContain(page);
    expect(readme).not.toMatch(/FORMAT\.md|CLI\.md/);
  });
  it('no comment in src/ points at FORMAT.md or CLI.md', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.(ts|mjs|js)$/.test(e.name) ? [join(dir, e.name)] : []));
    const stale = walk(join(ROOT, 'src')).filter((f) => /\b(FORMAT|CLI)\.md\b/.test(readFileSync(f, 'utf8')));
    expect(stale).toEqual([]);
  });
});
