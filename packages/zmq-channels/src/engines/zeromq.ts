// The zeromq.js engine: one call and one promise per message (batch 1).
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - Every socket runs with sendTimeout 0 and receiveTimeout 0, the synchronous fast path:
//   zeromq.js tries at once, without its ZMQ_EVENTS check, and returns a settled promise (P1).
// - Nothing here reads `socket.readable`/`socket.writable`, and on a socket that also receives
//   no send is ever left waiting inside zeromq.js: either would run ZMQ_EVENTS, which can
//   swallow the wake-up of the other direction's pending operation (P2). So such a socket
//   waits for writability by backing off and retrying synchronously (a synchronous attempt
//   makes zeromq.js re-check the pending receive), and only a receive ever waits inside it.
// - A socket that cannot receive waits for writability inside zeromq.js (a "parked" send,
//   finite so the lane notices a close); nothing can be stranded on it.
import * as zmq from "zeromq";
import type { Engine, EngineSocket } from "../engine";
import { codeOf } from "../errors";
import { describeValue, type Frame, type Message } from "../frames";
import { kindOf, type KindInfo } from "../kinds";
import {
  DEFAULT_LINGER,
  FLOOD_AFTER,
  LET_GO_FIRST,
  PARK_RECHECK,
  QUICK_MS,
  RETRY_DELAYS,
} from "../tuning";

type Writable = zmq.Socket & zmq.Writable;
type Readable = zmq.Socket & zmq.Readable;

// Sockets some pump has adopted, across every pump: one socket, one owner.
const adopted = new WeakSet<zmq.Socket>();

/** Sockets created with a zeromq.js context (the pump's, or zeromq's default). */
export class ZeromqEngine implements Engine {
  readonly name = "zeromq";
  readonly #context: zmq.Context | undefined;

  constructor(context?: zmq.Context) {
    this.#context = context;
  }

  // zeromq.js defines each option as an accessor on the class prototype (its defineOpt): an
  // option exists for a kind exactly when some prototype on the chain has a setter for it.
  hasOption(info: KindInfo, name: string): boolean {
    if (name === "context") return true;
    for (let p: object | null = info.Class.prototype; p !== null && p !== Object.prototype;) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d !== undefined) return d.set !== undefined;
      p = Object.getPrototypeOf(p) as object | null;
    }
    return false;
  }

  // Options are set one at a time after construction: given to zeromq.js's constructor, a
  // refused value throws after the native socket exists, and that socket, never closed,
  // crashes the process at exit.
  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket {
    const { context: given, sendTimeout, ...rest } = options;
    const context = (given as zmq.Context | undefined) ?? this.#context;
    const socket = new info.Class(context === undefined ? {} : { context });
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
    adopted.add(socket);
    return new ZeromqSocket(socket, info, (sendTimeout as number | undefined) ?? -1);
  }

  /**
   * Adopts a zeromq.js socket that is configured and bound or connected (`pump.register`).
   * Throws a TypeError naming what is wrong with it. A linger of -1 becomes DEFAULT_LINGER.
   */
  static adopt(socket: unknown): { info: KindInfo; socket: EngineSocket } {
    if (!(socket instanceof zmq.Socket)) {
      throw new TypeError(
        `register(socket): expected a zeromq Socket, got ${describeValue(socket)}`,
      );
    }
    const info = kindOf(socket);
    if (info === undefined) {
      throw new TypeError(
        `register(socket): a ${socket.constructor.name} is not a socket kind the pump supports`,
      );
    }
    if (socket.closed) throw new TypeError(`register(socket): the ${info.kind} socket is closed`);
    if (adopted.has(socket)) {
      throw new TypeError(`register(socket): this ${info.kind} socket is already registered`);
    }
    adopted.add(socket);
    if (socket.linger < 0) socket.linger = DEFAULT_LINGER;
    const sendTimeout = info.canSend ? (socket as Writable).sendTimeout : -1;
    return { info, socket: new ZeromqSocket(socket, info, sendTimeout) };
  }
}

class ZeromqSocket implements EngineSocket {
  readonly batch = 1;
  readonly sendTimeout: number;
  readonly #socket: zmq.Socket;
  readonly #canRecv: boolean;

  // receiving: flooding (receiveTimeout 0) or trickling (-1), P16
  #flooding = true;
  #quick = 0; // messages in a row that were already queued when a trickling receive asked

  // sending
  #attempt = 0; // failed tries of the message the send lane holds: the back-off's step
  #wake: (() => void) | undefined; // ends a back-off early
  #parked = false; // a send waits inside zeromq.js (sockets that cannot receive)

  constructor(socket: zmq.Socket, info: KindInfo, sendTimeout: number) {
    this.#socket = socket;
    this.#canRecv = info.canRecv;
    this.sendTimeout = sendTimeout;
    if (info.canSend) (socket as Writable).sendTimeout = 0;
    if (info.canRecv) (socket as Readable).receiveTimeout = 0;
  }

  get closed(): boolean {
    return this.#socket.closed;
  }

  get linger(): number {
    return this.#socket.linger;
  }

  get lastEndpoint(): string | undefined {
    return this.#socket.lastEndpoint ?? undefined;
  }

  // -- receiving ------------------------------------------------------------------------------

  // Two ways to read (P16). Flooding (receiveTimeout 0): zeromq.js takes a queued message at
  // once, without its ZMQ_EVENTS check (about a third of a receive's cost); but when nothing is
  // queued that fails with EAGAIN, a rejected promise costing ~11 µs on the bench machine, and
  // a socket where messages trickle (round trips, a quiet peer) would pay that for every
  // message. So the first EAGAIN switches to trickling (receiveTimeout -1): zeromq.js asks
  // ZMQ_EVENTS once, then receives at once or waits in its poller, as plain zeromq.js code
  // does. FLOOD_AFTER messages in a row that were there at once switch back.
  receive(): Promise<Frame[][]> {
    if (this.#flooding) {
      return (this.#socket as Readable).receive().then(this.#received, this.#floodFailed);
    }
    return this.#trickle();
  }

  #received = (message: Frame[]): Frame[][] => {
    this.#wake?.(); // traffic often means room: a blocked send tries again now
    return [message];
  };

  #floodFailed = (e: unknown): Frame[][] | Promise<Frame[][]> => {
    if (this.#socket.closed) return [];
    if (codeOf(e) !== "EAGAIN") throw e;
    this.#flooding = false;
    this.#quick = 0;
    (this.#socket as Readable).receiveTimeout = -1;
    return this.#trickle();
  };

  async #trickle(): Promise<Frame[][]> {
    // Let whoever took the last message go first — their continuation and what it puts, such
    // as a reply — and ask zeromq to wait (ZMQ_EVENTS, then a poll registration: system calls)
    // only after: a few microtask ticks, no event-loop turn (P17).
    for (let i = 0; i < LET_GO_FIRST; i++) await undefined;
    const socket = this.#socket as Readable;
    for (;;) {
      const asked = performance.now();
      let message: Frame[];
      try {
        message = await socket.receive();
      } catch (e) {
        // EAGAIN while trickling means the socket was closed under the pending receive.
        if (socket.closed) return [];
        if (codeOf(e) !== "EAGAIN") throw e;
        continue;
      }
      if (performance.now() - asked >= QUICK_MS) this.#quick = 0;
      else if (++this.#quick >= FLOOD_AFTER) {
        this.#flooding = true;
        socket.receiveTimeout = 0;
      }
      return this.#received(message);
    }
  }

  // -- sending --------------------------------------------------------------------------------

  send(batch: readonly Message[], from: number): Promise<number> {
    // The fast path: sendTimeout is 0, so zeromq.js tries at once and the promise is settled.
    return (this.#socket as Writable).send(batch[from]!).then(this.#sent, this.#sendFailed);
  }

  #sent = (): number => {
    this.#attempt = 0;
    return 1;
  };

  #sendFailed = (e: unknown): number => {
    if (codeOf(e) === "EAGAIN") return 0;
    this.#attempt = 0;
    throw e;
  };

  writable(pending: Message, ms: number): Promise<boolean> {
    return this.#canRecv ? this.#backOff(ms) : this.#park(pending, ms);
  }

  // A socket that also receives: wait, then let the lane try again synchronously. Woken early
  // by a receive (traffic often means room) and by wake().
  #backOff(left: number): Promise<boolean> {
    const step = RETRY_DELAYS[Math.min(this.#attempt++, RETRY_DELAYS.length - 1)] ?? 0;
    const delay = left < 0 ? step : Math.min(step, Math.ceil(left));
    return new Promise<boolean>((resolve) => {
      let cancel: () => void;
      const wake = (): void => {
        cancel();
        this.#wake = undefined;
        resolve(false);
      };
      if (delay === 0) {
        const immediate = setImmediate(wake);
        cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(wake, delay);
        cancel = () => clearTimeout(timer);
      }
      this.#wake = wake;
    });
  }

  // A socket that cannot receive: nothing can be stranded, so zeromq.js waits for writability
  // with the message. Finite, so the lane notices a close or the user's sendTimeout.
  async #park(message: Message, left: number): Promise<boolean> {
    const socket = this.#socket as Writable;
    const wait = left < 0 ? PARK_RECHECK : Math.max(1, Math.min(PARK_RECHECK, Math.ceil(left)));
    let pending: Promise<void>;
    socket.sendTimeout = wait;
    try {
      pending = socket.send(message);
    } finally {
      socket.sendTimeout = 0; // ~110 ns; only on this slow path
    }
    this.#parked = true;
    try {
      await pending;
      this.#attempt = 0;
      return true;
    } catch (e) {
      if (codeOf(e) === "EAGAIN") return false; // the wait ran out, or close() ended it
      throw e;
    } finally {
      this.#parked = false;
    }
  }

  wake(): void {
    this.#wake?.();
  }

  interrupt(): void {
    this.#wake?.();
    // A parked send would wait out its recheck; closing rejects it with EAGAIN.
    if (this.#parked) this.#socket.close();
  }

  close(): void {
    this.#socket.close();
  }

  // -- setting up -----------------------------------------------------------------------------

  async bind(address: string): Promise<string> {
    await this.#socket.bind(address);
    return this.#socket.lastEndpoint ?? address;
  }

  connect(address: string): void {
    this.#socket.connect(address);
  }

  subscribe(topics: readonly string[]): void {
    (this.#socket as zmq.Subscriber).subscribe(...topics);
  }

  events(): AsyncIterable<zmq.Event> {
    return this.#socket.events;
  }
}
