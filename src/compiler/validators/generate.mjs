// Generates schemas.js: standalone ajv validators for schemas/*.schema.json,
// so `nnc check` never pays for importing ajv and compiling the schemas
// (hundreds of ms cold). Run after editing a schema:
//   node src/compiler/validators/generate.mjs          (writes schemas.js)
//   node src/compiler/validators/generate.mjs --check  (exit 1 when out of date)
// test/schemas.test.ts fails when the committed file is out of date.
//
// schemas/layers.schema.json is itself generated first, from the layer
// definitions (src/compiler/layers/schema.ts, bundled by esbuild because it
// is TypeScript): edit a definition, not that file.
//
// The schemas are dereferenced first (their local $refs inlined, the $ref's
// own keywords kept on top) and stripped of annotations, so every ajv schemaPath
// is a plain pointer into the dereferenced schema that schemas.js exports
// next to the validators: validate.ts reads it to phrase messages
// (the allowed keys of an object, the `if` of a `then`, the tags of a oneOf).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, transformSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** Document kind -> schema file, in the order they are exported. */
export const SCHEMA_FILES = {
  Project: 'project.schema.json',
  Tokens: 'tokens.schema.json',
  Layers: 'layers.schema.json',
  Heads: 'heads.schema.json',
  Dataset: 'dataset.schema.json',
  Sweep: 'sweep.schema.json',
};

/** Dataset type -> definition of one sample in dataset.schema.json (also used for external files). */
export const SAMPLE_DEFINITIONS = {
  binary_classification: 'binaryClassificationSample',
  multi_classification: 'multiClassificationSample',
  qa: 'qaSample',
  article_approximation: 'articleApproximationSample',
  regression: 'regressionSample',
  text_generation: 'textGenerationSample',
};

export const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  discriminator: true,
  // minLength counts UTF-16 units, so the code needs no runtime import of
  // ajv's ucs2length (the option is deprecated but still honoured)
  unicode: false,
  logger: { log: console.log, warn: (message) => /option unicode/.test(message) || console.warn(message), error: console.error },
  // messages are written by validate.ts; keep the generated code small
  messages: false,
  code: { source: true, esm: true, lines: false },
};

export function readSchema(file) {
  return JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
}

/** A copy of `node` with every local `$ref` replaced by its target; siblings of `$ref` win. */
export function dereference(node, rootSchema, seen = []) {
  if (Array.isArray(node)) return node.map((item) => dereference(item, rootSchema, seen));
  if (node === null || typeof node !== 'object') return node;
  let out = {};
  if (typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#/')) throw new Error(`Only local $refs are supported, not '${node.$ref}'.`);
    if (seen.includes(node.$ref)) throw new Error(`Recursive $ref '${node.$ref}' cannot be inlined.`);
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce((at, part) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], rootSchema);
    if (target === undefined) throw new Error(`$ref '${node.$ref}' points at nothing.`);
    out = { ...dereference(target, rootSchema, [...seen, node.$ref]) };
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' || key === 'definitions') continue;
    out[key] = dereference(value, rootSchema, seen);
  }
  return out;
}

/** Keywords for people and editors only: validation and messages do without them. */
const ANNOTATIONS = new Set(['description', 'title', 'default', '$schema', '$comment']);

/** A copy without annotations (keeps `examples`: messages quote them). Property names are kept whatever they are. */
export function stripAnnotations(node, inProperties = false) {
  if (Array.isArray(node)) return node.map((item) => stripAnnotations(item));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inProperties && ANNOTATIONS.has(key)) continue;
    const mapOfSchemas = !inProperties && (key === 'properties' || key === 'definitions');
    out[key] = key === 'enum' || key === 'const' || key === 'examples' ? value : stripAnnotations(value, mapOfSchemas);
  }
  return out;
}

/** The dereferenced schema per kind and per sample type, with the ids they are compiled under. */
export function dereferencedSchemas() {
  const kinds = {};
  for (const [kind, file] of Object.entries(SCHEMA_FILES)) {
    const schema = readSchema(file);
    kinds[kind] = stripAnnotations(dereference(schema, schema));
  }
  const dataset = readSchema(SCHEMA_FILES.Dataset);
  const samples = {};
  for (const [type, definition] of Object.entries(SAMPLE_DEFINITIONS)) {
    samples[type] = {
      $id: `${dataset.$id}:sample:${type}`,
      ...stripAnnotations(dereference(dataset.definitions[definition], dataset)),
    };
  }
  return { kinds, samples };
}

export function generate() {
  const { kinds, samples } = dereferencedSchemas();
  const ajv = new Ajv(AJV_OPTIONS);
  const exports = {};
  for (const [kind, schema] of Object.entries(kinds)) {
    ajv.addSchema(schema);
    exports[`validate${kind}`] = schema.$id;
  }
  for (const [type, schema] of Object.entries(samples)) {
    ajv.addSchema(schema);
    exports[`validateSample_${type}`] = schema.$id;
  }
  const code = standaloneCode(ajv, exports);
  if (/\brequire\(/.test(code)) {
    throw new Error('The generated validators import an ajv runtime helper; change the schemas or options so they do not.');
  }
  const module = [
    `export const schemas = ${JSON.stringify(kinds)};`,
    `export const sampleSchemas = ${JSON.stringify(samples)};`,
    code.replace(/^"use strict";\s*/, ''),
  ].join('\n');
  // minified: V8 parses and compiles less on every `nnc check`
  const minified = transformSync(module, { minify: true, format: 'esm', target: 'node20', legalComments: 'none' }).code;
  return [
    '// Generated by src/compiler/validators/generate.mjs from schemas/*.schema.json. Do not edit:',
    '// change a schema, then run `node src/compiler/validators/generate.mjs`.',
    minified,
  ].join('\n');
}

export const OUTPUT = join(here, 'schemas.js');
export const LAYERS_SCHEMA = join(root, 'schemas', SCHEMA_FILES.Layers);

/** The text of schemas/layers.schema.json as the layer definitions give it. */
export async function generateLayersSchema() {
  const bundle = await build({
    entryPoints: [join(here, '..', 'layers', 'schema.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  const module = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  return module.layersSchemaText();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const layers = await generateLayersSchema();
  if (process.argv.includes('--check')) {
    if (readFileSync(LAYERS_SCHEMA, 'utf8') !== layers) {
      console.error('schemas/layers.schema.json is out of date: run npm run schemas');
      process.exitCode = 1;
    }
    if (readFileSync(OUTPUT, 'utf8') !== generate()) {
      console.error('src/compiler/validators/schemas.js is out of date: run npm run schemas');
      process.exitCode = 1;
    }
  } else {
    writeFileSync(LAYERS_SCHEMA, layers);
    console.log(`wrote ${LAYERS_SCHEMA} (${layers.length} bytes)`);
    const code = generate();
    writeFileSync(OUTPUT, code);
    console.log(`wrote ${OUTPUT} (${code.length} bytes)`);
  }
}
