// The JSON payload of a `samples` log line: written by the training loop
// (runtime/train/sample-log.ts), read by the viewer (viewer/logs.ts). Imports
// nothing, like protocol.ts, so the viewer's bundle can take it.

export type SampleOutput =
  | { readonly class: string; readonly probability: number }
  | { readonly value: number | number[] }
  | { readonly text: string };

/** The JSON payload of one `samples` log entry. */
export interface SampleEntry {
  /** 1-based number of the sample among the logged ones; the same sample keeps it for the whole run */
  readonly sample: number;
  readonly head: string;
  readonly step: number;
  readonly epoch: number;
  readonly input: string | number[];
  readonly expected: string | number | number[];
  readonly output: SampleOutput;
}
