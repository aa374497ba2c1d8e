// The receive lane: takes messages from the engine and puts them on `recv`.
//
// Invariants:
// - The lane reads the socket only while `recv` accepts (offer, else an awaited put): a slow
//   consumer leaves messages in ZeroMQ, whose high-water mark pushes back on the peer. The
//   lane holds at most one engine batch beyond `recv`'s buffer (one message on zeromq.js).
// - On REQ/REP each message waits for its turn (lockstep.ts) and one is read per turn.
// - The lane ends when the socket closed (the engine's receive resolves empty), when the
//   user closed `recv` (P9), or on a receive error (reported).
import type { Channel } from "@sluice/channels";
import { codeOf } from "./errors";
import type { Frame } from "./frames";
import { Closing, Forced, type LaneHost } from "./lifecycle";
import { SOCKET_BUDGET } from "./tuning";

export class ReceiveLane {
  readonly #host: LaneHost;
  readonly #recv: Channel<Frame[]>;
  #putPending = false;

  constructor(host: LaneHost, recv: Channel<Frame[]>) {
    this.#host = host;
    this.#recv = recv;
  }

  /** Whether the lane waits for room on `recv` (a put that close() will not cancel). */
  get putPending(): boolean {
    return this.#putPending;
  }

  async run(): Promise<void> {
    const host = this.#host;
    const { engine, turns, lockstep } = host;
    const recv = this.#recv;
    const max = lockstep === undefined ? engine.batch : 1;
    let spent = 0;
    for (;;) {
      if (lockstep !== undefined && host.state < Forced) {
        const turn = lockstep.wait("recv");
        if (turn !== undefined) await turn;
      }
      // Only the bridge closes a socket that receives, and it sets the state first.
      if (host.state >= Closing) return;
      let batch: Frame[][];
      try {
        batch = await engine.receive(max);
      } catch (e) {
        return host.fail(codeOf(e), "receive failed", undefined, e);
      }
      if (batch.length === 0) return; // closed under the receive
      for (const message of batch) {
        lockstep?.pass("send");
        if (!recv.offer(message)) {
          if (recv.closed) return; // the user closed recv: stop reading (P9)
          this.#putPending = true;
          const accepted = await recv.put(message);
          this.#putPending = false;
          if (!accepted) return;
        }
        if (++spent >= SOCKET_BUDGET || turns.spend()) {
          spent = 0;
          await turns.turn();
        }
      }
    }
  }
}
