// The Pump: the registry of sockets, the one loop that serves them all, and close.
//
// Invariants:
// - Every registered socket has exactly one Bridge; no user code touches the socket again.
// - All bridges share one Scheduler (scheduler.ts): one loop, round robin between sockets.
// - The pump never waits on `errors`: reports are offered; what does not fit is counted.
// - `errors` closes only after close() has finished with every socket.
import { chan, type Buffer as ChannelBuffer, type Channel } from "@sluice/channels";
import * as zmq from "zeromq";
import { Bridge, type SocketStats } from "./bridge";
import { debug } from "./debug";
import type { Engine, EngineName, EngineSocket } from "./engine";
import { loadNative, NATIVE_COMPLETE, NativeEngine } from "./engines/native";
import { ZeromqEngine } from "./engines/zeromq";
import type { PumpError } from "./errors";
import { attach as attachHooks } from "./hooks";
import type { Frame, Message } from "./frames";
import { kindNamed, type Kind, type KindInfo } from "./kinds";
import { Monitors } from "./monitor";
import { open, checkChannels, plan, type RegisterChannels, type SocketOptions } from "./options";
import { Scheduler } from "./scheduler";
import { SendChannel } from "./send-channel";
import { useRecv } from "./shared-recv";
import type { Sockets } from "./sockets";
import { DEFAULT_CHANNEL_BUFFER, ERRORS_BUFFER } from "./tuning";
import {
  checkZapOptions,
  serveZap,
  ZAP_ENDPOINT,
  zapContexts,
  type ZapOptions,
  type ZapRequest,
} from "./zap";

/** What `pump.stats()` returns. */
export interface PumpStats {
  /** The open sockets, in the order they were added. */
  sockets: SocketStats[];
  /** PumpErrors that did not fit on `errors` (as `pump.droppedErrors`). */
  droppedErrors: number;
  /** Turns the pump's loop has run. */
  turns: number;
}

/** What `new Pump({ engine })` may ask for. */
export type PumpEngine = "auto" | EngineName;

const ENGINES: readonly string[] = ["auto", "native", "zeromq"];

// opts.engine, else SLUICE_ENGINE, else "auto" (API.md "engines"); a context means zeromq.js.
function chooseEngine(opts: { context?: zmq.Context; engine?: PumpEngine }): Engine {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError("new Pump(opts): opts must be an object");
  }
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
    if (opts.engine === "native") {
      throw new TypeError(
        'new Pump(opts): a zeromq.js context works only with engine "zeromq" (the native ' +
          "engine has its own libzmq context)",
      );
    }
    return new ZeromqEngine(opts.context);
  }
  if (wanted === "native") return new NativeEngine();
  if (wanted === "auto" && NATIVE_COMPLETE && !("error" in loadNative())) return new NativeEngine();
  if (wanted === "auto" && debug.enabled) {
    const native = loadNative();
    debug(
      "pump: auto chose zeromq: %s",
      "error" in native ? native.error : "the native engine is not complete yet (issue 18)",
    );
  }
  return new ZeromqEngine();
}

/**
 * Owns ZeroMQ sockets and bridges each to a `send` and a `recv` channel, all served by one
 * loop [no core.async counterpart; the design follows Go's netpoller: one poller, many
 * goroutines blocked on channels]. Any number of tasks may put and take concurrently —
 * full-duplex ROUTER/DEALER included — without a lock.
 * @example
 * const pump = new Pump();
 * const pull = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
 * const push = await pump.socket("push", { connect: pull.endpoints[0] });
 * await push.send.put("hello");
 * const [frame] = (await pull.recv.take())!; // Buffer "hello"
 * await pump.close();
 */
export class Pump {
  readonly #engine: Engine;
  readonly #bridges = new Set<Bridge>();
  readonly #bySockets = new WeakMap<Sockets, Bridge>();
  readonly #turns = new Scheduler();
  readonly #errors = chan<PumpError>(ERRORS_BUFFER);
  readonly #monitors = new Monitors((e) => this.#reportError(e));
  readonly #creating = new Set<Promise<unknown>>();
  readonly #context: zmq.Context | undefined;
  #dropped = 0;
  #closing: Promise<void> | undefined;

  /**
   * @param opts.context the zeromq.js context for sockets that `socket()` creates (implies
   *   the zeromq.js engine).
   * @param opts.engine who moves the bytes of the sockets `socket()` creates: "zeromq"
   *   (zeromq.js), "native" (sluice's batched addon; an Error when it is not built), or
   *   "auto" (the default; SLUICE_ENGINE overrides it): native once it is complete, else zeromq.
   */
  constructor(opts: { context?: zmq.Context; engine?: PumpEngine } = {}) {
    this.#engine = chooseEngine(opts);
    this.#context = opts.context;
    if (debug.enabled) debug("pump: engine %s", this.#engine.describe());
  }

  /** The engine of the sockets `socket()` creates ("native" or "zeromq"); `register()`ed
   * sockets are always on the zeromq.js engine. */
  get engine(): EngineName {
    return this.#engine.name;
  }

  /**
   * What failed, on which socket, and the message that did not go out. Buffered
   * (1024) and never waited on; what would overflow is counted in `droppedErrors`.
   * Closes after `close()` has finished, once close-time failures are on it.
   */
  get errors(): Channel<PumpError> {
    return this.#errors;
  }

  /** How many PumpErrors did not fit on `errors` (nobody was taking) and were dropped. */
  get droppedErrors(): number {
    return this.#dropped;
  }

  /**
   * Creates a socket, sets its options, binds (awaited) and connects, then bridges it.
   * Rejects with a TypeError naming an unknown kind, key or option before any socket exists,
   * with zeromq's error for a bad endpoint, and with an Error once the pump is closed.
   * Without a `linger` option the socket gets 1000 ms (close never waits forever).
   * @example const router = await pump.socket("router", { bind: "tcp://127.0.0.1:*",
   *   options: { mandatory: true } });
   */
  async socket<K extends Kind>(type: K, opts: SocketOptions<K> = {}): Promise<Sockets> {
    this.#assertOpen("socket()");
    const info = kindNamed(type);
    const { options, freesSending } = plan(this.#engine, info, type, opts);
    const creating = open(this.#engine, info!, options, opts);
    this.#creating.add(creating);
    let socket: EngineSocket;
    let endpoints: string[];
    try {
      ({ socket, endpoints } = await creating);
    } finally {
      this.#creating.delete(creating);
    }
    if (this.#closing !== undefined) {
      socket.close();
      throw new Error(
        "socket(): the pump was closed while the socket was being set up (bound, connected)",
      );
    }
    const flags = { relaxed: options.relaxed === true, correlate: options.correlate === true };
    return this.#adopt(socket, info!, opts, endpoints, freesSending, flags);
  }

  /**
   * Adopts a zeromq socket that is already configured and bound/connected; from now on only
   * the pump touches it. Throws on a closed pump, an unsupported or closed socket, or one
   * already registered (with any pump). A linger of -1 (wait forever) is replaced by 1000 ms.
   * @example const sockets = pump.register(dealer, { recv: chan(16) });
   */
  register(socket: zmq.Socket, chans: RegisterChannels = {}): Sockets {
    this.#assertOpen("register()");
    if (chans === null || typeof chans !== "object") {
      throw new TypeError("register(socket, chans): chans must be an object");
    }
    checkChannels("register()", chans);
    const adopted = ZeromqEngine.adopt(socket);
    const endpoint = adopted.socket.lastEndpoint;
    return this.#adopt(adopted.socket, adopted.info, chans, endpoint ? [endpoint] : [], false);
  }

  /**
   * Socket monitor events (zeromq.js `socket.events`) as a channel: `{ type, address, … }`
   * values such as "accept", "connect", "disconnect". Dropping when full (default 64): a slow
   * reader loses events, never stalls the socket. Closes when the socket closes. Every call
   * gets its own channel, and each of them every event (zeromq.js has one observer per socket).
   * @throws TypeError for Sockets of another pump; PumpError when zeromq.js cannot start the
   *   socket's monitor (e.g. `EADDRINUSE`, see docs/zmq.md "Caveats").
   * @example for await (const e of pump.events(router)) console.log(e.type, e.address);
   */
  events(sockets: Sockets, buffer: number | ChannelBuffer<zmq.Event> = 64): Channel<zmq.Event> {
    const bridge = this.#bySockets.get(sockets);
    if (bridge === undefined) {
      throw new TypeError("events(sockets): expected the Sockets returned by this pump");
    }
    return this.#monitors.open(bridge, buffer);
  }

  /**
   * A snapshot of what the pump is doing [no core.async counterpart]: per open socket (in the
   * order they were added) what it sent and received, what waits each way, whether a send is
   * blocked now, and its errors; the PumpErrors dropped because nobody read `errors`; the
   * turns the loop has run.
   * @example setInterval(() => console.table(pump.stats().sockets), 1000).unref();
   */
  stats(): PumpStats {
    return {
      sockets: [...this.#bridges].map((bridge) => bridge.stats()),
      droppedErrors: this.#dropped,
      turns: this.#turns.turns,
    };
  }

  /**
   * ZeroMQ authentication (ZAP, RFC 27) as a channel [no core.async counterpart]: each
   * CURVE/PLAIN/NULL handshake of a socket in this pump's context (its `context`, else
   * zeromq.js's default) becomes a ZapRequest, answered with `allow()`/`deny()` whenever the
   * application likes. Unanswered within `timeout` (5000 ms): denied 500; the channel full
   * (`buffer`, 64): denied 300 at once; another `domain`: denied 400. Closes with the pump.
   * Sockets ask for it with ZeroMQ's options (`curveServer` + `curveSecretKey`, `plainServer`,
   * `zapDomain`); set `zapEnforceDomain: true`, since libzmq 4.3 lets CURVE/PLAIN clients in
   * when no handler is bound.
   * @throws Error when this context has a ZAP handler already; TypeError for bad options.
   * @example
   * for await (const req of pump.zap()) allowed.has(req.publicKey!) ? req.allow() : req.deny();
   */
  zap(opts: ZapOptions = {}): Channel<ZapRequest> {
    this.#assertOpen("zap()");
    const checked = checkZapOptions(opts);
    const context = this.#context ?? zmq.context;
    if (zapContexts.has(context)) {
      throw new Error(
        `zap(): this pump's context already has a ZAP handler (${ZAP_ENDPOINT}); one per context`,
      );
    }
    const router = new zmq.Router({ context, linger: 0 });
    try {
      bindZap(router);
    } catch (e) {
      router.close();
      throw new Error(
        `zap(): could not bind ${ZAP_ENDPOINT} (another ZAP handler?): ${String(e)}`,
        {
          cause: e,
        },
      );
    }
    zapContexts.add(context);
    const handler = this.register(router);
    return serveZap(handler, checked, () => zapContexts.delete(context));
  }

  /**
   * Closes every `send` channel, sends what was put on them (each socket for at most its
   * linger), closes every socket, then closes `errors`. Idempotent; the process can then exit
   * on its own. Sockets created or registered afterwards are refused.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    if (debug.enabled) {
      debug("pump: closing %d socket(s), %d being set up", this.#bridges.size, this.#creating.size);
    }
    await Promise.allSettled([...this.#creating]);
    for (const bridge of this.#bridges) bridge.close();
    await Promise.all([...this.#bridges].map((b) => b.sockets.closed));
    this.#engine.close?.();
    this.#errors.close();
    if (debug.enabled) debug("pump: closed (%d error(s) dropped)", this.#dropped);
  }

  #adopt(
    socket: EngineSocket,
    info: KindInfo,
    chans: RegisterChannels,
    endpoints: string[],
    freesSending: boolean,
    flags = { relaxed: false, correlate: false },
  ): Sockets {
    const recv = chans.recv ?? chan<Frame[]>(DEFAULT_CHANNEL_BUFFER);
    const send: Channel<Message> = chans.send ?? new SendChannel(info, DEFAULT_CHANNEL_BUFFER);
    const bridge = new Bridge({
      engine: socket,
      info,
      send,
      recv,
      releaseRecv: useRecv(recv),
      endpoints,
      turns: this.#turns,
      report: this.#reportError,
      freesSending,
    });
    this.#bridges.add(bridge);
    this.#bySockets.set(bridge.sockets, bridge);
    attachHooks(bridge.sockets, { kind: info.kind, ...flags, report: this.#reportError });
    void bridge.sockets.closed.then(() => this.#bridges.delete(bridge));
    bridge.start();
    return bridge.sockets;
  }

  #reportError = (error: PumpError): void => {
    const kept = this.#errors.offer(error);
    if (!kept) this.#dropped++;
    if (debug.enabled)
      debug("error%s: %s", kept ? "" : " (dropped: errors is full)", error.message);
  };

  #assertOpen(call: string): void {
    if (this.#closing !== undefined) throw new Error(`${call}: the pump is closed`);
  }
}

// A ZAP handler of a pump that just closed still holds the endpoint until libzmq's reaper
// thread has closed its socket (inproc endpoints are released there, not at close()): a
// zap() right after such a close waits for that, up to 200 ms, before it reports the
// endpoint as taken. (zap() is synchronous, and is called once per pump.)
function bindZap(router: zmq.Router): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      (router as unknown as { bindSync(a: string): void }).bindSync(ZAP_ENDPOINT);
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code !== "EADDRINUSE" || tries >= 40) throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
