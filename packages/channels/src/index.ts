// The public surface of @sluice/channels, in the order of the API contract.

// buffers
export type { Buffer } from "./buffers";
export { fixed, dropping, sliding } from "./buffers";

// channels
export type { OpOptions } from "./channel";
export { Channel, chan, promiseChan, MAX_PENDING } from "./channel";

// select
export type { SelectOp, SelectOptions, SelectResult } from "./select";
export { DEFAULT, select } from "./select";

// time and tasks
export { timeout } from "./timeout";
export { go } from "./go";

// composition
