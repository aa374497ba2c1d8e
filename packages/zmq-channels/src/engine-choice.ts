// Which engine a Pump's `socket()` sockets run on: `opts.engine`, else SLUICE_ENGINE, else
// "auto" (API.md "engines").
//
// Invariants:
// - A zeromq.js context means the zeromq.js engine ("native" with a context is a TypeError).
// - "auto" chooses native whenever its addon loads (it passes the pump's whole suite, as
//   zeromq.js does: decisions P42); otherwise zeromq.js, and the debug log says why.
import * as zmq from "zeromq";
import { debug } from "./debug";
import type { Engine, EngineName } from "./engine";
import { loadNative, NativeEngine } from "./engines/native";
import { ZeromqEngine } from "./engines/zeromq";
import { checkOpts, describeValue } from "./frames";

/** What `new Pump({ engine })` may ask for. */
export type PumpEngine = "auto" | EngineName;

const ENGINES: readonly string[] = ["auto", "native", "zeromq"];

// opts.engine, else SLUICE_ENGINE, else "auto" (API.md "engines"); a context means zeromq.js.
export function chooseEngine(opts: {
  context?: zmq.Context | undefined;
  engine?: PumpEngine | undefined;
}): Engine {
  checkOpts("new Pump(opts)", opts, ["context", "engine"]);
  const env = process.env.SLUICE_ENGINE;
  if (opts.engine !== undefined && !ENGINES.includes(opts.engine)) {
    throw new TypeError(
      `new Pump(opts): unknown engine ${JSON.stringify(opts.engine)} (expected ${ENGINES.join(", ")})`,
    );
  }
  if (opts.engine === undefined && env !== undefined && env !== "" && !ENGINES.includes(env)) {
    throw new TypeError(
      `new Pump(): SLUICE_ENGINE=${JSON.stringify(env)} is not an engine (expected ${ENGINES.join(", ")})`,
    );
  }
  const wanted = opts.engine ?? (env || "auto");
  if (opts.context !== undefined) {
    if (!(opts.context instanceof zmq.Context)) {
      throw new TypeError(
        "new Pump(opts): opts.context must be a zeromq.js Context (new zmq.Context()), got " +
          describeValue(opts.context),
      );
    }
    if (opts.engine === "native") {
      throw new TypeError(
        'new Pump(opts): a zeromq.js context works only with engine "zeromq" (the native ' +
          "engine has its own libzmq context)",
      );
    }
    return new ZeromqEngine(opts.context);
  }
  if (wanted === "native") return new NativeEngine();
  if (wanted === "auto") {
    const native = loadNative();
    if (!("error" in native)) return new NativeEngine();
    debug("pump: auto chose zeromq: %s", native.error);
  }
  return new ZeromqEngine();
}
