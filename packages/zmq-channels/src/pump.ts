// The Pump: the registry of sockets, the one loop that serves them all, and close.
//
// Its parts: the registry of bridges (registry.ts), the engine choice (engine-choice.ts),
// ZAP's setup (zap.ts openZap).
//
// Invariants:
// - Every registered socket has exactly one Bridge (registry.ts); no user code touches it again.
// - The pump never waits on `errors`: reports are offered; what does not fit is counted.
// - `errors` closes only after close() has finished with every socket.
import { type Buffer as ChannelBuffer, type Channel } from "@sluice/channels";
import type * as zmq from "zeromq";
import { debug } from "./debug";
import type { Engine, EngineName, SocketEvent } from "./engine";
import { chooseEngine, type PumpEngine } from "./engine-choice";
import { ZeromqEngine } from "./engines/zeromq";
import type { PumpError } from "./errors";
import { KINDS, kindNamed, type Kind } from "./kinds";
import { Monitors } from "./monitor";
import {
  open,
  checkRegisterChannels,
  plan,
  type RegisterChannels,
  type SocketOptions,
} from "./options";
import { Registry, type PumpStats } from "./registry";
import { Reports } from "./reports";
import { SetupGate } from "./setup-gate";
import type { Sockets } from "./sockets";
import { openZap, ZAP_ENDPOINT, type ZapOptions, type ZapRequest, type ZapServed } from "./zap";

export type { PumpEngine } from "./engine-choice";
export type { PumpStats } from "./registry";

// The pumps with sockets, not closed yet (a pump without any holds nothing worth a close, and
// is not kept from the collector). When the process would end on its own (its loop has
// nothing left: no socket receives, nothing waits in a `send`), they are closed as close()
// closes them, so what their sockets still queue is delivered within its linger, as it is
// after close(). The native engine ends its context at exit without a linger (P60); zeromq.js
// waits at exit. (close() takes what the application's own `beforeExit` listeners put after
// this one.)
const unclosed = new Set<Pump>();
function closeUnclosed(): void {
  for (const pump of unclosed) void pump.close();
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
  readonly #reports = new Reports(); // errors, droppedErrors
  readonly #registry = new Registry((e) => this.#reports.report(e));
  readonly #setups = new SetupGate();
  readonly #monitors = new Monitors((e) => this.#reports.report(e));
  #closing: Promise<void> | undefined;
  #zap: ZapServed | undefined; // the ZAP handler, if zap() was called

  /**
   * @param opts.context the zeromq.js context for sockets that `socket()` creates (implies
   *   the zeromq.js engine).
   * @param opts.engine who moves the bytes of the sockets `socket()` creates: "zeromq"
   *   (zeromq.js), "native" (sluice's batched addon; an Error when it is not built), or
   *   "auto" (the default; SLUICE_ENGINE overrides it): native when it was built and loads,
   *   else zeromq (NODE_DEBUG=sluice says why).
   */
  constructor(opts: { context?: zmq.Context | undefined; engine?: PumpEngine | undefined } = {}) {
    this.#engine = chooseEngine(opts);
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
    return this.#reports.channel;
  }

  /** How many PumpErrors did not fit on `errors` (nobody was taking) and were dropped. */
  get droppedErrors(): number {
    return this.#reports.dropped;
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
    this.#closeAtExit();
    // Setups made together run in stretches of TURN_MS, in call order (setup-gate.ts). close()
    // waits for what is in `creating`: a socket being set up is closed by it, never left open.
    const setup = this.#setups.run(() => {
      this.#assertOpen("socket()");
      return this.#setUp(info!, options, opts, freesSending); // creates and binds, at once
    });
    this.#registry.creating.add(setup);
    try {
      return await setup;
    } finally {
      this.#registry.creating.delete(setup);
    }
  }

  async #setUp<K extends Kind>(
    info: NonNullable<ReturnType<typeof kindNamed>>,
    options: ReturnType<typeof plan>["options"],
    opts: SocketOptions<K>,
    freesSending: boolean,
  ): Promise<Sockets> {
    const { socket, endpoints } = await open(this.#engine, info, options, opts);
    // Bridging it (its lanes, their first receive) is synchronous work too: a turn of its own.
    return this.#setups.run(() => {
      if (this.#closing !== undefined) {
        socket.close();
        throw new Error(
          "socket(): the pump was closed while the socket was being set up (bound, connected)",
        );
      }
      const flags = { relaxed: options.relaxed === true, correlate: options.correlate === true };
      return this.#registry.adopt(socket, info, opts, endpoints, freesSending, flags);
    });
  }

  /**
   * Adopts a zeromq socket that is already configured and bound/connected; from now on only
   * the pump touches it. Throws on a closed pump, an unsupported or closed socket, or one
   * already registered (with any pump). A linger of -1 (wait forever) is replaced by 1000 ms.
   * @example const sockets = pump.register(dealer, { recv: chan(16) });
   */
  register(socket: zmq.Socket, chans: RegisterChannels = {}): Sockets {
    this.#assertOpen("register()");
    checkRegisterChannels(chans);
    const adopted = ZeromqEngine.adopt(socket);
    this.#closeAtExit();
    const endpoint = adopted.socket.lastEndpoint;
    return this.#registry.adopt(
      adopted.socket,
      adopted.info,
      chans,
      endpoint ? [endpoint] : [],
      false,
    );
  }

  /**
   * Socket monitor events (zeromq.js `socket.events`) as a channel: `{ type, address, … }`
   * values such as "accept", "connect", "disconnect"; on the native engine also `peer`, the
   * other end's address (a client's `tcp://ip:port` on a socket that binds; docs/zmq.md
   * "Monitor events"). Dropping when full (default 64): a slow
   * reader loses events, never stalls the socket. Closes when the socket closes. Every call
   * gets its own channel, and each of them every event (zeromq.js has one observer per socket).
   * @throws TypeError for Sockets of another pump; PumpError when the engine cannot start the
   *   socket's monitor (e.g. `EADDRINUSE`, see docs/zmq.md "Caveats").
   * @example for await (const e of pump.events(router)) console.log(e.type, e.address, e.peer);
   */
  events(sockets: Sockets, buffer: number | ChannelBuffer<SocketEvent> = 64): Channel<SocketEvent> {
    return this.#monitors.open(this.#registry.bridgeOf(sockets, "events(sockets)"), buffer);
  }

  /**
   * A snapshot of what the pump is doing [no core.async counterpart]: per open socket (in the
   * order they were added) what it sent and received, what waits each way, whether a send is
   * blocked now, and its errors; the PumpErrors dropped because nobody read `errors`; the
   * turns the loop has run.
   * @example setInterval(() => console.table(pump.stats().sockets), 1000).unref();
   */
  stats(): PumpStats {
    return this.#registry.stats(this.#reports.dropped);
  }

  /**
   * ZeroMQ authentication (ZAP, RFC 27) as a channel [no core.async counterpart]: each
   * CURVE/PLAIN/NULL handshake of a socket in this pump's engine's context (zeromq.js: its
   * `context`, else zeromq.js's default; native: the native engine's one context) becomes a ZapRequest, answered with `allow()`/`deny()` whenever the
   * application likes. Unanswered within `timeout` (5000 ms): denied 500; the channel full
   * (`buffer`, 64): denied 300 at once; another `domain`: denied 400. Closes with the pump, after
   * its other sockets; what is pending then is denied 500.
   * Sockets ask for it with ZeroMQ's options (`curveServer` + `curveSecretKey`, `plainServer`,
   * `zapDomain`); set `zapEnforceDomain: true`, since libzmq 4.3 lets CURVE clients in when no
   * handler is bound (a PLAIN server needs one).
   * @throws Error when this context has a ZAP handler already; TypeError for bad options.
   * @example
   * for await (const req of pump.zap()) allowed.has(req.publicKey!) ? req.allow() : req.deny();
   */
  zap(opts: ZapOptions = {}): Channel<ZapRequest> {
    this.#assertOpen("zap()");
    const zap = openZap(this.#engine, opts, (router) =>
      this.#registry.adopt(router, KINDS.router, {}, [ZAP_ENDPOINT], false),
    );
    this.#zap = zap;
    return zap.requests;
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
    unclosed.delete(this);
    if (unclosed.size === 0) process.off("beforeExit", closeUnclosed);
    // The ZAP handler last: without it, libzmq would let clients of the sockets still
    // lingering in unasked (decisions P72).
    await this.#registry.close(this.#zap?.handler);
    this.#zap?.refuse(); // its replies go out as its socket closes
    await this.#registry.close();
    await this.#zap?.served; // the ZAP handler's channel closed and its context free (P31)
    this.#engine.close?.();
    this.#reports.channel.close();
    if (debug.enabled) debug("pump: closed (%d error(s) dropped)", this.#reports.dropped);
  }

  // Once the pump has a socket, it is closed when the process would end on its own.
  #closeAtExit(): void {
    if (unclosed.has(this)) return;
    if (unclosed.size === 0) process.on("beforeExit", closeUnclosed);
    unclosed.add(this);
  }

  #assertOpen(call: string): void {
    if (this.#closing !== undefined) throw new Error(`${call}: the pump is closed`);
  }
}
