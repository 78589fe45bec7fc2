// suggest(): the "Did you mean" of every stage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../src/compiler/suggest.js';

const LAYER_KEYS = ['name', 'type', 'in', 'out', 'units', 'activation', 'useBias', 'filters', 'kernelSize', 'strides', 'padding', 'returnSequences'];

describe('suggest', () => {
  it('finds one-edit typos: a missing, extra, changed or swapped letter', () => {
    expect(suggest('unit', LAYER_KEYS)).toBe('units');
    expect(suggest('unitss', LAYER_KEYS)).toBe('units');
    expect(suggest('paddimg', LAYER_KEYS)).toBe('padding');
    expect(suggest('fitlers', LAYER_KEYS)).toBe('filters');
    expect(suggest('lstn', ['lstm', 'gru', 'dense'])).toBe('lstm');
  });

  it('prefers a case-insensitive match over any edit', () => {
    expect(suggest('Relu', ['relu6', 'relu', 'elu'])).toBe('relu');
    expect(suggest('kernelsize', LAYER_KEYS)).toBe('kernelSize');
    expect(suggest('layers', ['Project', 'Layers', 'Heads'])).toBe('Layers');
  });

  it('stays quiet when nothing is close', () => {
    expect(suggest('categorical_crossentropy', ['crossentropy', 'bce', 'mse'])).toBeUndefined();
    expect(suggest('middle', ['valid', 'same', 'causal'])).toBeUndefined();
    expect(suggest('zzz', LAYER_KEYS)).toBeUndefined();
    expect(suggest('units', [])).toBeUndefined();
  });

  it('never suggests the word itself', () => {
    expect(suggest('units', ['units'])).toBeUndefined();
  });

  it('picks the closest, the first among equals', () => {
    expect(suggest('mea', ['max', 'mean', 'mae'])).toBe('mean');
    expect(suggest('hubber', ['mse', 'huber', 'mae'])).toBe('huber');
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('ltsm', 'lstm')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('is a metric-like distance: zero on itself, symmetric, and at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(editDistance(a, b)).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });

  it('stops early above a limit without changing answers within it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.nat(6), (a, b, limit) => {
        const full = editDistance(a, b);
        const bounded = editDistance(a, b, limit);
        if (full <= limit) expect(bounded).toBe(full);
        else expect(bounded).toBeGreaterThan(limit);
      }),
    );
  });
});
