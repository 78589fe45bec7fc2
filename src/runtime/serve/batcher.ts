// Micro-batching: requests that arrive while the model is busy (or in the same
// turn of the event loop) go to the model together, as one call per head.
// One model call at a time; each request gets back its own slice, in order.
import type { Prediction } from '../predict/predict.js';

export type Input = string | readonly number[];
export type PredictBatch = (inputs: readonly Input[], head: string | undefined) => Promise<Prediction[]>;

interface Pending {
  readonly inputs: readonly Input[];
  readonly head: string | undefined;
  resolve(predictions: Prediction[]): void;
  reject(error: unknown): void;
}

export interface BatcherStats {
  /** model calls so far */
  readonly calls: number;
  /** requests answered so far */
  readonly requests: number;
  /** most requests answered by one model call */
  readonly largestBatch: number;
}

export interface Batcher {
  predict(inputs: readonly Input[], head: string | undefined): Promise<Prediction[]>;
  stats(): BatcherStats;
  /** resolves when nothing is queued or running */
  drain(): Promise<void>;
}

/** `maxInputs`: a model call takes queued requests until their inputs reach this many. */
export function createBatcher(run: PredictBatch, maxInputs = 256): Batcher {
  const queue: Pending[] = [];
  let busy = false;
  let scheduled = false;
  let calls = 0;
  let requests = 0;
  let largestBatch = 0;
  const idle: (() => void)[] = [];

  function schedule(): void {
    if (busy || scheduled || queue.length === 0) return;
    scheduled = true;
    // one turn of the event loop: requests parsed in the same turn join this call
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  }

  async function flush(): Promise<void> {
    if (busy || queue.length === 0) return;
    busy = true;
    const head = queue[0].head;
    const batch: Pending[] = [];
    let size = 0;
    for (let i = 0; i < queue.length; ) {
      const p = queue[i];
      if (p.head === head && (batch.length === 0 || size + p.inputs.length <= maxInputs)) {
        batch.push(p);
        size += p.inputs.length;
        queue.splice(i, 1);
      } else i++;
    }
    try {
      const predictions = await run(batch.flatMap((p) => p.inputs), head);
      let offset = 0;
      for (const p of batch) {
        p.resolve(predictions.slice(offset, offset + p.inputs.length));
        offset += p.inputs.length;
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      calls++;
      requests += batch.length;
      largestBatch = Math.max(largestBatch, batch.length);
      busy = false;
      if (queue.length > 0) schedule();
      else while (idle.length > 0) idle.shift()!();
    }
  }

  return {
    predict(inputs, head) {
      return new Promise<Prediction[]>((resolve, reject) => {
        queue.push({ inputs, head, resolve, reject });
        schedule();
      });
    },
    stats: () => ({ calls, requests, largestBatch }),
    drain: () => (busy || queue.length > 0 ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve()),
  };
}
