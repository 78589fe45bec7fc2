// Between load and validate: documents that use plugin types, made ready for
// the generated validators (which know only the built-in types).
//   - a plugin layer's arguments are checked here against the plugin's
//     schema; the validator sees a stand-in with the same name, in and out
//     (so those get the usual checks at the usual positions), and check()
//     gets the layer as written back (restore);
//   - a plugin dataset's samples are checked against the plugin's fields and
//     encoded into the built-in layout the plugin names ('encodes'); from
//     there on they are that layout's samples, and the plan says which plugin
//     type they came from (plan-plugins.ts);
//   - an unknown type gets the usual sentence, with the plugin types listed.
// A document that uses a type of a plugin that did not load (or was not run)
// cannot be checked: compile stops after validation (blocked).
import type { Diagnostic } from '../diagnostics.js';
import { LAYER_DEFINITIONS } from '../layers/index.js';
import { locate, type LoadedDocument, type PathSegment } from '../load.js';
import type { ValidDocument } from '../validate.js';
import { checkSample } from '../samples.js';
import type { Problem } from '../validators/explain.js';
import { checkObject, type Branch } from './check-values.js';
import { BUILT_IN_DATASET_TYPES, LAYER_KEYS } from './plugin-shape.js';
import type { PluginSet } from './registry.js';
import { MESSAGES } from '../diagnostic-messages.js';

export interface PluginDatasetOrigin {
  /** the dataset type as written */
  readonly type: string;
  readonly plugin: string;
}

export interface PreparedDocuments {
  /** what validate() reads */
  readonly documents: readonly LoadedDocument[];
  readonly diagnostics: readonly Diagnostic[];
  /** a document uses a type of a plugin that did not load or was not run */
  readonly blocked: boolean;
  /** dataset name -> the plugin type its samples were written in */
  readonly datasetOrigins: ReadonlyMap<string, PluginDatasetOrigin>;
  /** the validated documents with plugin layers as written again, for check() */
  restore(valid: readonly ValidDocument[]): ValidDocument[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A built-in type that takes no required argument, to stand in for plugin layers during validation. */
const STAND_IN = Object.values(LAYER_DEFINITIONS).find((d) => Object.values(d.args).every((a) => (a as { default?: unknown }).default !== undefined))!.type;

const BUILT_IN_LAYER_TYPES = Object.values(LAYER_DEFINITIONS).flatMap((d) => [d.type, ...(d.aliases ?? [])]);

function toDiagnostic(document: LoadedDocument, problem: Problem | { code: number; path: readonly PathSegment[]; part: 'key' | 'value' | 'owner'; message: string; suggestion?: string }): Diagnostic {
  const span = problem.part === 'owner' ? locate(document, problem.path, 'key') : locate(document, problem.path, problem.part);
  const diagnostic: Diagnostic = { code: problem.code, severity: 'error', message: problem.message, file: document.file.path, ...span };
  return problem.suggestion === undefined ? diagnostic : { ...diagnostic, suggestion: problem.suggestion };
}

function argumentBranch(args: Readonly<Record<string, { schema: Readonly<Record<string, unknown>>; default?: unknown; examples?: readonly unknown[] }>>): Branch {
  return {
    // examples too: "Add it, for example 'units: 8'."
    properties: Object.fromEntries(Object.entries(args).map(([key, a]) => [key, a.examples ? { ...a.schema, examples: a.examples } : a.schema])),
    required: Object.entries(args).filter(([, a]) => a.default === undefined).map(([key]) => key),
    checkedElsewhere: LAYER_KEYS,
  };
}

export function applyPlugins(documents: readonly LoadedDocument[], set: PluginSet): PreparedDocuments {
  if (set.plugins.length === 0 && !set.incomplete) return { documents, diagnostics: [], blocked: false, datasetOrigins: new Map(), restore: (valid) => [...valid] };
  const diagnostics: Diagnostic[] = [];
  const originals = new Map<string, unknown>();
  const datasetOrigins = new Map<string, PluginDatasetOrigin>();
  const keyOf = (d: { file: { path: string }; index: number }) => `${d.file.path}\0${d.index}`;
  let blocked = false;
  const prepared: LoadedDocument[] = [];

  for (const document of documents) {
    const value = document.value;
    const kind = isObject(value) ? value.kind : undefined;
    if (kind === 'Layers' && isObject(value) && Array.isArray(value.layers)) {
      let changed = false;
      const layers = value.layers.map((item: unknown, index: number) => {
        if (!isObject(item) || typeof item.type !== 'string' || BUILT_IN_LAYER_TYPES.includes(item.type)) return item;
        const standIn = { ...Object.fromEntries(['name', 'in', 'out'].filter((k) => k in item).map((k) => [k, item[k]])), type: STAND_IN };
        const plugin = set.layers.get(item.type);
        if (plugin) {
          const problems = checkObject(value, ['layers', index], argumentBranch(plugin.definition.args as never), 'the Layers document');
          diagnostics.push(...problems.map((p) => toDiagnostic(document, p)));
        } else if (set.incomplete) {
          blocked = true;
        } else {
          // not a built-in or plugin type: the usual sentence, with the plugin types in the list
          const allowed = [...BUILT_IN_LAYER_TYPES, ...set.layers.keys()];
          const keys = Object.keys(item).filter((k) => k !== 'type');
          const problems = checkObject(value, ['layers', index], { properties: { type: { enum: allowed } }, required: [], checkedElsewhere: keys }, 'the Layers document');
          diagnostics.push(...problems.map((p) => toDiagnostic(document, p)));
        }
        changed = true;
        return standIn;
      });
      if (changed) {
        originals.set(keyOf(document), value);
        prepared.push({ ...document, value: { ...value, layers } });
        continue;
      }
    }
    if (kind === 'Dataset' && isObject(value) && typeof value.type === 'string' && !(BUILT_IN_DATASET_TYPES as readonly string[]).includes(value.type)) {
      const plugin = set.datasets.get(value.type);
      if (!plugin) {
        if (set.incomplete) {
          // its samples cannot be read without the plugin: the document is left out, and nothing is checked after validation
          blocked = true;
          continue;
        }
        if (set.datasets.size > 0) {
          const allowed = [...BUILT_IN_DATASET_TYPES, ...set.datasets.keys()];
          const problems = checkObject({ datasets: [value] }, ['datasets', 0], { properties: { type: { enum: allowed } }, required: [], checkedElsewhere: Object.keys(value).filter((k) => k !== 'type') }, 'the Dataset document');
          diagnostics.push(...problems.map((p) => toDiagnostic(document, { ...p, path: p.path.slice(2) })));
          continue;
        }
        prepared.push(document);
        continue;
      }
      const before = diagnostics.length;
      const encoded = encodeSamples(document, value, plugin.plugin, plugin.source, diagnostics);
      // its problems are reported in the plugin's terms: the validator would repeat them in the built-in layout's
      if (diagnostics.length > before) continue;
      if (typeof value.name === 'string') datasetOrigins.set(value.name, { type: value.type, plugin: plugin.plugin });
      prepared.push({ ...document, value: { ...value, type: plugin.source.encodes, ...(encoded ? { samples: encoded } : {}) } });
      continue;
    }
    prepared.push(document);
  }
  return {
    documents: prepared,
    diagnostics,
    blocked,
    datasetOrigins,
    restore: (valid) => valid.map((d) => (originals.has(keyOf(d)) ? ({ ...d, value: originals.get(keyOf(d)) } as ValidDocument) : d)),
  };
}

/** The samples of a plugin dataset, checked against its fields and encoded; null when there are none inline. */
function encodeSamples(document: LoadedDocument, value: Record<string, unknown>, plugin: string, type: import('./api.js').PluginDatasetType, diagnostics: Diagnostic[]): unknown[] | null {
  if (value.source !== undefined) {
    diagnostics.push(toDiagnostic(document, { code: MESSAGES.pluginSourceNotSupported.code, path: ['source'], part: 'key', message: `Dataset type '${type.type}' (plugin '${plugin}') takes inline samples only: nnc reads a 'source' file in the built-in layouts. Move the samples under 'samples', or convert the file to '${type.encodes}' and use that type.` }));
  }
  if (!Array.isArray(value.samples)) return null;
  const branch: Branch = {
    properties: Object.fromEntries(Object.entries(type.fields).map(([key, field]) => [key, field.schema])),
    required: Object.entries(type.fields).filter(([, field]) => !field.optional).map(([key]) => key),
  };
  return value.samples.map((sample: unknown, index: number) => {
    const problems = checkObject(value, ['samples', index], branch, 'the Dataset document');
    if (problems.length > 0) {
      diagnostics.push(...problems.map((p) => toDiagnostic(document, p)));
      return sample;
    }
    let out: unknown;
    try {
      out = type.encode(sample as never);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0].replace(/\.$/, '') : String(error);
      diagnostics.push(toDiagnostic(document, { code: MESSAGES.pluginEncode.code, path: ['samples', index], part: 'value', message: `Plugin '${plugin}' failed to encode sample ${index + 1}: ${message}. Fix the sample, or the plugin's 'encode'.` }));
      return sample;
    }
    const checked = out !== null && typeof out === 'object' && !Array.isArray(out) ? checkSample(type.encodes, out as Record<string, unknown>) : { error: 'is not a mapping of fields' };
    if ('error' in checked) {
      const first = `it ${checked.error}`;
      diagnostics.push(toDiagnostic(document, { code: MESSAGES.pluginEncode.code, path: ['samples', index], part: 'value', message: `Plugin '${plugin}' encodes sample ${index + 1} as a '${type.encodes}' sample that is not valid: ${first}. Fix the plugin's 'encode'.` }));
      return sample;
    }
    return out;
  });
}
