// How a socket on the zeromq.js engine waits for room to send (engine.ts `writable`).
//
// Invariants (zeromq.js 6.8.0; decision P2):
// - On a socket that also receives, no send is ever left waiting inside zeromq.js: a waiting
//   send runs ZMQ_EVENTS, which can swallow the wake-up of a pending receive. Such a socket
//   backs off and lets the lane retry synchronously (a synchronous attempt makes zeromq.js
//   re-check the pending receive); traffic and close end the back-off early.
// - A socket that cannot receive waits inside zeromq.js with the message (a "parked" send),
//   finite so the lane notices a close or its sendTimeout; nothing can be stranded on it.
import type * as zmq from "zeromq";
import { codeOf } from "../errors";
import type { Message } from "../frames";
import { PARK_RECHECK, RETRY_DELAYS } from "../tuning";

export class WriteWaits {
  readonly #socket: zmq.Socket & zmq.Writable;
  readonly #canRecv: boolean;
  readonly #send: (message: Message) => Promise<void>; // the socket's own send (its framing)
  readonly #close: () => void; // the socket's own close
  #attempt = 0; // failed tries of the message the send lane holds: the back-off's step
  #wake: (() => void) | undefined; // ends a back-off early
  #parked = false; // a send waits inside zeromq.js

  constructor(
    socket: zmq.Socket & zmq.Writable,
    canRecv: boolean,
    send: (message: Message) => Promise<void>,
    close: () => void,
  ) {
    this.#socket = socket;
    this.#canRecv = canRecv;
    this.#send = send;
    this.#close = close;
  }

  /** A message went out, or failed for good: the next one backs off from the first step. */
  reset(): void {
    this.#attempt = 0;
  }

  /** Waits for room as the socket's kind allows (see the invariants above). */
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
    const socket = this.#socket;
    const wait = left < 0 ? PARK_RECHECK : Math.max(1, Math.min(PARK_RECHECK, Math.ceil(left)));
    let pending: Promise<void>;
    socket.sendTimeout = wait;
    try {
      pending = this.#send(message);
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

  /** Ends a back-off early: the lane tries again now. */
  wake(): void {
    this.#wake?.();
  }

  /** Ends any wait for good: the socket closes next. */
  interrupt(): void {
    this.#wake?.();
    // A parked send would wait out its recheck; closing rejects it with EAGAIN.
    if (this.#parked) this.#close();
  }
}
