// The send lane: the Source the engine pulls messages from; it takes them from `send`.
//
// Invariants:
// - Messages go out in the order they were put (a transmission in its place among them). The
//   lane gives the engine a message only when the engine asks for the next one, so a socket
//   has at most `send`'s buffer plus what the engine holds in flight (one on zeromq.js).
// - Every message the lane took is handed to libzmq or reported: on `errors`, or by rejecting
//   its transmission (refused by libzmq; EAGAIN once the close deadline passed, the user's
//   sendTimeout ran out, or the socket closed). Nothing is dropped silently.
// - The engine calls sent()/failed() for the messages it pulled, in the order it pulled them,
//   and gives back the rest: so after each engine.send() every message pulled is accounted
//   for (#done === #pulled), and a transmission is found by its place in that order.
// - On REQ/REP a message waits for its turn (lockstep.ts), and one goes out per turn.
// - The lane ends when `send` is closed and drained; the bridge then closes the socket.
import type { Channel } from "@sluice/channels";
import type { Source } from "./engine";
import { codeOf } from "./errors";
import { messageProblem, type Message } from "./frames";
import { Forced, type LaneHost } from "./lifecycle";
import { SendChannel } from "./send-channel";
import { Transmission } from "./transmission";
import { SOCKET_BUDGET } from "./tuning";

type Item = Message | Transmission;

export class SendLane implements Source {
  readonly #host: LaneHost;
  readonly #send: Channel<Message>;
  // Our own send channel refused bad values at the put; a user's plain channel did not.
  readonly #ours: boolean;
  #held: Item[] = []; // taken, not yet handed over; the first would block
  #queued: Transmission[] = []; // transmissions for a user's send channel (ours carries them)
  #idle: AbortController | undefined; // ends the lane's wait on a user's channel
  #flying: Array<{ seq: number; transmission: Transmission }> = [];
  #pulled = 0; // messages given to the engine
  #done = 0; // of those, sent or failed
  #quota = 0; // messages the engine may still pull in this call
  #spent = 0;
  #yield = false; // the turn's budget is spent: wait for the next turn
  #blockedSince = -1; // when the first held message started to wait
  /** Messages handed to libzmq, and failures reported, by this lane. */
  sentCount = 0;
  /** Whether a message waits for the socket to take it (high-water mark, no peer). */
  blocked = false;

  constructor(host: LaneHost, send: Channel<Message>) {
    this.#host = host;
    this.#send = send;
    this.#ours = send instanceof SendChannel;
  }

  /** Messages taken from `send` that have not gone yet. */
  get held(): number {
    return this.#held.length + this.#queued.length;
  }

  // -- Source: what the engine calls ------------------------------------------------------

  next(): Message | undefined {
    if (this.#quota <= 0 || this.#yield) return undefined;
    let message: Message;
    for (;;) {
      const item = this.#take();
      if (item === undefined) return undefined;
      if (!(item instanceof Transmission)) {
        message = item;
        break;
      }
      if (!item.live) continue; // withdrawn
      item.launch();
      this.#flying.push({ seq: this.#pulled, transmission: item });
      message = item.message;
      break;
    }
    this.#pulled++;
    this.#quota--;
    if (++this.#spent >= SOCKET_BUDGET || this.#host.turns.spend()) {
      this.#spent = 0;
      this.#yield = true;
    }
    return message;
  }

  sent(): void {
    this.#settled(this.#done++)?.resolve();
    this.#wentOut();
  }

  failed(message: Message, error: unknown): void {
    this.#blockedSince = -1;
    // Once the deadline closed the socket, what is left was "not handed over in time"
    // (EAGAIN, as zeromq.js reports the send that close() rejected).
    const code = this.#host.engine.closed ? "EAGAIN" : codeOf(error);
    this.#report(this.#settled(this.#done++) ?? message, code, sendFailure(code), error);
  }

  // -- the lane -----------------------------------------------------------------------------

  async run(): Promise<void> {
    const host = this.#host;
    const lockstep = host.lockstep;
    for (;;) {
      if (this.#held.length === 0 && this.#queued.length === 0) {
        const first = await this.#wait();
        if (first === undefined) return;
        if (!(first instanceof Transmission) && !this.#admit(first)) continue;
        this.#held.push(first);
      }
      if (lockstep !== undefined && lockstep.sendWaits) {
        if (host.state < Forced) await lockstep.wait("send");
        if (lockstep.turn !== "send") {
          // Woken by the close deadline, not by a reply: this request never got its turn, so
          // it was not handed over in time (libzmq would refuse it with EFSM).
          const item = this.#take()!;
          this.#report(item, "EAGAIN", sendFailure("EAGAIN"));
          continue;
        }
      }
      this.#quota = lockstep === undefined ? Infinity : 1;
      let left = host.engine.send(this);
      if (!Array.isArray(left)) left = await left;
      if (left.length > 0) {
        this.#giveBack(left);
        await this.#whenBlocked();
      }
      if (this.#yield) {
        this.#yield = false;
        await host.turns.turn();
      }
    }
  }

  /**
   * `sockets.transmit()`: queues `message` behind what `send` holds and resolves once it is
   * handed to libzmq. Checks are done by the caller (bridge).
   */
  transmit(message: Message, signal: AbortSignal | undefined): Promise<void> {
    const transmission = new Transmission(message, signal);
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
    return transmission.promise;
  }

  // The next item to send: held first, then transmissions for a user's channel, then `send`.
  #take(): Item | undefined {
    if (this.#held.length > 0) return this.#held.shift();
    if (this.#queued.length > 0) return this.#queued.shift();
    for (;;) {
      const item = this.#send.poll();
      if (item === undefined || item instanceof Transmission || this.#admit(item)) return item;
    }
  }

  // Waits for something to send; undefined once `send` is closed and drained.
  async #wait(): Promise<Item | undefined> {
    const send = this.#send;
    const now = send.poll();
    if (now !== undefined) return now;
    if (send.closed) return undefined;
    if (this.#ours) return send.take();
    // A user's channel cannot carry a transmission: transmit() ends this wait instead.
    const idle = (this.#idle = new AbortController());
    try {
      return await send.take({ signal: idle.signal });
    } catch {
      return this.#queued.shift();
    } finally {
      this.#idle = undefined;
    }
  }

  // The engine gave back the last messages it pulled (`left`): they are held again, first in
  // line, each transmission among them back in its place.
  #giveBack(left: readonly Message[]): void {
    const from = this.#pulled - left.length;
    const flying = this.#flying;
    let f = flying.findIndex((x) => x.seq >= from);
    if (f < 0) f = flying.length;
    const back = flying.splice(f);
    let b = 0;
    const items = left.map((message, k): Item => {
      const entry = back[b];
      if (entry === undefined || entry.seq !== from + k) return message;
      b++;
      entry.transmission.hold();
      return entry.transmission;
    });
    this.#pulled = from;
    this.#held = items.length === 1 && this.#held.length === 0 ? items : items.concat(this.#held);
  }

  // The transmission that was `seq`-th given to the engine, if that one was a transmission.
  #settled(seq: number): Transmission | undefined {
    const first = this.#flying[0];
    if (first === undefined || first.seq !== seq) return undefined;
    this.#flying.shift();
    return first.transmission;
  }

  #wentOut(): void {
    this.#blockedSince = -1;
    this.sentCount++;
    this.#host.lockstep?.pass("recv");
  }

  // Whether `message` may go to the engine; if not, it is reported.
  #admit(message: Message): boolean {
    const info = this.#host.info;
    if (!info.canSend) {
      this.#host.fail("ENOTSUP", `a ${info.kind} socket cannot send`, message);
      return false;
    }
    const problem = this.#ours ? undefined : messageProblem(message);
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
    const item = this.#held[0]!;
    if (item instanceof Transmission && !item.live) {
      this.#held.shift(); // withdrawn while it waited
      return;
    }
    if (host.state >= Forced || engine.closed) {
      this.#held.shift();
      return this.#report(item, "EAGAIN", sendFailure("EAGAIN"));
    }
    const now = performance.now();
    if (this.#blockedSince < 0) this.#blockedSince = now;
    const giveUpAfter = engine.sendTimeout;
    const left = giveUpAfter < 0 ? -1 : giveUpAfter - (now - this.#blockedSince);
    if (giveUpAfter >= 0 && left <= 0) {
      this.#held.shift();
      return this.#report(item, "EAGAIN", `not sent within sendTimeout (${giveUpAfter} ms)`);
    }
    const message = item instanceof Transmission ? item.message : item;
    this.blocked = true;
    try {
      // An engine that waits by sending may hand it over: an abort cannot withdraw it then.
      if (item instanceof Transmission && engine.sendsWhileWaiting) item.launch();
      if (await engine.writable(message, left)) {
        this.#held.shift();
        if (item instanceof Transmission) item.resolve();
        this.#wentOut();
      } else if (item instanceof Transmission) item.hold();
    } catch (e) {
      this.#held.shift();
      const code = engine.closed ? "EAGAIN" : codeOf(e);
      this.#report(item, code, sendFailure(code), e);
    } finally {
      this.blocked = false;
    }
  }

  // Reports `item` as not sent: a transmission rejects with the PumpError, anything else
  // goes on `errors`.
  #report(item: Item, code: string, what: string, cause?: unknown): void {
    this.#blockedSince = -1;
    if (item instanceof Transmission) {
      item.reject(this.#host.error(code, what, item.message, cause));
    } else {
      this.#host.fail(code, what, item, cause);
    }
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
