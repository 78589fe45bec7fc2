// One table drives layer types: defaults, shape rule and parameter count sit
// together (tfjs-layers' computeOutputShape + countParams). The runtime's emit
// table is keyed by the same LayerType, so adding a type here is a type error
// there until it is handled.
import type { LayerConfig, LayerType, Shape } from './plan.js';
import type { RawLayer } from './raw.js';

export interface LayerContext {
  readonly inputKind: 'text' | 'features';
  readonly vocabularySize: number;
  /** index of this layer in the stack */
  readonly index: number;
}

/** A shape rule returns the output shape, or a sentence saying why the input does not fit. */
export type ShapeResult = Shape | { readonly error: string };

export interface LayerRule {
  readonly resolve: (raw: RawLayer, ctx: LayerContext) => LayerConfig;
  readonly shape: (input: Shape, config: LayerConfig, ctx: LayerContext) => ShapeResult;
  readonly params: (input: Shape, config: LayerConfig) => number;
}

const last = (shape: Shape) => shape[shape.length - 1];
const fmt = (shape: Shape) => `[${shape.join(', ')}]`;
// the schema has checked each key's type for the layer's type; read them by name
const field = (raw: RawLayer, key: string): unknown => (raw as unknown as Record<string, unknown>)[key];
const num = (raw: RawLayer, key: string, fallback: number) => (typeof field(raw, key) === 'number' ? (field(raw, key) as number) : fallback);
const str = <T extends string>(raw: RawLayer, key: string, fallback: T) => (typeof field(raw, key) === 'string' ? (field(raw, key) as T) : fallback);
const bool = (raw: RawLayer, key: string, fallback: boolean) => (typeof field(raw, key) === 'boolean' ? (field(raw, key) as boolean) : fallback);

function needsSequence(type: string, input: Shape): { error: string } | null {
  return input.length === 2 ? null : { error: `'${type}' needs a sequence input [steps, width], but gets ${fmt(input)}; put it after an 'embedding' or a layer with returnSequences: true` };
}

function recurrent(type: 'lstm' | 'gru', gates: number): LayerRule {
  return {
    resolve: (raw) => ({
      units: num(raw, 'units', 64),
      returnSequences: bool(raw, 'returnSequences', false),
      activation: str(raw, 'activation', 'tanh'),
      recurrentActivation: str(raw, 'recurrentActivation', 'sigmoid'),
    }),
    shape: (input, c) => needsSequence(type, input) ?? (c.returnSequences ? [input[0], c.units!] : [c.units!]),
    params: (input, c) => gates * (c.units! * (last(input) + c.units!) + c.units!),
  };
}

const same: LayerRule['shape'] = (input) => input;

export const LAYER_RULES: Record<LayerType, LayerRule> = {
  dense: {
    resolve: (raw) => ({ units: num(raw, 'units', 64), activation: str(raw, 'activation', 'linear'), useBias: bool(raw, 'useBias', true) }),
    shape: (input, c) => (input.length === 1 || input.length === 2 ? [...input.slice(0, -1), c.units!] : { error: `'dense' needs a vector or a sequence, but gets ${fmt(input)}` }),
    params: (input, c) => last(input) * c.units! + (c.useBias ? c.units! : 0),
  },
  embedding: {
    resolve: (raw, ctx) => ({ units: num(raw, 'units', 64), inputDim: ctx.vocabularySize }),
    shape: (input, c, ctx) => {
      if (ctx.inputKind !== 'text') return { error: `'embedding' turns token ids into vectors, but the project's input is 'features'; remove it or set input.type: text in the Project` };
      if (ctx.index !== 0) return { error: `'embedding' must be the first layer, where the token ids are; move it to the top of the list` };
      return [input[0], c.units!];
    },
    params: (_input, c) => c.inputDim! * c.units!,
  },
  conv1d: {
    resolve: (raw) => ({
      filters: num(raw, 'filters', 64),
      kernelSize: num(raw, 'kernelSize', 3),
      strides: num(raw, 'strides', 1),
      padding: str(raw, 'padding', 'valid'),
      activation: str(raw, 'activation', 'linear'),
    }),
    shape: (input, c) => {
      const bad = needsSequence('conv1d', input);
      if (bad) return bad;
      const steps = c.padding === 'valid' ? Math.ceil((input[0] - c.kernelSize! + 1) / c.strides!) : Math.ceil(input[0] / c.strides!);
      if (steps < 1) return { error: `'conv1d' with kernelSize ${c.kernelSize} and padding 'valid' needs at least ${c.kernelSize} steps, but gets ${input[0]}; use padding: same or a smaller kernelSize` };
      return [steps, c.filters!];
    },
    params: (input, c) => c.kernelSize! * last(input) * c.filters! + c.filters!,
  },
  lstm: recurrent('lstm', 4),
  gru: recurrent('gru', 3),
  attention: {
    resolve: (raw) => ({ heads: num(raw, 'heads', 1), causal: bool(raw, 'causal', false) }),
    shape: (input, c) => {
      const bad = needsSequence('attention', input);
      if (bad) return bad;
      if (last(input) % c.heads! !== 0) return { error: `'attention' with ${c.heads} heads needs a width divisible by ${c.heads}, but gets width ${last(input)}` };
      return input;
    },
    params: (input) => 4 * (last(input) * last(input) + last(input)),
  },
  layernorm: {
    resolve: (raw) => ({ epsilon: num(raw, 'epsilon', 0.001) }),
    shape: same,
    params: (input) => 2 * last(input),
  },
  dropout: {
    resolve: (raw) => ({ rate: num(raw, 'rate', 0.1) }),
    shape: same,
    params: () => 0,
  },
  pool: {
    resolve: (raw) => ({ mode: str(raw, 'mode', 'mean') }),
    shape: (input) => needsSequence('pool', input) ?? [last(input)],
    params: () => 0,
  },
  activation: {
    resolve: (raw) => ({ activation: str(raw, 'activation', 'relu') }),
    shape: same,
    params: () => 0,
  },
};

/** `linear` is an alias of `dense`. */
export function canonicalLayerType(type: string): LayerType | null {
  if (type === 'linear') return 'dense';
  return type in LAYER_RULES ? (type as LayerType) : null;
}

export function formatShape(shape: Shape): string {
  return fmt(shape);
}
