// One socket on the zeromq.js engine: one zeromq.js call and one promise per message.
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - Every socket runs with sendTimeout 0 and receiveTimeout 0, the synchronous fast path:
//   zeromq.js tries at once, without its ZMQ_EVENTS check, and returns a settled promise (P1).
// - Nothing here reads `socket.readable`/`socket.writable`, and on a socket that also receives
//   only a receive ever waits inside zeromq.js: either would run ZMQ_EVENTS, which can swallow
//   the wake-up of the other direction's pending operation (P2). How a send waits for room
//   instead is write-waits.ts.
import type * as zmq from "zeromq";
import type { EngineSocket, Sink, Source } from "../engine";
import { codeOf } from "../errors";
import type { Frame, Message } from "../frames";
import type { KindInfo } from "../kinds";
import { FLOOD_AFTER, LET_GO_FIRST, QUICK_MS } from "../tuning";
import { WriteWaits } from "./write-waits";

type Writable = zmq.Socket & zmq.Writable;
type Readable = zmq.Socket & zmq.Readable;

const NONE: readonly Message[] = Object.freeze([]);

export class ZeromqSocket implements EngineSocket {
  readonly sendTimeout: number;
  readonly sendsWhileWaiting: boolean;
  readonly #socket: zmq.Socket;

  // receiving: flooding (receiveTimeout 0) or trickling (-1), P16
  #flooding = true;
  #quick = 0; // messages in a row that were already queued when a trickling receive asked

  // sending
  readonly #waits: WriteWaits;

  constructor(socket: zmq.Socket, info: KindInfo, sendTimeout: number) {
    this.#socket = socket;
    this.sendsWhileWaiting = !info.canRecv; // a parked send (write-waits.ts)
    this.#waits = new WriteWaits(socket as Writable, info.canRecv);
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
  async receive(sink: Sink): Promise<boolean> {
    const socket = this.#socket as Readable;
    for (;;) {
      const asked = this.#flooding ? 0 : performance.now();
      let message: Frame[];
      try {
        message = await socket.receive();
      } catch (e) {
        // While trickling, EAGAIN means the socket was closed under the pending receive.
        if (socket.closed) return false;
        if (codeOf(e) !== "EAGAIN") throw e;
        if (this.#flooding) {
          this.#flooding = false;
          this.#quick = 0;
          socket.receiveTimeout = -1;
        }
        continue;
      }
      if (!this.#flooding) {
        if (performance.now() - asked >= QUICK_MS) this.#quick = 0;
        else if (++this.#quick >= FLOOD_AFTER) {
          this.#flooding = true;
          socket.receiveTimeout = 0;
        }
      }
      this.#waits.wake(); // traffic often means room: a blocked send tries again now
      if (!sink.deliver(message)) return true;
      // Trickling: let whoever took the message go first — their continuation and what it
      // puts, such as a reply — and ask zeromq to wait (ZMQ_EVENTS, then a poll registration:
      // system calls) only after: a few microtask ticks, no event-loop turn (P17).
      if (!this.#flooding) for (let i = 0; i < LET_GO_FIRST; i++) await undefined;
    }
  }

  // -- sending --------------------------------------------------------------------------------

  // One message at a time, each awaited before the next: sends that were not awaited one by
  // one were seen to reorder over tcp (a failed one retried after later ones had gone).
  async send(source: Source): Promise<readonly Message[]> {
    const socket = this.#socket as Writable;
    for (let message = source.next(); message !== undefined; message = source.next()) {
      try {
        // The fast path: sendTimeout is 0, so zeromq.js tries at once and the promise is
        // already settled (awaiting it costs one microtask).
        await socket.send(message);
      } catch (e) {
        if (codeOf(e) === "EAGAIN") return [message];
        this.#waits.reset();
        source.failed(message, e);
        continue;
      }
      this.#waits.reset();
      source.sent(message);
    }
    return NONE;
  }

  writable(pending: Message, ms: number): Promise<boolean> {
    return this.#waits.writable(pending, ms);
  }

  wake(): void {
    this.#waits.wake();
  }

  interrupt(): void {
    this.#waits.interrupt();
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
