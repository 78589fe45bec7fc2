// One definition per layer type (src/compiler/layers/): the committed JSON
// Schema is generated from the definitions, and every option the schema
// accepts reaches the plan and the emitted tfjs layer's getConfig().
import type * as tfjs from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalLayerType, LAYER_RULES } from '../src/compiler/layer-types.js';
import { LAYER_DEFINITIONS, type LayerArgument } from '../src/compiler/layers/index.js';
import { layersSchemaText } from '../src/compiler/layers/schema.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel, registerNncLayers } from '../src/runtime/emit/index.js';
import { compileFiles } from './helpers/project.js';
import { makePlan } from './train-helpers.js';

type Json = Record<string, unknown>;
const schema = JSON.parse(readFileSync('schemas/layers.schema.json', 'utf8')) as { definitions: Record<string, Json> };

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

/** The schema branch of each layer type, by its type (the branch's `type` const or enum). */
function branches(): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const ref of (schema.definitions.layer.oneOf as { $ref: string }[])) {
    const branch = schema.definitions[ref.$ref.split('/').pop()!];
    const tag = (branch.properties as Record<string, Json>).type;
    out.set(String(tag.const ?? (tag.enum as string[])[0]), branch);
  }
  return out;
}

/** Values required arguments get when they are not the option under test. */
const BASE: Record<string, Record<string, unknown>> = {
  dense: { units: 4 },
  embedding: { units: 4 },
  conv1d: { filters: 4, kernelSize: 2 },
  lstm: { units: 4 },
  gru: { units: 4 },
  attention: {},
  layernorm: {},
  dropout: { rate: 0.25 },
  pool: {},
  activation: { activation: 'relu' },
};

/** The values to try for one option: every enum value, the other boolean, or a valid number that is not the default. */
function valuesFor(option: Json, base: unknown): unknown[] {
  const enumValues = (option.enum ?? (option.$ref === '#/definitions/activation' ? schema.definitions.activation.enum : undefined)) as unknown[] | undefined;
  if (enumValues) return enumValues.filter((v) => v !== option.default);
  if (option.type === 'boolean') return [!(option.default ?? false)];
  const from = (option.default ?? base) as number;
  if (option.type === 'integer') return [from + 1];
  if (option.type === 'number') return [from * 2];
  throw new Error(`No test value for ${JSON.stringify(option)}.`);
}

/** embedding (units 4) and the layer under test, whose output the head classifies. */
function project(type: string, args: Record<string, unknown>): Record<string, string> {
  const layer = JSON.stringify({ name: 'probe', type, ...args });
  const layers = type === 'embedding' ? [layer] : ['{"name": "embed", "type": "embedding", "units": 4}', layer];
  return { 'layers.yaml': `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${layers.map((l) => `  - ${l}\n`).join('')}`, 'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: sentiment, attach: probe, task: classification, loss: crossentropy}\n' };
}

/** Compile the YAML, build the model, and return the probe layer's plan config and tfjs config. */
function probe(type: string, args: Record<string, unknown>): { plan: Json; emitted: Json; className: string } {
  const result = compileFiles(project(type, args));
  expect(result.diagnostics.filter((d) => d.severity === 'error'), `${type} ${JSON.stringify(args)}`).toEqual([]);
  const plan = result.plan!;
  const model = buildModel(tf, plan);
  const layer = model.getLayer('probe');
  const out = { plan: plan.layers.find((l) => l.name === 'probe')!.config as Json, emitted: layer.getConfig() as Json, className: layer.getClassName() };
  model.dispose();
  return out;
}

const argumentOf = (type: string, key: string) => (LAYER_DEFINITIONS[type as keyof typeof LAYER_DEFINITIONS].args as Record<string, LayerArgument>)[key];

describe('layer definitions', () => {
  it('generate the committed schemas/layers.schema.json (run `npm run schemas` after editing a definition)', () => {
    expect(readFileSync('schemas/layers.schema.json', 'utf8')).toBe(layersSchemaText());
  });

  it('are keyed by their type, with aliases that resolve to it, in the schema and the compiler alike', () => {
    for (const [key, definition] of Object.entries(LAYER_DEFINITIONS)) {
      expect(definition.type).toBe(key);
      expect(canonicalLayerType(key)).toBe(key);
      for (const alias of definition.aliases ?? []) expect(canonicalLayerType(alias)).toBe(key);
    }
    expect(canonicalLayerType('linear')).toBe('dense');
    expect(canonicalLayerType('constructor')).toBeNull();
    expect([...branches().keys()].sort()).toEqual(Object.keys(LAYER_RULES).sort());
  });

  it('give the schema default of every option to the plan and to the emitted layer when the YAML leaves it out', () => {
    for (const [type, branch] of branches()) {
      const { plan, emitted } = probe(type, BASE[type]);
      for (const [key, option] of Object.entries(branch.properties as Record<string, Json>)) {
        if (option.default === undefined) continue;
        expect(plan[key], `${type}.${key} in the plan`).toBe(option.default);
        expect(emitted[argumentOf(type, key).configKey ?? key], `${type}.${key} in getConfig()`).toBe(option.default);
      }
    }
  });

  it('carry every option the schema accepts, with a value other than its default, into the plan and the emitted layer', () => {
    let cases = 0;
    for (const [type, branch] of branches()) {
      for (const [key, option] of Object.entries(branch.properties as Record<string, Json>)) {
        if (['name', 'type', 'in', 'out'].includes(key)) continue;
        for (const value of valuesFor(option, BASE[type][key])) {
          const { plan, emitted, className } = probe(type, { ...BASE[type], [key]: value });
          const label = `${type}.${key}: ${JSON.stringify(value)} (${className})`;
          expect(plan[key], label).toEqual(value);
          expect(emitted[argumentOf(type, key).configKey ?? key], label).toEqual(value);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});

describe('recurrent gate activations', () => {
  /** Output and weight gradients of a layer on x, after giving it the weights. */
  function run(layer: tfjs.layers.Layer, x: tfjs.Tensor, weights: tfjs.Tensor[]): Float32Array[] {
    layer.apply(x);
    layer.setWeights(weights);
    const vars = layer.trainableWeights.map((w) => w.read() as tfjs.Variable);
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tfjs.Tensor)) as tfjs.Scalar, vars);
      return [value, ...vars.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync()));
    });
  }

  const expectClose = (a: Float32Array[], b: Float32Array[]) => {
    expect(a.length).toBe(b.length);
    a.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 4)));
  };

  it('hardSigmoid runs on the fused kernels with the values and gradients of tf.layers', () => {
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 7);
    for (const cell of ['lstm', 'gru'] as const) {
      const { NncRecurrent } = registerNncLayers(tf);
      const ours = new NncRecurrent({ cell, units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid', seed: 3 });
      ours.apply(x);
      const weights = ours.getWeights().map((w) => w.clone());
      const stock = (cell === 'lstm' ? tf.layers.lstm : tf.layers.gru)({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' });
      const sigmoid = new NncRecurrent({ cell, units: 4, returnSequences: true, recurrentActivation: 'sigmoid', seed: 3 });
      const fused = run(ours, x, weights);
      expectClose(fused, run(stock, x, weights));
      // and it is not the sigmoid cell
      expect(Math.abs(run(sigmoid, x, weights)[0][0] - fused[0][0])).toBeGreaterThan(1e-3);
    }
  });

  it('reads a saved NncRecurrent without recurrentActivation (saved before it was an argument) as sigmoid gates', () => {
    const { NncRecurrent } = registerNncLayers(tf);
    const old = tf.serialization.SerializationMap.getMap().classNameMap.NncRecurrent;
    const layer = old[1](old[0], { name: 'old', cell: 'gru', units: 3, returnSequences: false, seed: 1 }) as InstanceType<typeof NncRecurrent>;
    expect(layer.getConfig().recurrentActivation).toBe('sigmoid');
    expect(() => new NncRecurrent({ cell: 'lstm', units: 3, returnSequences: false, recurrentActivation: 'relu' as never })).toThrow(/sigmoid or hardSigmoid/);
  });

  it('other gate activations use tf.layers, whose gradients reach every weight and match finite differences', () => {
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    for (const cell of ['lstm', 'gru'] as const) {
      const plan = makePlan({
        input: { type: 'text', maxLength: 4 },
        layers: [
          { name: 'embed', type: 'embedding', units: 3 },
          { name: 'rnn', type: cell, units: 4, recurrentActivation: 'softsign' },
        ],
        heads: [{ name: 'label', attach: 'rnn', task: 'classification', classes: ['a', 'b'] }],
      });
      const model = buildModel(tf, plan);
      const layer = model.getLayer('rnn');
      expect(layer.getClassName()).toBe(cell === 'lstm' ? 'LSTM' : 'GRU');
      expect(layer.getConfig().recurrentActivation).toBe('softsign');
      // copies: getWeights gives the variables themselves, which setWeights overwrites
      const weights = layer.getWeights().map((w) => w.clone());
      const grads = run(layer, x, weights);
      for (const g of grads.slice(1)) expect(g.some((v) => Math.abs(v) > 1e-6)).toBe(true);
      // one kernel entry, nudged both ways
      const loss = (delta: number) =>
        tf.tidy(() => {
          const kernel = tf.buffer(weights[0].shape, 'float32', Float32Array.from(weights[0].dataSync()));
          kernel.set(kernel.get(0, 0) + delta, 0, 0);
          layer.setWeights([kernel.toTensor(), ...weights.slice(1)]);
          return (tf.sum(tf.square(layer.apply(x) as tfjs.Tensor)).dataSync() as Float32Array)[0];
        });
      const h = 1e-2;
      expect((loss(h) - loss(-h)) / (2 * h)).toBeCloseTo(grads[1][0], 2);
      model.dispose();
    }
  });
});
