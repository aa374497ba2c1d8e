// The Pump: the registry of sockets and the one scheduling loop that serves them all.
//
// Invariants:
// - Every registered socket has exactly one Bridge; no user code touches the socket again.
// - The loop is one turn at a time: a lane that has spent its budget (SOCKET_BUDGET messages,
//   or the turn's TURN_BUDGET is gone) waits for the next turn, which starts from setImmediate,
//   so timers, I/O and zeromq.js's release of zero-copy buffers run between turns. Lanes resume
//   in the order they yielded (round robin), so a flood on one socket cannot starve another.
// - The pump never waits on `errors`: reports are offered; what does not fit is counted.
// - `errors` closes only after close() has finished with every socket.
import { Channel, chan, dropping, type Buffer as ChannelBuffer } from "@sluice/channels";
import * as zmq from "zeromq";
import { Bridge, SendChannel, type Sockets, type Turns } from "./bridge";
import { codeOf, type PumpError } from "./errors";
import { attach } from "./hooks";
import type { Frame, Message } from "./frames";
import { KINDS, kindNamed, kindOf, type Kind, type KindInfo, type SocketClasses } from "./kinds";
import {
  DEFAULT_CHANNEL_BUFFER,
  DEFAULT_LINGER,
  ERRORS_BUFFER,
  list,
  TURN_BUDGET,
  TURN_MS,
  validateSocketOptions,
} from "./options";

/**
 * Options of `pump.socket()` [no core.async counterpart]. Socket option names are zeromq.js v6's;
 * an unknown one makes `socket()` reject naming it, before any socket is created.
 * @example { bind: "tcp://127.0.0.1:*", options: { sendHighWaterMark: 100, linger: 0 } }
 */
export interface SocketOptions<K extends Kind = Kind> {
  /** Endpoints to bind; `socket()` resolves once every bind has completed. */
  bind?: string | string[];
  /** Endpoints to connect to (zeromq connects in the background and reconnects). */
  connect?: string | string[];
  /** SUB only: topics to subscribe to; `""` is everything. None means no subscription. */
  subscribe?: string | string[];
  /**
   * zeromq.js v6 socket options by name (`sendHighWaterMark`, `linger`, `mandatory`, …), typed
   * by the kind's zeromq.js class, so a misspelt name is a compile error; `receiveTimeout` is
   * the pump's own, and an XPUB's `manual` cannot work under it. Checked again at run time, for
   * callers without types.
   */
  options?: KindOptions<K>;
  /** A channel of your own to use as `send` (the pump then checks messages as it sends). */
  send?: Channel<Message>;
  /** A channel of your own to use as `recv`, e.g. with a sliding buffer. */
  recv?: Channel<Frame[]>;
}

/** The options of a kind's zeromq.js class; any option names when the kind is not known. */
export type KindOptions<K extends Kind> = Kind extends K
  ? Record<string, unknown>
  : Omit<zmq.SocketOptions<SocketClasses[K]>, "receiveTimeout" | "manual">;

/**
 * Channels to bridge an adopted socket to (`pump.register()`); the pump creates what is missing
 * (buffered, 128).
 * @example pump.register(dealer, { recv: chan(sliding(10)) })
 */
export interface RegisterChannels {
  /** A channel of your own to use as `send`. */
  send?: Channel<Message>;
  /** A channel of your own to use as `recv`. */
  recv?: Channel<Frame[]>;
}

// The loop's turns: one setImmediate per turn, shared by every lane that yielded. A turn ends
// when its message budget is spent or when it has run TURN_MS (checked every 32 messages), so
// the event loop gets its say within a few milliseconds however costly the messages are.
class Scheduler implements Turns {
  #waiting: Array<() => void> = [];
  #spent = 0;
  #since = -1; // when this turn's first message was handled
  #armed = false;

  spend(): boolean {
    const spent = ++this.#spent;
    if (spent >= TURN_BUDGET) return true;
    if ((spent & 31) !== 0) return false;
    const now = performance.now();
    if (this.#since < 0) this.#since = now;
    return now - this.#since >= TURN_MS;
  }

  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#armed) {
        this.#armed = true;
        setImmediate(this.#run);
      }
    });
  }

  #run = (): void => {
    this.#armed = false;
    this.#spent = 0;
    this.#since = -1;
    const ready = this.#waiting;
    this.#waiting = [];
    for (const resume of ready) resume();
  };
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
  readonly #context: zmq.Context | undefined;
  readonly #bridges = new Set<Bridge>();
  readonly #bySockets = new WeakMap<Sockets, Bridge>();
  readonly #adopted = new WeakSet<zmq.Socket>();
  readonly #turns = new Scheduler();
  readonly #errors = chan<PumpError>(ERRORS_BUFFER);
  // The channels events() handed out, per socket being observed.
  readonly #eventOuts = new WeakMap<Bridge, Set<Channel<zmq.Event>>>();
  readonly #creating = new Set<Promise<unknown>>();
  #dropped = 0;
  #closing: Promise<void> | undefined;

  /** @param opts.context the zeromq context for sockets that `socket()` creates. */
  constructor(opts: { context?: zmq.Context } = {}) {
    this.#context = opts.context;
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
    if (info === undefined) {
      throw new TypeError(
        `socket(${JSON.stringify(type)}): unknown socket kind ` +
          `(expected one of ${Object.keys(KINDS).join(", ")})`,
      );
    }
    validateSocketOptions(info, opts);
    checkChannels(`socket("${info.kind}")`, opts);
    const { sendTimeout, ...options } = (opts.options ?? {}) as Record<string, unknown>;
    if (sendTimeout !== undefined && typeof sendTimeout !== "number") {
      throw new TypeError(`socket("${info.kind}"): option "sendTimeout" must be a number`);
    }
    const socket = createSocket(info, this.#context, options);
    const creating = this.#connect(socket, info, opts);
    this.#creating.add(creating);
    let endpoints: string[];
    try {
      endpoints = await creating;
    } catch (e) {
      socket.close();
      throw e;
    } finally {
      this.#creating.delete(creating);
    }
    if (this.#closing !== undefined) {
      socket.close();
      throw new Error(
        "socket(): the pump was closed while the socket was being set up (bound, connected)",
      );
    }
    const { relaxed, correlate } = options;
    return this.#adopt(
      socket,
      info,
      opts,
      endpoints,
      sendTimeout ?? -1,
      relaxed === true,
      correlate === true,
    );
  }

  /**
   * Adopts a zeromq socket that is already configured and bound/connected; from now on only
   * the pump touches it. Throws on a closed pump, an unsupported or closed socket, or one
   * already registered. A linger of -1 (wait forever) is replaced by 1000 ms.
   * @example const sockets = pump.register(dealer, { recv: chan(16) });
   */
  register(socket: zmq.Socket, chans: RegisterChannels = {}): Sockets {
    this.#assertOpen("register()");
    if (!(socket instanceof zmq.Socket)) {
      throw new TypeError("register(socket): expected a zeromq Socket");
    }
    const info = kindOf(socket);
    if (info === undefined) {
      throw new TypeError(
        `register(socket): a ${socket.constructor.name} is not a socket kind the pump supports`,
      );
    }
    if (socket.closed) throw new TypeError(`register(socket): the ${info.kind} socket is closed`);
    if (this.#adopted.has(socket)) {
      throw new TypeError(`register(socket): this ${info.kind} socket is already registered`);
    }
    if (chans === null || typeof chans !== "object") {
      throw new TypeError("register(socket, chans): chans must be an object");
    }
    checkChannels("register()", chans);
    if (socket.linger < 0) socket.linger = DEFAULT_LINGER;
    const endpoint = socket.lastEndpoint;
    const sendTimeout = info.canSend ? (socket as zmq.Socket & zmq.Writable).sendTimeout : -1;
    return this.#adopt(socket, info, chans, endpoint ? [endpoint] : [], sendTimeout);
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
    const out = new Channel<zmq.Event>(
      typeof buffer === "number" ? dropping<zmq.Event>(buffer) : buffer,
    );
    if (bridge.socket.closed) {
      out.close();
      return out;
    }
    let outs = this.#eventOuts.get(bridge);
    if (outs === undefined) {
      outs = new Set();
      this.#observe(bridge, outs); // throws before registering when the monitor can't start
      this.#eventOuts.set(bridge, outs);
    }
    outs.add(out);
    return out;
  }

  // One loop per socket over zeromq.js's one observer, offering each event to every channel
  // that events() handed out for it (a second `for await` over the observer fails with EBUSY).
  #observe(bridge: Bridge, outs: Set<Channel<zmq.Event>>): void {
    let observer: zmq.Observer;
    try {
      observer = bridge.socket.events;
    } catch (e) {
      // zeromq.js 6.8.0 names a monitor's endpoint after an address it may reuse while an old
      // monitor is still being torn down (fast churn of monitored sockets): EADDRINUSE.
      throw bridge.error(codeOf(e), "events(): the socket's monitor could not start", undefined, e);
    }
    void (async () => {
      try {
        // The observer ends by itself when the socket closes. Never close it by hand: on
        // zeromq 6.8.0 observer.close() leaves libzmq unable to reap later sockets (each
        // then leaks its descriptors until EMFILE).
        for await (const event of observer) for (const out of outs) out.offer(event);
      } catch (e) {
        // The observer ends with an error when its socket closes under it; anything else
        // (the user iterating the socket's observer too) is reported, not swallowed.
        if (!bridge.socket.closed) {
          this.#reportError(
            bridge.error(codeOf(e), "events(): the socket's monitor failed", undefined, e),
          );
        }
      } finally {
        this.#eventOuts.delete(bridge);
        for (const out of outs) out.close();
      }
    })();
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
    await Promise.allSettled([...this.#creating]);
    for (const bridge of this.#bridges) bridge.close();
    await Promise.all([...this.#bridges].map((b) => b.sockets.closed));
    this.#errors.close();
  }

  async #connect(
    socket: zmq.Socket,
    info: KindInfo,
    opts: Pick<SocketOptions, "bind" | "connect" | "subscribe">,
  ): Promise<string[]> {
    const endpoints: string[] = [];
    for (const address of list(opts.bind)) {
      await socket.bind(address);
      endpoints.push(socket.lastEndpoint ?? address);
    }
    for (const address of list(opts.connect)) {
      socket.connect(address);
      endpoints.push(address);
    }
    if (info.subscribes) {
      const topics = list(opts.subscribe);
      if (topics.length > 0) (socket as zmq.Subscriber).subscribe(...topics);
    }
    return endpoints;
  }

  #adopt(
    socket: zmq.Socket,
    info: KindInfo,
    chans: RegisterChannels,
    endpoints: string[],
    giveUpAfter: number,
    relaxed = false,
    correlate = false,
  ): Sockets {
    // The synchronous fast path: zeromq.js then tries at once and skips ZMQ_EVENTS (P1).
    if (info.canSend) (socket as zmq.Socket & zmq.Writable).sendTimeout = 0;
    if (info.canRecv) (socket as zmq.Socket & zmq.Readable).receiveTimeout = 0;
    const recv = chans.recv ?? chan<Frame[]>(DEFAULT_CHANNEL_BUFFER);
    recvUsers.set(recv, (recvUsers.get(recv) ?? 0) + 1);
    const bridge = new Bridge({
      socket,
      info,
      send: chans.send ?? new SendChannel(info, DEFAULT_CHANNEL_BUFFER),
      recv,
      releaseRecv: () => releaseRecv(recv),
      endpoints,
      turns: this.#turns,
      report: this.#reportError,
      giveUpAfter,
      relaxed,
    });
    this.#adopted.add(socket);
    this.#bridges.add(bridge);
    this.#bySockets.set(bridge.sockets, bridge);
    attach(bridge.sockets, { kind: info.kind, relaxed, correlate, report: this.#reportError });
    void bridge.sockets.closed.then(() => this.#bridges.delete(bridge));
    bridge.start();
    return bridge.sockets;
  }

  #reportError = (error: PumpError): void => {
    if (!this.#errors.offer(error)) this.#dropped++;
  };

  #assertOpen(call: string): void {
    if (this.#closing !== undefined) throw new Error(`${call}: the pump is closed`);
  }
}

// How many open sockets put on each `recv`, across every pump: one the user passes may be
// shared (fan-in), and closes when the last of its sockets is done with it (P18).
const recvUsers = new WeakMap<Channel<Frame[]>, number>();

function releaseRecv(recv: Channel<Frame[]>): void {
  const users = (recvUsers.get(recv) ?? 1) - 1;
  if (users > 0) {
    recvUsers.set(recv, users);
    return;
  }
  recvUsers.delete(recv);
  recv.close();
}

/**
 * Creates the socket, then sets its options one at a time, so a value zeromq refuses is named
 * and the socket closed. (Given to zeromq.js's constructor, a refused value throws after the
 * native socket exists, and that socket, never closed, crashes the process at exit.)
 */
function createSocket(
  info: KindInfo,
  context: zmq.Context | undefined,
  options: Record<string, unknown>,
): zmq.Socket {
  const { context: given, ...rest } = options;
  const ctx = (given as zmq.Context | undefined) ?? context;
  const socket = new info.Class(ctx === undefined ? {} : { context: ctx });
  const settable = socket as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries({ linger: DEFAULT_LINGER, ...rest })) {
    try {
      settable[name] = value;
    } catch (e) {
      socket.close();
      const why = e instanceof Error ? e.message : String(e);
      throw new TypeError(
        `socket("${info.kind}"): option "${name}" refused ${describeValue(value)}: ${why}`,
        { cause: e },
      );
    }
  }
  return socket;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  return value === undefined ? "undefined" : `a ${typeof value}`;
}

function checkChannels(call: string, chans: RegisterChannels): void {
  for (const key of ["send", "recv"] as const) {
    const ch = chans[key];
    if (ch !== undefined && !(ch instanceof Channel)) {
      throw new TypeError(`${call}: ${key} must be a Channel from @sluice/channels`);
    }
  }
}
