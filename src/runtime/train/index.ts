// Training: data encoding, the multi-task loop, and its events.
export { train } from './loop.js';
export { prepareData, type PreparedData, type HeadData, type Examples } from './examples.js';
export { encodeText, encodeInput, encodeGeneration, encodePrompt, idsToText, textToIds } from './encode.js';
export type { TrainEvents, TrainOptions, TrainResult, TrainStats, EpochSummary } from './types.js';
export type { Scaling, Scale } from './scaling.js';
export type { Baseline } from './baselines.js';
