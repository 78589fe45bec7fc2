// The micro-batcher behind `nnc serve`: requests that arrive while the model is
// busy go to it together, each request gets back its own slice in order, and a
// failed model call fails only the requests that were in it.
import { describe, expect, it } from 'vitest';
import { createBatcher, type Input } from '../src/runtime/serve/batcher.js';
import type { Prediction } from '../src/runtime/predict/predict.js';

const echo = (inputs: readonly Input[]): Prediction[] => inputs.map((input) => ({ input: String(input) }) as unknown as Prediction);
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serve batcher', () => {
  it('answers 200 concurrent requests in 2 model calls: the first alone, the rest queued behind it', async () => {
    const calls: number[] = [];
    const batcher = createBatcher(async (inputs) => {
      calls.push(inputs.length);
      await later(20);
      return echo(inputs);
    });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => batcher.predict([`text ${i}`], undefined)));
    answers.forEach((answer, i) => expect(answer).toEqual([{ input: `text ${i}` }]));
    // all 200 arrive in one turn of the event loop: one call takes them all
    expect(calls).toEqual([200]);
    expect(batcher.stats()).toEqual({ calls: 1, requests: 200, largestBatch: 200 });
  });

  it('queues requests that arrive while the model is busy into the next call, up to maxInputs inputs', async () => {
    const calls: number[] = [];
    const batcher = createBatcher(async (inputs) => {
      calls.push(inputs.length);
      await later(30);
      return echo(inputs);
    }, 64);
    const first = batcher.predict(['first'], undefined);
    await later(5); // the first call is running now
    const rest = Array.from({ length: 100 }, (_, i) => batcher.predict([`r${i}`, `s${i}`], undefined));
    const answers = await Promise.all(rest);
    expect(await first).toEqual([{ input: 'first' }]);
    answers.forEach((answer, i) => expect(answer).toEqual([{ input: `r${i}` }, { input: `s${i}` }]));
    expect(calls).toEqual([1, 64, 64, 64, 8]);
    expect(batcher.stats()).toEqual({ calls: 5, requests: 101, largestBatch: 32 });
  });

  it('keeps heads apart and a request larger than maxInputs whole', async () => {
    const calls: [number, string | undefined][] = [];
    const batcher = createBatcher(async (inputs, head) => {
      calls.push([inputs.length, head]);
      await later(5);
      return echo(inputs);
    }, 4);
    const a = batcher.predict(['a1'], 'topic');
    const b = batcher.predict(['b1', 'b2', 'b3', 'b4', 'b5', 'b6'], 'sentiment');
    const c = batcher.predict(['a2'], 'topic');
    expect(await Promise.all([a, b, c])).toEqual([[{ input: 'a1' }], echo(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']), [{ input: 'a2' }]]);
    expect(calls).toEqual([[2, 'topic'], [6, 'sentiment']]);
  });

  it('fails only the requests of a failed call, then goes on', async () => {
    let n = 0;
    const batcher = createBatcher(async (inputs) => {
      n++;
      await later(10);
      if (n === 1) throw new Error('model broke');
      return echo(inputs);
    });
    const failed = batcher.predict(['x'], undefined);
    await later(2);
    const next = batcher.predict(['y'], undefined);
    await expect(failed).rejects.toThrow('model broke');
    expect(await next).toEqual([{ input: 'y' }]);
    await batcher.drain();
    expect(batcher.stats().calls).toBe(2);
  });
});
