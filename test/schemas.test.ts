// The JSON Schemas themselves: valid draft-07, documented, strict, matching
// FORMAT.md's defaults, and the generated validators up to date with them.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generate, OUTPUT, SCHEMA_FILES } from '../src/compiler/validators/generate.mjs';
import { yamlFilesBelow } from './helpers/project-yaml-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
type Schema = Record<string, unknown>;
const files = SCHEMA_FILES as Record<string, string>;
const schemaOf = (kind: string): Schema => JSON.parse(readFileSync(join(root, 'schemas', files[kind]), 'utf8'));
const KINDS = ['Project', 'Tokens', 'Layers', 'Heads', 'Dataset'];

/** Every subschema with the JSON pointer that leads to it; `if` conditions are tests, not declarations, and are skipped. */
function* walk(node: unknown, pointer = '#'): Generator<[string, Schema]> {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Schema;
  yield [pointer, schema];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'if' || key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue;
    if (key === 'properties' || key === 'definitions') {
      for (const [name, sub] of Object.entries(value as Schema)) yield* walk(sub, `${pointer}/${key}/${name}`);
    } else if (Array.isArray(value)) {
      for (const [index, sub] of value.entries()) yield* walk(sub, `${pointer}/${key}/${index}`);
    } else if (value && typeof value === 'object') {
      yield* walk(value, `${pointer}/${key}`);
    }
  }
}

describe('schemas/', () => {
  it('has exactly one schema per kind', () => {
    expect(readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.values(files).sort());
  });

  for (const kind of KINDS) {
    describe(files[kind], () => {
      const schema = schemaOf(kind);

      it('is valid draft-07 with an $id, title and description', () => {
        const ajv = new Ajv({ strict: false });
        expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
        expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
        expect(schema.$id).toMatch(/^urn:nnc:schema:v1:/);
        expect(typeof schema.title).toBe('string');
        expect(typeof schema.description).toBe('string');
      });

      it('compiles with ajv, and uses no unknown keyword (a typo such as "minimun" that editors would silently ignore)', () => {
        expect(() => new Ajv({ allErrors: true, strict: false, discriminator: true }).compile(schema)).not.toThrow();
        const fail = (message: string) => {
          throw new Error(message);
        };
        const strictSchema = new Ajv({ strictSchema: true, strictTypes: false, strictRequired: false, strictTuples: false, discriminator: true, logger: { log() {}, warn: fail, error: fail } });
        expect(() => strictSchema.compile(schema)).not.toThrow();
      });

      it("pins apiVersion to 'nnc/v1' and kind to its kind", () => {
        const properties = schema.properties as Record<string, Schema>;
        expect(properties.apiVersion.const).toBe('nnc/v1');
        expect(properties.kind.const).toBe(kind);
        expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind']));
      });

      it('describes every property, additionalProperties and items schema', () => {
        const missing: string[] = [];
        for (const [pointer, node] of walk(schema)) {
          const isDeclaration = /\/(properties|definitions)\/[^/]+$/.test(pointer) || /\/(additionalProperties|items|propertyNames)$/.test(pointer);
          if (!isDeclaration || /\/then\/properties\/[^/]+$/.test(pointer) && Object.keys(node).length === 0) continue;
          const target = typeof node.$ref === 'string' ? (node.$ref.slice(2).split('/').reduce((at: any, part) => at[part], schema) as Schema) : node;
          if (typeof node.description !== 'string' && typeof target.description !== 'string') missing.push(pointer);
          else expect((node.description ?? target.description) as string, pointer).toMatch(/^[A-Z0-9'"(].*[.)]$/s);
        }
        expect(missing).toEqual([]);
      });

      it('closes every object schema with additionalProperties', () => {
        const open: string[] = [];
        for (const [pointer, node] of walk(schema)) {
          if (!node.properties || /\/then$/.test(pointer)) continue; // a then only narrows its object's properties
          if (node.additionalProperties === undefined) open.push(pointer);
        }
        expect(open).toEqual([]);
      });

      it('names things with ^[a-z][a-z0-9_]*$', () => {
        const names = [...walk(schema)].filter(([pointer]) => /\/properties\/(name|attach|head)$/.test(pointer) || pointer.endsWith('/propertyNames'));
        for (const [pointer, node] of names) {
          const target = typeof node.$ref === 'string' ? (node.$ref.slice(2).split('/').reduce((at: any, part) => at[part], schema) as Schema) : node;
          expect(target.pattern, pointer).toBe('^[a-z][a-z0-9_]*$');
        }
      });
    });
  }

  it("gives FORMAT.md's defaults", () => {
    const project = schemaOf('Project').properties as Record<string, Schema>;
    const training = (project.training.properties ?? {}) as Record<string, Schema>;
    const input = (project.input.properties ?? {}) as Record<string, Schema>;
    expect(Object.fromEntries(Object.entries(training).map(([key, value]) => [key, value.default]))).toEqual({
      seed: 42,
      epochs: 20,
      batchSize: 32,
      optimizer: 'adam',
      learningRate: 0.001,
      schedule: 'none',
      clipNorm: undefined,
      validationSplit: 0.2,
      earlyStopping: undefined,
      checkpoint: undefined,
    });
    expect([input.tokenizer.default, input.lowercase.default, input.maxLength.default]).toEqual(['word', true, 32]);
    expect(((project.monitor.properties as Record<string, Schema>).weightsEvery).default).toBe(50);
    expect((training.optimizer.enum as string[])).toEqual(['adam', 'sgd', 'rmsprop', 'adagrad']);
  });

  it('lists the ten layer types and the tfjs activation identifiers', () => {
    const layers = schemaOf('Layers');
    const definitions = layers.definitions as Record<string, Schema>;
    const tags = ((definitions.layer.oneOf as Schema[]).map((ref) => definitions[(ref.$ref as string).split('/').pop()!]))
      .flatMap((branch) => {
        const type = (branch.properties as Record<string, Schema>).type;
        return (type.enum as string[] | undefined) ?? [type.const as string];
      });
    expect(tags).toEqual(['dense', 'linear', 'embedding', 'conv1d', 'lstm', 'gru', 'attention', 'layernorm', 'dropout', 'pool', 'activation']);
    expect(definitions.activation.enum).toEqual(['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new']);
  });

  it('accepts the same layers without the discriminator keyword (as editors read it: a plain oneOf)', () => {
    const plain = new Ajv({ allErrors: true, strict: false }).compile(schemaOf('Layers'));
    const document = {
      apiVersion: 'nnc/v1',
      kind: 'Layers',
      layers: [
        { name: 'embed', type: 'embedding', units: 64 },
        { name: 'encoder', type: 'lstm', units: 64, returnSequences: true },
        { name: 'conv', type: 'conv1d', filters: 64, kernelSize: 3, activation: 'relu' },
        { name: 'attend', type: 'attention', heads: 4, causal: false },
        { name: 'norm', type: 'layernorm' },
        { name: 'pool', type: 'pool', mode: 'mean' },
        { name: 'hidden', type: 'linear', units: 64, activation: 'relu', in: 64 },
        { name: 'drop', type: 'dropout', rate: 0.1 },
        { name: 'act', type: 'activation', activation: 'gelu' },
        { name: 'rec', type: 'gru', units: 8 },
      ],
    };
    expect(plain(document), JSON.stringify(plain.errors)).toBe(true);
    expect(plain({ ...document, layers: [{ name: 'x', type: 'dense', units: 3, rate: 0.1 }] })).toBe(false);
  });
});

describe('src/compiler/validators/schemas.js', () => {
  it('is up to date with schemas/ (run node src/compiler/validators/generate.mjs)', () => {
    expect(readFileSync(OUTPUT, 'utf8') === generate()).toBe(true);
  });
});

describe('projects/', () => {
  const yamlFiles = yamlFilesBelow(join(root, 'projects'));

  it.skipIf(yamlFiles.length === 0)("every file's modeline resolves to the schema of its documents' kind", () => {
    for (const path of yamlFiles) {
      const text = readFileSync(path, 'utf8');
      const modeline = /^# yaml-language-server: \$schema=(\S+)\s*$/m.exec(text);
      const name = relative(root, path);
      expect(modeline, `${name} has no '# yaml-language-server: $schema=' modeline`).not.toBeNull();
      const target = resolve(dirname(path), modeline![1]);
      expect(existsSync(target), `${name}: ${modeline![1]} does not exist`).toBe(true);
      const schema = JSON.parse(readFileSync(target, 'utf8')) as Schema;
      for (const document of parseAllDocuments(text)) {
        const kind = (document.toJS() as { kind?: string } | null)?.kind;
        if (kind === undefined) continue;
        expect(((schema.properties as Record<string, Schema>).kind.const), `${name}: modeline schema does not match kind '${kind}'`).toBe(kind);
      }
    }
  });
});
