// The receive lane: the Sink the engine hands received messages to; it puts them on `recv`.
//
// Invariants:
// - The lane reads the socket only while `recv` accepts (offer, else an awaited put): a slow
//   consumer leaves messages in ZeroMQ, whose high-water mark pushes back on the peer. The
//   pump holds at most `recv`'s buffer plus the one message the lane waits to put.
// - On REQ/REP each message waits for its turn (lockstep.ts): one is read per turn.
// - The lane ends when the socket closed, when the user closed `recv` (P9), or on a receive
//   error (reported).
import type { Channel } from "@sluice/channels";
import type { Sink } from "./engine";
import { codeOf } from "./errors";
import type { Frame } from "./frames";
import { Closing, Forced, type LaneHost } from "./lifecycle";
import { SOCKET_BUDGET } from "./tuning";

export class ReceiveLane implements Sink {
  readonly #host: LaneHost;
  readonly #recv: Channel<Frame[]>;
  #spent = 0;
  #yield = false; // the turn's budget is spent: wait for the next turn
  #refused: Frame[] | undefined; // a message `recv` had no room for
  #putPending = false;
  /** Messages taken from libzmq. */
  received = 0;

  constructor(host: LaneHost, recv: Channel<Frame[]>) {
    this.#host = host;
    this.#recv = recv;
  }

  /** Whether the lane waits for room on `recv` (a put that close() will not cancel). */
  get putPending(): boolean {
    return this.#putPending;
  }

  room(): number {
    if (this.#host.lockstep !== undefined) return 1;
    const free = this.#recv.capacity - this.#recv.length; // NaN: a buffer that does not say
    const budget = SOCKET_BUDGET - this.#spent;
    return Math.max(1, Number.isNaN(free) ? budget : Math.min(free, budget));
  }

  deliver(message: Frame[]): boolean {
    const host = this.#host;
    this.received++;
    host.lockstep?.pass("send");
    if (!this.#recv.offer(message)) {
      this.#refused = message;
      return false;
    }
    if (++this.#spent >= SOCKET_BUDGET || host.turns.spend()) {
      this.#spent = 0;
      this.#yield = true;
      return false;
    }
    return host.lockstep === undefined; // alternating kinds read one message per turn
  }

  async run(): Promise<void> {
    const host = this.#host;
    const recv = this.#recv;
    for (;;) {
      const lockstep = host.lockstep;
      if (lockstep !== undefined && host.state < Forced) {
        const turn = lockstep.wait("recv");
        if (turn !== undefined) await turn;
      }
      // Only the bridge closes a socket that receives, and it sets the state first.
      if (host.state >= Closing) return;
      let open: boolean;
      try {
        open = await host.engine.receive(this);
      } catch (e) {
        return host.fail(codeOf(e), "receive failed", undefined, e);
      }
      const refused = this.#refused;
      if (refused !== undefined) {
        this.#refused = undefined;
        if (recv.closed) return; // the user closed recv: stop reading (P9)
        this.#putPending = true;
        const accepted = await recv.put(refused);
        this.#putPending = false;
        if (!accepted) return;
        // `recv` was full: its taker took one, and more will follow within this tick. Reading
        // again now would offer one message per take; the next turn finds room for a batch.
        this.#spent = 0;
        this.#yield = true;
        host.turns.spend();
      }
      if (!open) return;
      if (this.#yield) {
        this.#yield = false;
        await host.turns.turn();
      }
    }
  }
}
