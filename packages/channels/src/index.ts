// The public surface of @sluice/channels, in the order of the API contract.
//
// Each value is exported with `export import name = module.name`, which compiles to a plain
// `exports.name = module.name`. `export { name } from` compiles to a getter per name, and an
// exports object of getters is a dictionary in V8: every `select(...)` that CommonJS code calls
// through it (TypeScript's `(0, channels_1.select)(...)`) paid a hash lookup and a getter call,
// 6–9% of the bench's select loop (decision C20).
import * as buffersModule from "./buffers";
import * as channelModule from "./channel";
import * as selectModule from "./select";
import * as timeoutModule from "./timeout";
import * as goModule from "./go";
import * as pipeModule from "./ops/pipe";
import * as pipelineModule from "./ops/pipeline";
import * as mergeModule from "./ops/merge";
import * as multModule from "./ops/mult";
import * as pubModule from "./ops/pub";
import * as mixModule from "./ops/mix";
import * as splitModule from "./ops/split";
import * as reduceModule from "./ops/reduce";
import * as ontoModule from "./ops/onto";
import * as transformModule from "./ops/transform";
import * as takeModule from "./ops/take";
import * as transduceModule from "./ops/transduce";
import * as partitionModule from "./ops/partition";
import * as uniqueModule from "./ops/unique";
import * as zipModule from "./ops/zip";

// buffers
export type { Buffer } from "./buffers";
export import fixed = buffersModule.fixed;
export import dropping = buffersModule.dropping;
export import sliding = buffersModule.sliding;

// channels
export type { ExHandler, OpOptions } from "./channel";
export import Channel = channelModule.Channel;
export import chan = channelModule.chan;
export import promiseChan = channelModule.promiseChan;
export import MAX_PENDING = channelModule.MAX_PENDING;

// select
export type {
  CheckedOps,
  DefaultResult,
  OpResult,
  SelectOp,
  SelectOptions,
  SelectResult,
  SelectResultOf,
  SelectValue,
} from "./select";
export import DEFAULT = selectModule.DEFAULT;
export import select = selectModule.select;

// time and tasks
export type { TimeoutOptions } from "./timeout";
export import timeout = timeoutModule.timeout;
export import go = goModule.go;

// transducers (the JS protocol of transducers-js and ramda)
export type { Transducer, Transformer, Reduced } from "./transducer";

// composition (packages/channels/src/ops)
export type { BufferSpec, CloseOptions } from "./ops/check";
export import pipe = pipeModule.pipe;
export type { PipelineFn, PipelineOptions, PipelineResult } from "./ops/pipeline";
export import pipeline = pipelineModule.pipeline;
export import merge = mergeModule.merge;
export type { Mult } from "./ops/mult";
export import mult = multModule.mult;
export type { Pub } from "./ops/pub";
export import pub = pubModule.pub;
export type { Mix, MixState, SoloMode } from "./ops/mix";
export import mix = mixModule.mix;
export import split = splitModule.split;
export import reduce = reduceModule.reduce;
export import into = reduceModule.into;
export import onto = ontoModule.onto;
export import from = ontoModule.from;
export import map = transformModule.map;
export import filter = transformModule.filter;
export import mapcat = transformModule.mapcat;
export import remove = transformModule.remove;
export import take = takeModule.take;
export import transduce = transduceModule.transduce;
export import partition = partitionModule.partition;
export import partitionBy = partitionModule.partitionBy;
export import unique = uniqueModule.unique;
export type { Zipped } from "./ops/zip";
export import zip = zipModule.zip;
