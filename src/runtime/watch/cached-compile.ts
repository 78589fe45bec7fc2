// The compiler for a watched project: the same stages as compile()
// (src/compiler/index.ts), but a YAML file whose text did not change since the
// last compile is not parsed again: its documents are kept by content hash.
// Parsing is most of a small project's compile time, and a save usually
// touches one file. Every other stage runs as in compile(), so the plan and
// diagnostics are the same (test/watch-compile.test.ts checks that).
import { createHash } from 'node:crypto';
import { check } from '../../compiler/check.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics.js';
import type { CompilerHost } from '../../compiler/host.js';
import type { CompileResult } from '../../compiler/index.js';
import { loadSource, type LoadedDocument, type LoadResult, type SourceFile } from '../../compiler/load.js';
import { lower } from '../../compiler/lower.js';
import type { Plan } from '../../compiler/plan.js';
import { validate } from '../../compiler/validate.js';
import { join, resolve } from 'node:path';
import { createCachingHost } from './cached-host.js';

type Parsed = ReturnType<typeof loadSource>;

export interface ProjectCompiler {
  compile(): CompileResult;
  /** YAML files served from the parse cache in the last compile */
  readonly reused: number;
}

export function createProjectCompiler(projectDir: string, host: CompilerHost = createCachingHost()): ProjectCompiler {
  const dir = resolve(projectDir);
  // relPath -> the last parse of that file, keyed by a hash of its text
  const parses = new Map<string, { hash: string; parsed: Parsed }>();
  let reused = 0;

  function load(): LoadResult {
    const files: SourceFile[] = [];
    const documents: LoadedDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    reused = 0;
    for (const relPath of host.listYamlFiles(dir)) {
      const path = host.resolve(dir, relPath);
      const read = host.readFile(path);
      if (typeof read !== 'string') {
        diagnostics.push({ code: 1008, severity: 'error', message: `Cannot read '${relPath}': ${read.error}. Check that the file exists and is readable.`, file: path, line: 1, column: 1, length: 1 });
        continue;
      }
      seen.add(relPath);
      const text = read.replace(/^\uFEFF/, '');
      const hash = createHash('sha1').update(path).update('\0').update(text).digest('hex');
      let entry = parses.get(relPath);
      if (entry?.hash === hash) reused++;
      else {
        entry = { hash, parsed: loadSource(relPath, path, text) };
        parses.set(relPath, entry);
      }
      const { file, documents: docs, diagnostics: diags } = entry.parsed;
      files.push(file);
      // later stages get their own copy of each plain value; the YAML nodes are only read
      documents.push(...docs.map((d) => ({ ...d, value: structuredClone(d.value) })));
      diagnostics.push(...diags);
    }
    for (const relPath of parses.keys()) if (!seen.has(relPath)) parses.delete(relPath);
    return { files, documents, diagnostics };
  }

  return {
    get reused() {
      return reused;
    },
    compile() {
      // mirrors compile() in src/compiler/index.ts, with load() above
      const timings: Record<string, number> = {};
      let t = performance.now();
      const lap = (name: string) => {
        const now = performance.now();
        timings[name] = now - t;
        t = now;
      };
      const loaded = load();
      lap('load');
      const diagnostics: Diagnostic[] = [...loaded.diagnostics];
      const fallbackFile = loaded.files[0]?.path ?? join(dir, 'nnc.yaml');
      if (loaded.files.length === 0 && loaded.diagnostics.length === 0) {
        diagnostics.push({ code: 1009, severity: 'error', message: `No YAML files were found in '${projectDir}'. Run 'nnc init ${projectDir}' to create a project, or give the path of a project folder.`, file: dir, line: 1, column: 1, length: 1 });
        return { plan: null, diagnostics, files: [], timings };
      }
      const validated = validate(loaded.documents);
      diagnostics.push(...validated.diagnostics);
      lap('validate');
      let plan: Plan | null = null;
      if (!hasErrors(diagnostics)) {
        const checked = check(dir, validated.documents, host, fallbackFile);
        diagnostics.push(...checked.diagnostics);
        lap('check');
        if (checked.checked && !hasErrors(diagnostics)) {
          plan = lower(checked.checked);
          lap('lower');
        }
      }
      return { plan, diagnostics: sortDiagnostics(diagnostics), files: loaded.files, timings };
    },
  };
}
