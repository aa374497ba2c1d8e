// The send lane: the Source the engine pulls messages from; it takes them from `send`.
//
// Invariants:
// - Messages go out in the order they were put. The lane gives the engine a message from
//   `send` only when the engine asks for the next one, so a socket has at most `send`'s
//   buffer plus what the engine holds in flight (one message on zeromq.js).
// - Every message the lane took is handed to libzmq or reported on `errors` (refused by
//   libzmq; EAGAIN once the close deadline passed, the user's sendTimeout ran out, or the
//   socket closed): nothing is dropped silently.
// - On REQ/REP a message waits for its turn (lockstep.ts), and one goes out per turn.
// - The lane ends when `send` is closed and drained; the bridge then closes the socket.
import type { Channel } from "@sluice/channels";
import type { Source } from "./engine";
import { codeOf } from "./errors";
import { framingProblem, messageProblem, type Message } from "./frames";
import { Forced, type LaneHost } from "./lifecycle";
import { SendChannel } from "./send-channel";
import { SOCKET_BUDGET } from "./tuning";

export class SendLane implements Source {
  readonly #host: LaneHost;
  readonly #send: Channel<Message>;
  // Our own send channel refused bad values at the put; a user's plain channel did not.
  readonly #checked: boolean;
  #held: Message[] = []; // taken from `send`, not yet handed over; the first would block
  #quota = 0; // messages the engine may still pull in this call
  #spent = 0;
  #yield = false; // the turn's budget is spent: wait for the next turn
  #blockedSince = -1; // when the first message of #held started to wait

  constructor(host: LaneHost, send: Channel<Message>) {
    this.#host = host;
    this.#send = send;
    this.#checked = send instanceof SendChannel;
  }

  next(): Message | undefined {
    if (this.#quota <= 0 || this.#yield) return undefined;
    let message: Message | undefined;
    if (this.#held.length > 0) message = this.#held.shift();
    else {
      do message = this.#send.poll();
      while (message !== undefined && !this.#admit(message));
      if (message === undefined) return undefined;
    }
    this.#quota--;
    if (++this.#spent >= SOCKET_BUDGET || this.#host.turns.spend()) {
      this.#spent = 0;
      this.#yield = true;
    }
    return message;
  }

  sent(): void {
    this.#blockedSince = -1;
    this.#host.lockstep?.pass("recv");
  }

  failed(message: Message, error: unknown): void {
    this.#blockedSince = -1;
    // Once the deadline closed the socket, what is left was "not handed over in time"
    // (EAGAIN, as zeromq.js reports the send that close() rejected).
    const code = this.#host.engine.closed ? "EAGAIN" : codeOf(error);
    this.#host.fail(code, sendFailure(code), message, error);
  }

  async run(): Promise<void> {
    const host = this.#host;
    const send = this.#send;
    const lockstep = host.lockstep;
    for (;;) {
      if (this.#held.length === 0) {
        let first = send.poll();
        if (first === undefined) {
          if (send.closed) return;
          first = await send.take();
          if (first === undefined) return;
        }
        if (!this.#admit(first)) continue;
        this.#held.push(first);
      }
      if (lockstep !== undefined && lockstep.sendWaits) {
        if (host.state < Forced) await lockstep.wait("send");
        if (lockstep.turn !== "send") {
          // Woken by the close deadline, not by a reply: this request never got its turn, so
          // it was not handed over in time (libzmq would refuse it with EFSM).
          this.#reportHeld("EAGAIN", sendFailure("EAGAIN"));
          continue;
        }
      }
      this.#quota = lockstep === undefined ? Infinity : 1;
      let left = host.engine.send(this);
      if (!Array.isArray(left)) left = await left;
      if (left.length > 0) {
        this.#held =
          left.length === 1 && this.#held.length === 0 ? [left[0]!] : [...left, ...this.#held];
        await this.#whenBlocked();
      }
      if (this.#yield) {
        this.#yield = false;
        await host.turns.turn();
      }
    }
  }

  // Whether `message` may go to the engine; if not, it is reported.
  #admit(message: Message): boolean {
    const info = this.#host.info;
    if (!info.canSend) {
      this.#host.fail("ENOTSUP", `a ${info.kind} socket cannot send`, message);
      return false;
    }
    const problem = this.#checked
      ? undefined
      : (messageProblem(message) ?? framingProblem(info.framing, message));
    if (problem !== undefined) {
      this.#host.fail("EINVAL", `not sent: ${problem}`, message);
      return false;
    }
    return true;
  }

  // The first held message would block: wait once until it may go (run() then tries again),
  // or report it.
  async #whenBlocked(): Promise<void> {
    const host = this.#host;
    const engine = host.engine;
    if (host.state >= Forced || engine.closed) {
      return this.#reportHeld("EAGAIN", sendFailure("EAGAIN"));
    }
    const now = performance.now();
    if (this.#blockedSince < 0) this.#blockedSince = now;
    const giveUpAfter = engine.sendTimeout;
    const left = giveUpAfter < 0 ? -1 : giveUpAfter - (now - this.#blockedSince);
    if (giveUpAfter >= 0 && left <= 0) {
      return this.#reportHeld("EAGAIN", `not sent within sendTimeout (${giveUpAfter} ms)`);
    }
    const message = this.#held[0]!;
    try {
      if (await engine.writable(message, left)) {
        this.#held.shift();
        this.sent();
      }
    } catch (e) {
      this.#held.shift();
      this.failed(message, e);
    }
  }

  #reportHeld(code: string, what: string): void {
    this.#blockedSince = -1;
    this.#host.fail(code, what, this.#held.shift());
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
