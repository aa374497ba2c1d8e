// What the send lane sends next, in order: messages it holds (taken, not yet handed over; the
// first would block), then transmissions for a `send` channel of the user's, then `send`.
//
// Invariants:
// - Items leave in the order they were put; an item given back by the engine goes first again.
// - A value taken from a user's channel is checked before it counts as an item (P14): what
//   could never go out is reported, never sent.
// - The pump's own `send` carries transmissions among its puts; a user's channel cannot (others
//   may take from it), so they wait here, ahead of what that channel still holds (P22).
import type { Channel } from "@sluice/channels";
import { framingProblem, messageProblem, type Message } from "./frames";
import type { LaneHost } from "./lifecycle";
import { SendChannel } from "./send-channel";
import { Transmission, withdrawn, type Item } from "./transmission";

export class Outbox {
  readonly #host: LaneHost;
  readonly #send: Channel<Message>;
  readonly #ours: boolean; // the pump's own send: it refused bad values at the put
  #held: Item[] = [];
  #queued: Transmission[] = [];
  #idle: AbortController | undefined; // ends wait() on a user's channel
  #carries = false; // transmit() was called: items may be transmissions

  constructor(host: LaneHost, send: Channel<Message>) {
    this.#host = host;
    this.#send = send;
    this.#ours = send instanceof SendChannel;
  }

  /** Whether an item may be a transmission (transmit() was called on this socket). */
  get carries(): boolean {
    return this.#carries;
  }

  /** Items taken from `send` (or transmitted) that have not gone yet. */
  get size(): number {
    return this.#held.length + this.#queued.length;
  }

  /** Like `size`, leaving out transmissions withdrawn since (the lane skips them). */
  get live(): number {
    if (!this.#carries) return this.size;
    let n = 0;
    for (const item of this.#held) if (!withdrawn(item)) n++;
    for (const item of this.#queued) if (!withdrawn(item)) n++;
    return n;
  }

  /** The first held item: the one that would block. */
  get first(): Item | undefined {
    return this.#held[0];
  }

  /** The next item, if there is one now. */
  take(): Item | undefined {
    if (this.#held.length > 0) return this.#held.shift();
    // The common case: no transmit() on this socket yet, and the pump's own channel, which
    // refused at the put what could not go out.
    if (!this.#carries && this.#ours) return this.#send.poll();
    if (this.#queued.length > 0) return this.#queued.shift();
    for (;;) {
      const item = this.#send.poll();
      if (item === undefined || item instanceof Transmission || this.#admit(item)) return item;
    }
  }

  /** Puts `items` back, first in line. */
  giveBack(items: Item[]): void {
    this.#held = this.#held.length === 0 ? items : items.concat(this.#held);
  }

  /** Holds an item if one is there now; whether the outbox has one. */
  ready(): boolean {
    if (this.size > 0) return true;
    for (;;) {
      const item = this.#send.poll();
      if (item === undefined) return false;
      if (this.hold(item)) return true;
    }
  }

  /**
   * Waits for the next value of `send` (or a transmission); undefined once `send` is closed and
   * drained. On the pump's own `send` this is the channel's own take: no extra tick between a
   * put and its send (the receive lane's P17 counts on it).
   */
  next(): Promise<Item | undefined> {
    return this.#ours ? this.#send.take() : this.#nextOfUsers();
  }

  /** Holds what next() gave, once checked; false when it could never go out (reported). */
  hold(item: Item): boolean {
    if (!(item instanceof Transmission) && !this.#admit(item)) return false;
    this.#held.push(item);
    return true;
  }

  /** Queues a transmission behind what `send` holds now. */
  transmit(transmission: Transmission, signal: AbortSignal | undefined): void {
    this.#carries = true;
    if (this.#ours) {
      // Ours carries it among the puts: the same order, the same pending-put limit.
      this.#send.put(transmission as unknown as Message, { signal }).then(
        (accepted) => {
          if (!accepted) transmission.reject(new Error("transmit(): send was closed"));
        },
        () => undefined, // aborted: the transmission rejected itself with the reason
      );
    } else {
      this.#queued.push(transmission);
      this.#idle?.abort();
    }
  }

  async #nextOfUsers(): Promise<Item | undefined> {
    const idle = (this.#idle = new AbortController());
    try {
      return await this.#send.take({ signal: idle.signal });
    } catch {
      return this.#queued.shift(); // transmit() ended the wait
    } finally {
      this.#idle = undefined;
    }
  }

  // Whether a value from `send` may go to the engine; if not, it is reported.
  #admit(message: Message): boolean {
    const info = this.#host.info;
    if (!info.canSend) {
      this.#host.fail("ENOTSUP", `a ${info.kind} socket cannot send`, message);
      return false;
    }
    const problem = this.#ours
      ? undefined
      : (messageProblem(message) ?? framingProblem(info.framing, message));
    if (problem !== undefined) {
      this.#host.fail("EINVAL", `not sent: ${problem}`, message);
      return false;
    }
    return true;
  }
}
