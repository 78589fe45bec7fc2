// A plugin is code, and `nnc diff` runs in CI on pull requests, possibly from
// strangers: it runs no plugin of either side unless --trust-plugins is given.
// Untrusted, each side's plugins are read and hashed but not run (their
// entries get an info diagnostic, NNC3095), the side does not compile, and
// its layers and datasets are compared as written; a note says which ones
// went unchecked. Trusted, a folder's plugins load as in `nnc check`, and a
// revision's plugin file is written to a temporary folder and loaded from
// there (it is in git, not on disk; a plugin that imports its own sibling
// files needs those in the same commit and folder, which this does not copy).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CompileResult } from '../compiler/index.js';
import { nodeHost, type CompilerHost, type PluginLoader } from '../compiler/host.js';
import { LAYER_DEFINITIONS } from '../compiler/layers/index.js';
import { nodePluginLoader, refusingPluginLoader } from '../compiler/plugins/node-loader.js';
import { BUILT_IN_DATASET_TYPES } from '../compiler/plugins/plugin-shape.js';
import type { SideView } from './side-view.js';
import { MESSAGES } from '../compiler/diagnostic-messages.js';

export const NOT_TRUSTED = "nnc diff runs no plugin code unless it is given --trust-plugins (a revision's plugins may come from anyone)";

/** The plugin loader of one side: refusing, or (trusted) Node's, reading a revision's module from its host. */
export function diffPluginLoader(trust: boolean, host: CompilerHost | null): PluginLoader {
  if (!trust) return refusingPluginLoader(NOT_TRUSTED);
  if (host === null) return nodePluginLoader;
  return {
    runs: true,
    // a revision's node_modules are not in git: packages resolve from the working tree's
    resolvePackage: (name, projectDir) => nodePluginLoader.resolvePackage(name, projectDir),
    load(path) {
      const text = host.readFile(path);
      if (typeof text !== 'string') return nodePluginLoader.load(path);
      const dir = mkdtempSync(join(tmpdir(), 'nnc-diff-plugin-'));
      try {
        const copy = join(dir, basename(path));
        writeFileSync(copy, text);
        return nodePluginLoader.load(copy);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** nodeHost for a folder side, with the diff's plugin loader. */
export function folderHost(trust: boolean): CompilerHost {
  return { ...nodeHost, plugins: diffPluginLoader(trust, null) };
}

const BUILT_IN_LAYERS = new Set(Object.values(LAYER_DEFINITIONS).flatMap((d) => [d.type, ...(d.aliases ?? [])]));

/** One sentence per side whose plugins were not run: what went unchecked. */
export function uncheckedNote(label: string, result: CompileResult, view: SideView): string | null {
  const refused = result.diagnostics.filter((d) => d.code === MESSAGES.pluginNotRun.code);
  if (refused.length === 0) return null;
  const layers = (view.layers ?? []).filter((l) => !BUILT_IN_LAYERS.has(l.type)).map((l) => `'${l.name}' (${l.type})`);
  const datasets = view.datasets.filter((d) => d.type !== null && !(BUILT_IN_DATASET_TYPES as readonly string[]).includes(d.type)).map((d) => `'${d.name}' (${d.type})`);
  const what = [layers.length ? `layers ${layers.join(', ')}` : '', datasets.length ? `datasets ${datasets.join(', ')}` : ''].filter(Boolean).join(' and ');
  return `${label}: plugins were not run (${NOT_TRUSTED.replace(/ \(.*\)$/, '')}), so its shapes and parameters are unchecked${what ? `; ${what} are compared as written` : ''}. Give --trust-plugins to run them.`;
}

/** Plugins added, removed or changed (their file's content) between two compiled plans. */
export function pluginChangeNotes(base: CompileResult['plan'], head: CompileResult['plan']): string[] {
  if (!base || !head) return [];
  const before = new Map((base.plugins ?? []).map((p) => [p.name, p]));
  const after = new Map((head.plugins ?? []).map((p) => [p.name, p]));
  const notes: string[] = [];
  for (const [name, p] of after) {
    const old = before.get(name);
    if (!old) notes.push(`Plugin '${name}' (${p.file}) is new.`);
    else if (old.hash !== p.hash) notes.push(`Plugin '${name}' changed (${p.file}, content hash ${old.hash} -> ${p.hash}): layers of its types ${(p.layerTypes.length ? p.layerTypes : ['(none)']).join(', ')} start fresh.`);
  }
  for (const [name, p] of before) if (!after.has(name)) notes.push(`Plugin '${name}' (${p.file}) was removed.`);
  return notes;
}
