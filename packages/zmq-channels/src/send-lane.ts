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
import type { Message } from "./frames";
import { Forced, type LaneHost } from "./lifecycle";
import { Outbox } from "./outbox";
import { Ledger, Transmission, withdrawn, type Item } from "./transmission";
import { ABORT_RECHECK, FLOOD_AFTER, QUICK_MS, SMALL_BATCH, SOCKET_BUDGET } from "./tuning";

const UNBOUND = "a datagram socket sends only while it is bound: bind() it to a udp:// endpoint";

export class SendLane implements Source {
  readonly #host: LaneHost;
  readonly #outbox: Outbox;
  readonly #ledger = new Ledger(); // which messages in the engine's hands are transmissions
  #quota = 0; // messages the engine may still pull in this call
  #spent = 0;
  #yield = false; // the turn's budget is spent: wait for the next turn
  #blockedSince = -1; // when the first held message started to wait
  #quick = 0; // take()s in a row that resolved within QUICK_MS: a producer floods
  #flooding = false; // between small batches, wait for the next turn rather than in take()
  #batch = 0; // messages the engine pulled in its last send()
  /** Messages handed to libzmq, and failures reported, by this lane. */
  sentCount = 0;
  #waitingFor: Item | undefined; // the held item #whenBlocked() waits to send

  constructor(host: LaneHost, send: Channel<Message>) {
    this.#host = host;
    this.#outbox = new Outbox(host, send);
  }

  /** Messages taken from `send` that have not gone yet (a withdrawn transmission is not one). */
  get held(): number {
    return this.#outbox.live;
  }

  /** Whether a message waits for the socket to take it (high-water mark, no peer). The lane
   * finds out that a transmission it waits with was withdrawn only when the wait ends. */
  get blocked(): boolean {
    const item = this.#waitingFor;
    return item !== undefined && !withdrawn(item);
  }

  // -- Source: what the engine calls ------------------------------------------------------

  next(): Message | undefined {
    if (this.#quota <= 0 || this.#yield) return undefined;
    const outbox = this.#outbox;
    let item = outbox.take();
    if (outbox.carries) {
      while (withdrawn(item)) item = outbox.take();
    }
    if (item === undefined) return undefined;
    let message: Message;
    if (outbox.carries && item instanceof Transmission) {
      item.launch();
      this.#ledger.pulled(item);
      message = item.message;
    } else {
      this.#ledger.pulled(undefined);
      message = item as Message; // not a transmission: none was ever made, or instanceof said so
    }
    this.#quota--;
    this.#batch++;
    if (++this.#spent >= SOCKET_BUDGET || this.#host.turns.spend()) {
      this.#spent = 0;
      this.#yield = true;
    }
    return message;
  }

  sent(): void {
    this.#ledger.settle()?.resolve();
    this.#wentOut();
  }

  failed(message: Message, error: unknown): void {
    this.#blockedSince = -1;
    // Once the deadline closed the socket, what is left was "not handed over in time"
    // (EAGAIN, as zeromq.js reports the send that close() rejected).
    const code = this.#host.engine.closed ? "EAGAIN" : codeOf(error);
    // a message refused as malformed says what was wrong with it (native-socket.ts)
    const what =
      code === "EINVAL" && error instanceof Error
        ? `not sent: ${error.message}`
        : sendFailure(code);
    this.#report(this.#ledger.settle() ?? message, code, what, error);
  }

  // -- the lane -----------------------------------------------------------------------------

  async run(): Promise<void> {
    const host = this.#host;
    const lockstep = host.lockstep;
    for (;;) {
      const waitTurn = this.#flooding && this.#batch < SMALL_BATCH;
      if (!this.#outbox.ready() && !(waitTurn && (await this.#refilled()))) {
        const since = performance.now();
        const item = await this.#outbox.next();
        if (item === undefined) return;
        if (performance.now() - since >= QUICK_MS) this.#quick = 0;
        else if (++this.#quick >= FLOOD_AFTER) this.#flooding = true;
        if (!this.#outbox.hold(item)) continue;
      }
      if (lockstep !== undefined && lockstep.sendWaits) {
        if (host.state < Forced) await lockstep.wait("send");
        if (lockstep.turn !== "send") {
          // Woken by the close deadline, not by a reply: this request never got its turn, so
          // it was not handed over in time (libzmq would refuse it with EFSM).
          this.#report(this.#outbox.take()!, "EAGAIN", sendFailure("EAGAIN"));
          continue;
        }
      }
      this.#quota = lockstep === undefined ? Infinity : 1;
      this.#batch = 0;
      let left = this.#unbound() ? this.#refuse() : host.engine.send(this);
      if (!Array.isArray(left)) left = await left;
      if (left.length > 0) {
        this.#outbox.giveBack(this.#ledger.giveBack(left));
        await this.#whenBlocked();
      }
      if (this.#yield) {
        this.#yield = false;
        await host.turns.turn();
      }
    }
  }

  // A DATAGRAM socket has a pipe to send through only while it is bound (it cannot connect),
  // and libzmq's send without one is unsafe: dgram.cpp drops the message with a stale errno
  // (read as EAGAIN, the lane would wait for ever), and zmq_send then closes it a second time
  // and aborts the process. So the lane refuses, as an engine would, while nothing is bound.
  #unbound(): boolean {
    return this.#host.info.framing?.addressed === true && this.#host.endpoints.length === 0;
  }

  #refuse(): readonly Message[] {
    for (let m = this.next(); m !== undefined; m = this.next()) {
      this.failed(m, Object.assign(new Error(UNBOUND), { code: "ENOTCONN" }));
    }
    return [];
  }

  /** `sockets.transmit()`, its call checked by the bridge: resolves once handed to libzmq. */
  transmit(message: Message, signal: AbortSignal | undefined): Promise<void> {
    const transmission = new Transmission(message, signal);
    this.#outbox.transmit(transmission, signal);
    return transmission.promise;
  }

  // Flooding: `send` ran dry after a small batch. A producer that puts one message per tick
  // woke every take() at once: wait for the next turn instead, so it can fill `send` and the
  // next batch is a full one. Whether it did; if not, the lane goes back to waiting in take().
  // After a big batch the producer is keeping up (it offers, or its puts resolve within the
  // tick): take() finds the next at once, and a turn would only delay it (inproc, P45).
  async #refilled(): Promise<boolean> {
    await this.#host.turns.turn();
    if (this.#outbox.ready()) return true;
    this.#flooding = false;
    this.#quick = 0;
    return false;
  }

  #wentOut(): void {
    this.#blockedSince = -1;
    this.sentCount++;
    this.#host.lockstep?.pass("recv");
  }

  // The first held message would block: wait once until it may go (run() then tries again),
  // or report it.
  async #whenBlocked(): Promise<void> {
    const host = this.#host;
    const engine = host.engine;
    const outbox = this.#outbox;
    const item = outbox.first!;
    if (withdrawn(item)) {
      outbox.take(); // while it waited
      return;
    }
    if (host.state >= Forced || engine.closed) {
      outbox.take();
      return this.#report(item, "EAGAIN", sendFailure("EAGAIN"));
    }
    const now = performance.now();
    if (this.#blockedSince < 0) this.#blockedSince = now;
    const giveUpAfter = engine.sendTimeout;
    const left = giveUpAfter < 0 ? -1 : giveUpAfter - (now - this.#blockedSince);
    if (giveUpAfter >= 0 && left <= 0) {
      outbox.take();
      return this.#report(item, "EAGAIN", `not sent within sendTimeout (${giveUpAfter} ms)`);
    }
    const message = item instanceof Transmission ? item.message : item;
    let wait = left;
    this.#waitingFor = item;
    try {
      // An engine that waits by sending may hand it over: an abort cannot withdraw it then, only
      // once the wait gives it back (Transmission.hold). So an abortable one waits in short
      // stretches, and an abort takes effect within ABORT_RECHECK ms unless it went out (P22).
      if (item instanceof Transmission && engine.sendsWhileWaiting) {
        item.launch();
        if (item.abortable) wait = left < 0 ? ABORT_RECHECK : Math.min(left, ABORT_RECHECK);
      }
      if (await engine.writable(message, wait)) {
        outbox.take();
        if (item instanceof Transmission) item.resolve();
        this.#wentOut();
      } else if (item instanceof Transmission) item.hold();
    } catch (e) {
      outbox.take();
      const code = engine.closed ? "EAGAIN" : codeOf(e);
      this.#report(item, code, sendFailure(code), e);
    } finally {
      this.#waitingFor = undefined;
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
