// The diagnostics of the last compile keep their `related` locations in the
// run store (stored-diagnostics.ts: in the notes column, no migration), and
// the viewer API serves them from there, as `nnc view --store` serves a
// shared store's: a real compile of a project with a duplicate layer name, a
// real SQLite store reopened, a real viewer server.
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import type { DiagnosticView } from '../src/shared/protocol.js';
import { createViewerServer } from '../src/runtime/server/server.js';
import { createStoredProject } from '../src/runtime/server/stored-project.js';
import { createRunStore } from '../src/runtime/store/store.js';
import { storePath } from '../src/runtime/store/paths.js';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { startPostgres } from './helpers/postgres.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-related-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function duplicateLayerProject(): string {
  const dir = join(tmp, `p${Math.random().toString(36).slice(2, 8)}`);
  cpSync('test/fixtures/tiny', dir, { recursive: true });
  const layers = join(dir, 'layers.yaml');
  writeFileSync(layers, readFileSync(layers, 'utf8') + '  - {name: pool,   type: dense, units: 4}\n');
  return dir;
}

describe('related locations of stored diagnostics', () => {
  it('are stored with the diagnostics and read back as they were', () => {
    const dir = duplicateLayerProject();
    const diagnostics = compile(dir).diagnostics;
    const withRelated = diagnostics.filter((d) => d.related?.length);
    expect(withRelated.length).toBeGreaterThan(0);
    expect(withRelated[0].related![0]).toMatchObject({ file: join(dir, 'layers.yaml'), line: 6 });

    const store = createRunStore(dir);
    store.saveDiagnostics(diagnostics);
    store.close();
    const reopened = createRunStore(dir, { readonly: true });
    try {
      expect(reopened.diagnostics()).toEqual(diagnostics);
    } finally {
      reopened.close();
    }
  });

  it('leave a diagnostic without them as before: its notes a JSON array, no related key', () => {
    const dir = duplicateLayerProject();
    const plain = { code: 3001, severity: 'error' as const, message: 'm.', file: join(dir, 'layers.yaml'), line: 2, column: 3, length: 4, notes: ['n1'] };
    const related = { ...plain, notes: ['n2'], related: [{ file: join(dir, 'nnc.yaml'), line: 1, column: 1, message: 'the first one' }] };
    const bare = { ...plain, code: 3002 };
    delete (bare as { notes?: string[] }).notes;
    const store = createRunStore(dir);
    store.saveDiagnostics([plain, related, bare]);
    store.close();
    const db = new Database(storePath(dir), { readonly: true });
    try {
      const columns = db.prepare<[], { notes: string | null }>('SELECT notes FROM diagnostics ORDER BY id').all().map((r) => r.notes);
      expect(columns).toEqual(['["n1"]', JSON.stringify({ notes: ['n2'], related: related.related }), null]);
    } finally {
      db.close();
    }
    const reopened = createRunStore(dir, { readonly: true });
    try {
      expect(reopened.diagnostics()).toEqual([plain, related, bare]);
      expect('related' in reopened.diagnostics()[0]).toBe(false);
    } finally {
      reopened.close();
    }
  });

  it('are served by /api/diagnostics with project-relative paths when the diagnostics come from the store', async () => {
    const dir = duplicateLayerProject();
    const diagnostics = compile(dir).diagnostics;
    const writer = createRunStore(dir);
    writer.saveDiagnostics(diagnostics);
    writer.close();
    const store = createRunStore(dir, { readonly: true });
    const project = createStoredProject(dir, 'demo');
    // a project whose diagnostics are the store's, as a shared store's project is served (shared-project.ts)
    const server = await createViewerServer({ projects: [{ ...project, diagnostics: () => store.diagnostics() }], port: 0, bundleDir: join(tmp, 'no-bundle') });
    try {
      const res = await fetch(new URL("/api/diagnostics", server.url));
      expect(res.status).toBe(200);
      const served = (await res.json()) as DiagnosticView[];
      const duplicate = served.find((d) => d.related?.length);
      const stored = diagnostics.find((d) => d.related?.length)!;
      expect(duplicate).toMatchObject({ code: stored.code, file: 'layers.yaml', line: stored.line, column: stored.column });
      expect(duplicate!.related).toEqual(stored.related!.map((r) => ({ file: 'layers.yaml', line: r.line, column: r.column, message: r.message })));
    } finally {
      await server.close();
      project.close();
      store.close();
    }
  });

  it('are stored in a shared PostgreSQL store too (skipped without a PostgreSQL server)', async (context) => {
    const started = await startPostgres();
    const server = started.server;
    if (!server) return context.skip(started.skip);
    try {
      const url = server.createDatabase(`related_${process.pid}`);
      const dir = duplicateLayerProject();
      const diagnostics = compile(dir).diagnostics;
      expect(diagnostics.some((d) => d.related?.length)).toBe(true);
      const writer = openSharedStore(dir, url);
      writer.saveDiagnostics(diagnostics);
      writer.close();
      const reader = openSharedStore(dir, url, { readonly: true });
      try {
        expect(reader.diagnostics()).toEqual(diagnostics);
      } finally {
        reader.close();
      }
    } finally {
      server.stop();
    }
  }, 120_000);
});
