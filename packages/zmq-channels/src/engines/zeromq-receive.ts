// How a socket on the zeromq.js engine receives (engine.ts `receive`): one zeromq.js call and
// one promise per message, flooding or trickling (P16).
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - Only a receive ever waits inside zeromq.js on a socket that also receives (trickling,
//   `waiting`); a control call re-checks it then (zeromq-control.ts).
// - Every message received wakes a blocked send (traffic often means room).
import type * as zmq from "zeromq";
import type { Sink } from "../engine";
import { codeOf } from "../errors";
import type { Frame } from "../frames";
import { BUSY_RETRY, FLOOD_AFTER, LET_GO_FIRST, QUICK_MS } from "../tuning";
import type { WriteWaits } from "./write-waits";
import type { Native } from "./zeromq-control";

type Readable = zmq.Socket & zmq.Readable;

export class ZeromqReceiver {
  readonly #socket: Readable;
  readonly #envelope: "routingId" | "group" | undefined;
  readonly #waits: WriteWaits;
  // flooding (receiveTimeout 0) or trickling (-1), P16
  #flooding = true;
  #quick = 0; // messages in a row that were already queued when a trickling receive asked
  #waiting = false; // a receive waits inside zeromq.js's poller (trickling)
  readonly #ended: () => boolean; // the engine closed the socket

  constructor(
    socket: Readable,
    envelope: "routingId" | "group" | undefined,
    waits: WriteWaits,
    ended: () => boolean,
  ) {
    this.#socket = socket;
    this.#envelope = envelope;
    this.#waits = waits;
    this.#ended = ended;
  }

  /** Whether a receive waits inside zeromq.js's poller (trickling). */
  get waiting(): boolean {
    return this.#waiting;
  }

  // Two ways to read (P16). Flooding (receiveTimeout 0): zeromq.js takes a queued message at
  // once, without its ZMQ_EVENTS check (about a third of a receive's cost); but when nothing is
  // queued that fails with EAGAIN, a rejected promise costing ~11 µs on the bench machine, and
  // a socket where messages trickle (round trips, a quiet peer) would pay that for every
  // message. So the first EAGAIN switches to trickling (receiveTimeout -1): zeromq.js asks
  // ZMQ_EVENTS once, then receives at once or waits in its poller, as plain zeromq.js code
  // does. FLOOD_AFTER messages in a row that were there at once switch back.
  async receive(sink: Sink): Promise<boolean> {
    const socket = this.#socket;
    for (;;) {
      if (this.#ended()) return false; // (see ZeromqSocket's #ended)
      const asked = this.#flooding ? 0 : performance.now();
      let message: Frame[];
      try {
        this.#waiting = !this.#flooding;
        message =
          this.#envelope === undefined ? await socket.receive() : await this.#receiveEnveloped();
      } catch (e) {
        this.#waiting = false;
        // While trickling, EAGAIN means the socket was closed under the pending receive.
        if (socket.closed) return false;
        if (codeOf(e) === "EBUSY") {
          // A socket registered with a receive() or bind() of the user's still pending: that
          // one keeps what it gets; the lane receives once it has settled (P70).
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY));
          continue;
        }
        if (codeOf(e) !== "EAGAIN") throw e;
        if (this.#flooding) {
          this.#flooding = false;
          this.#quick = 0;
          socket.receiveTimeout = -1;
        }
        continue;
      }
      this.#waiting = false;
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

  // [body, { routingId }] or [body, { group }] from zeromq.js → [envelope, body].
  async #receiveEnveloped(): Promise<Frame[]> {
    const [body, meta] = (await (this.#socket as unknown as Native).receive()) as [
      Buffer,
      Record<string, unknown>,
    ];
    const value = meta[this.#envelope!];
    let head: Buffer;
    if (typeof value === "number") {
      head = Buffer.alloc(4);
      head.writeUInt32BE(value >>> 0);
    } else head = Buffer.from(value as string | Buffer);
    return [head, body];
  }
}
