// The public surface of @sluice/channels, in the order of the API contract.

// buffers
export type { Buffer } from "./buffers";
export { fixed, dropping, sliding } from "./buffers";

// channels
export type { ExHandler, OpOptions } from "./channel";
export { Channel, chan, promiseChan, MAX_PENDING } from "./channel";

// select
export type {
  DefaultResult,
  OpResult,
  SelectOp,
  SelectOptions,
  SelectResult,
  SelectResultOf,
  SelectValue,
} from "./select";
export { DEFAULT, select } from "./select";

// time and tasks
export type { TimeoutOptions } from "./timeout";
export { timeout } from "./timeout";
export { go } from "./go";

// transducers (the JS protocol of transducers-js and ramda)
export type { Transducer, Transformer, Reduced } from "./transducer";

// composition (packages/channels/src/ops)
export type { BufferSpec, CloseOptions } from "./ops/check";
export { pipe } from "./ops/pipe";
export type { PipelineFn, PipelineOptions, PipelineResult } from "./ops/pipeline";
export { pipeline } from "./ops/pipeline";
export { merge } from "./ops/merge";
export type { Mult } from "./ops/mult";
export { mult } from "./ops/mult";
export type { Pub } from "./ops/pub";
export { pub } from "./ops/pub";
export type { Mix, MixState, SoloMode } from "./ops/mix";
export { mix } from "./ops/mix";
export { split } from "./ops/split";
export { reduce, into } from "./ops/reduce";
export { onto, from } from "./ops/onto";
export { map, filter, mapcat, remove } from "./ops/transform";
export { take } from "./ops/take";
export { transduce } from "./ops/transduce";
export { partition, partitionBy } from "./ops/partition";
export { unique } from "./ops/unique";
export type { Zipped } from "./ops/zip";
export { zip } from "./ops/zip";
