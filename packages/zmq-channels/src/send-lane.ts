// The send lane: takes messages from `send` and hands them to the engine, in order.
//
// Invariants:
// - Messages go out in the order they were put. The lane holds at most one engine batch that
//   it took from `send`, and takes more only once that batch was handed over or reported, so a
//   socket has at most `send`'s buffer plus one batch in flight (one message on zeromq.js).
// - Every message the lane took is either handed to the engine or reported on `errors`
//   (EAGAIN once the close deadline passed, the user's sendTimeout ran out, or the socket
//   closed): nothing is dropped silently.
// - On REQ/REP a message waits for its turn (lockstep.ts) before it touches the socket.
// - The lane ends when `send` is closed and drained; the bridge then closes the socket.
import type { Channel } from "@sluice/channels";
import { codeOf } from "./errors";
import { messageProblem, type Message } from "./frames";
import { Forced, type LaneHost } from "./lifecycle";
import { SendChannel } from "./send-channel";
import { SOCKET_BUDGET } from "./tuning";

export class SendLane {
  readonly #host: LaneHost;
  readonly #send: Channel<Message>;
  // The batch being handed over, reused: the lane never holds more than one.
  readonly #batch: Message[] = [];
  #spent = 0;

  constructor(host: LaneHost, send: Channel<Message>) {
    this.#host = host;
    this.#send = send;
  }

  async run(): Promise<void> {
    const host = this.#host;
    const send = this.#send;
    const lockstep = host.lockstep;
    const waitsTurn = lockstep !== undefined && lockstep.sendWaits;
    // Alternating kinds send one message per turn.
    const engine = host.engine;
    const max = lockstep === undefined ? engine.batch : 1;
    const batch = this.#batch;
    for (;;) {
      let first = send.poll();
      if (first === undefined) {
        if (send.closed) return;
        first = await send.take();
        if (first === undefined) return;
      }
      if (this.#admit(first)) batch.push(first);
      while (batch.length < max) {
        const next = send.poll();
        if (next === undefined) break;
        if (this.#admit(next)) batch.push(next);
      }
      if (batch.length === 0) continue;
      if (waitsTurn) {
        if (host.state < Forced) await lockstep.wait("send");
        if (lockstep.turn !== "send") {
          // Woken by the close deadline, not by a reply: this request never got its turn, so
          // it was not handed over in time (libzmq would refuse it with EFSM).
          host.fail("EAGAIN", sendFailure("EAGAIN"), batch[0]);
          batch.length = 0;
          const pause = this.#done(1, false);
          if (pause !== undefined) await pause;
          continue;
        }
      }
      // Hand the batch over: the fast path inline, a message that would block in #whenBlocked.
      for (let i = 0; i < batch.length;) {
        let went: number;
        try {
          const result = engine.send(batch, i);
          went = typeof result === "number" ? result : await result;
        } catch (e) {
          this.#failed(batch[i]!, e);
          went = -1;
        }
        if (went === 0) went = await this.#whenBlocked(batch, i);
        const pause = went > 0 ? this.#done(went, true) : this.#done(1, false);
        i += went > 0 ? went : 1;
        if (pause !== undefined) await pause;
      }
      batch.length = 0;
    }
  }

  // Whether `message` may go to the engine; if not, it is reported. Our own send channel
  // refused bad values at the put; a user's plain channel did not.
  #admit(message: Message): boolean {
    const info = this.#host.info;
    if (!info.canSend) {
      this.#host.fail("ENOTSUP", `a ${info.kind} socket cannot send`, message);
      return false;
    }
    const problem = this.#send instanceof SendChannel ? undefined : messageProblem(message);
    if (problem !== undefined) {
      this.#host.fail("EINVAL", `not sent: ${problem}`, message);
      return false;
    }
    return true;
  }

  // The slow path: batch[i] would block. Waits until it can be handed over, then returns how
  // many messages from i went (at least 1); or reports batch[i] and returns 0.
  async #whenBlocked(batch: readonly Message[], i: number): Promise<number> {
    const host = this.#host;
    const engine = host.engine;
    const giveUpAfter = engine.sendTimeout;
    const message = batch[i]!;
    const blockedSince = performance.now();
    for (;;) {
      // Once the close deadline passed, what has not gone was not handed over in time.
      if (host.state >= Forced || engine.closed) {
        host.fail("EAGAIN", sendFailure("EAGAIN"), message);
        return 0;
      }
      const left = giveUpAfter < 0 ? -1 : giveUpAfter - (performance.now() - blockedSince);
      if (giveUpAfter >= 0 && left <= 0) {
        host.fail("EAGAIN", `not sent within sendTimeout (${giveUpAfter} ms)`, message);
        return 0;
      }
      try {
        if (await engine.writable(message, left)) return 1;
        const result = engine.send(batch, i);
        const went = typeof result === "number" ? result : await result;
        if (went > 0) return went;
      } catch (e) {
        this.#failed(message, e);
        return 0;
      }
    }
  }

  // A send failed with `error`. Once the deadline closed the socket, what is left was "not
  // handed over in time" (EAGAIN, as zeromq.js reports the send that close() rejected).
  #failed(message: Message, error: unknown): void {
    const code = this.#host.engine.closed ? "EAGAIN" : codeOf(error);
    this.#host.fail(code, sendFailure(code), message, error);
  }

  // `count` messages were handed over (sent) or reported: pass the REQ/REP turn and count
  // them against the budget; returns the next turn of the loop when the budget is spent.
  #done(count: number, sent: boolean): Promise<void> | undefined {
    if (sent) this.#host.lockstep?.pass("recv");
    const turns = this.#host.turns;
    let spent = false;
    for (let k = 0; k < count; k++) spent = turns.spend() || spent;
    this.#spent += count;
    if (this.#spent < SOCKET_BUDGET && !spent) return undefined;
    this.#spent = 0;
    return turns.turn();
  }
}

/** Why a message did not go out, for the PumpError's text. */
export function sendFailure(code: string): string {
  switch (code) {
    case "EHOSTUNREACH":
      return "not sent: no such peer (ROUTER mandatory)";
    case "EAGAIN":
      return "not sent before the socket closed (linger passed)";
    default:
      return "not sent";
  }
}
