// One socket bridged to a `send` and a `recv` channel: the per-socket state the pump's loop
// acts on. Each bridge runs two lanes (send, receive) on the pump's shared scheduler.
//
// Invariants:
// - At most one zeromq send and one zeromq receive are pending on the socket (one per lane).
// - Nothing here reads `socket.readable`/`socket.writable`, and a send is never left pending in
//   zeromq's poller on a socket that also receives: on zeromq 6.8.0 either one runs
//   ZMQ_EVENTS, which can swallow the wake-up of the other direction's pending operation (P2).
//   (A receive with receiveTimeout -1 runs ZMQ_EVENTS too; only the receive lane makes one.)
// - Sends go out one at a time, in the order they were put; a message is taken from `send`
//   only after the previous one was handed to libzmq or reported on `errors`.
// - The receive lane reads the socket only while `recv` accepts (offer, else an awaited put).
// - State only advances: Open < Draining < Closing < Closed; each step is a no-op past it.
import { Channel } from "@sluice/channels";
import type * as zmq from "zeromq";
import { codeOf, PumpError } from "./errors";
import { messageProblem, type Frame, type Message } from "./frames";
import type { KindInfo } from "./kinds";
import {
  CLOSE_CHECK_MS,
  FLOOD_AFTER,
  LET_GO_FIRST,
  PARK_RECHECK,
  QUICK_MS,
  RETRY_DELAYS,
  SOCKET_BUDGET,
} from "./options";

/**
 * One socket as channels [Go: a pair of channels owned by a goroutine that owns the socket].
 * Returned by `pump.socket()` and `pump.register()`; close `send` to close the socket.
 * @example
 * const { send, recv, closed } = await pump.socket("dealer", { connect: "tcp://127.0.0.1:5555" });
 * await send.put(["", "hello"]);
 * send.close(); // sends what was put, then closes the socket
 * await closed;
 */
export interface Sockets {
  /** Put messages to send; close it to close the socket once what was put has gone. */
  readonly send: Channel<Message>;
  /** Messages that arrived; closes after the socket closed and every one was delivered. */
  readonly recv: Channel<Frame[]>;
  /** Settles when the socket is closed. Never rejects. */
  readonly closed: Promise<void>;
  /** Resolved endpoints (a bound `tcp://127.0.0.1:*` shows its port). */
  readonly endpoints: readonly string[];
}

/** What the bridge needs from the pump's loop (see Scheduler in pump.ts). */
export interface Turns {
  /** Counts one message against the turn's budget; true when the turn is spent. */
  spend(): boolean;
  /** Resolves in the next turn of the loop, after the event loop has had its say. */
  turn(): Promise<void>;
}

// Lifecycle states, ordered (STYLE habit 7).
const Open = 0;
const Draining = 1;
const Closing = 2;
const Closed = 3;
type State = typeof Open | typeof Draining | typeof Closing | typeof Closed;

type Side = "send" | "recv";

/**
 * The `send` channel the pump creates: refuses, at the put, what the socket could never send.
 */
export class SendChannel extends Channel<Message> {
  readonly #info: KindInfo;
  // The bridge's reaction to close(): a plain Channel has no close event, so only the pump's
  // own send channel can tell the bridge at once (a user's channel is looked at instead).
  #closing: (() => void) | undefined;

  constructor(info: KindInfo, buffer: number) {
    super(buffer);
    this.#info = info;
  }

  /**
   * Runs `fn` once, when close() first closes this channel (the bridge arms its linger). Set
   * once, by the bridge that owns the channel: nobody else can replace it.
   */
  onClose(fn: () => void): void {
    if (this.#closing !== undefined) throw new Error("SendChannel.onClose: already bridged");
    this.#closing = fn;
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    this.#closing?.();
  }

  protected override validate(value: unknown): void {
    super.validate(value);
    const kind = this.#info.kind;
    if (!this.#info.canSend) {
      throw new TypeError(
        `a ${kind} socket cannot send: its send channel only closes the socket (close() it)`,
      );
    }
    const problem = messageProblem(value);
    if (problem !== undefined) throw new TypeError(`send on a ${kind} socket: ${problem}`);
  }
}

export interface BridgeInit {
  socket: zmq.Socket;
  info: KindInfo;
  send: Channel<Message>;
  recv: Channel<Frame[]>;
  endpoints: string[];
  turns: Turns;
  report: (error: PumpError) => void;
  /**
   * Says this socket will put nothing more on `recv` (a put already waiting still completes);
   * the pump closes `recv` once every socket sharing it has said so.
   */
  releaseRecv: () => void;
  // The user's sendTimeout: how long a blocked send may wait before it is reported (-1: forever).
  giveUpAfter: number;
  /**
   * A REQ created with zeromq's `relaxed` option (ZMQ_REQ_RELAXED): it may send again before
   * the reply, so only its receiving waits for a turn. libzmq cannot read the option back, so
   * only `socket()` knows it.
   */
  relaxed: boolean;
}

type Writable = zmq.Socket & zmq.Writable;
type Readable = zmq.Socket & zmq.Readable;

export class Bridge {
  readonly sockets: Sockets;
  readonly socket: zmq.Socket;
  readonly #info: KindInfo;
  readonly #send: Channel<Message>;
  readonly #recv: Channel<Frame[]>;
  readonly #endpoints: readonly string[];
  readonly #turns: Turns;
  readonly #report: (error: PumpError) => void;
  readonly #releaseRecv: () => void;
  readonly #giveUpAfter: number;
  #state: State = Open;
  #resolveClosed!: () => void;

  // send lane
  #sendWake: (() => void) | undefined; // ends the back-off wait of a blocked send
  #parkedSend = false; // a send is pending inside zeromq (send-only kinds)
  #forced = false; // the close deadline passed: what has not gone is reported
  #deadline: NodeJS.Timeout | undefined;

  // receive lane
  #putPending = false; // the lane waits for room on `recv`

  // REQ/REP alternation: whose turn it is, and the lane waiting for its turn
  readonly #lockstep: boolean;
  // A REQ with zeromq's `relaxed` option may send again before the reply: only receiving waits.
  readonly #sendWaitsTurn: boolean;
  #turn: Side;
  readonly #turnWaiters: { send?: () => void; recv?: () => void } = {};

  constructor(init: BridgeInit) {
    this.socket = init.socket;
    this.#info = init.info;
    this.#send = init.send;
    this.#recv = init.recv;
    this.#releaseRecv = init.releaseRecv;
    this.#endpoints = Object.freeze([...init.endpoints]);
    this.#turns = init.turns;
    this.#report = init.report;
    this.#giveUpAfter = init.giveUpAfter;
    this.#lockstep = init.info.lockstep !== "none";
    this.#sendWaitsTurn = this.#lockstep && !init.relaxed;
    this.#turn = init.info.lockstep === "receiveFirst" ? "recv" : "send";
    if (init.send instanceof SendChannel) init.send.onClose(() => this.#drain());
    const closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
    this.sockets = Object.freeze({
      send: init.send,
      recv: init.recv,
      closed,
      endpoints: this.#endpoints,
    });
  }

  /** Starts both lanes; the socket closes when the send lane has finished. */
  start(): void {
    const receiving = this.#info.canRecv ? this.#guard(this.#receiveLane()) : Promise.resolve();
    void this.#guard(this.#sendLane()).then(() => this.#guard(this.#finish(receiving)));
  }

  /** Open → Draining: no more puts; what was put is still sent (for at most the linger). */
  close(): void {
    this.#send.close();
    this.#drain();
  }

  // -- the send lane ------------------------------------------------------------------------

  async #sendLane(): Promise<void> {
    const send = this.#send;
    const socket = this.socket as Writable;
    // Our own send channel validated every value at the put; a user's plain channel did not.
    const validated = send instanceof SendChannel;
    let spent = 0;
    for (;;) {
      if (send.closed) this.#drain();
      let msg = send.poll();
      if (msg === undefined) {
        if (send.closed) return;
        msg = await send.take();
        if (msg === undefined) return;
      }
      if (!this.#info.canSend) {
        // Only a user-supplied plain channel gets here; ours throws at the put.
        this.#fail("ENOTSUP", `a ${this.#info.kind} socket cannot send`, msg);
        continue;
      }
      const problem = validated ? undefined : messageProblem(msg);
      if (problem !== undefined) {
        this.#fail("EINVAL", `not sent: ${problem}`, msg);
        continue;
      }
      if (this.#sendWaitsTurn) {
        await this.#myTurn("send");
        if (this.#turn !== "send") {
          // Woken by the close deadline, not by a reply: this request never got its turn, so
          // it was not handed over in time (libzmq would refuse it with EFSM).
          this.#fail("EAGAIN", sendFailure("EAGAIN"), msg);
          continue;
        }
      }
      let sent = true;
      try {
        // The fast path. sendTimeout is 0: zeromq.js tries at once, without its ZMQ_EVENTS
        // check, and the promise is already settled (awaiting it costs one microtask).
        await socket.send(msg);
      } catch (e) {
        sent = await this.#deliver(msg, e);
      }
      if (sent && this.#lockstep) this.#pass("recv");
      if (++spent >= SOCKET_BUDGET || this.#turns.spend()) {
        spent = 0;
        await this.#turns.turn();
      }
    }
  }

  // The slow path, after the first attempt failed with `error`: wait until the message can
  // be handed to libzmq, or report it. Returns whether it was sent.
  async #deliver(msg: Message, error: unknown): Promise<boolean> {
    const socket = this.socket as Writable;
    let blockedSince = -1;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        try {
          await socket.send(msg);
          return true;
        } catch (e) {
          error = e;
        }
      }
      // Once the deadline closed the socket under a parked send, everything left is "not
      // handed over in time" (EAGAIN, as zeromq.js reports the send that close() rejected).
      const code = socket.closed ? "EAGAIN" : codeOf(error);
      if (code !== "EAGAIN" || this.#forced || socket.closed) {
        this.#fail(code, sendFailure(code), msg, error);
        return false;
      }
      if (this.#send.closed) this.#drain();
      const now = performance.now();
      if (blockedSince < 0) blockedSince = now;
      const left = this.#giveUpAfter < 0 ? -1 : this.#giveUpAfter - (now - blockedSince);
      if (this.#giveUpAfter >= 0 && left <= 0) {
        this.#fail("EAGAIN", `not sent within sendTimeout (${this.#giveUpAfter} ms)`, msg);
        return false;
      }
      if (this.#info.canRecv) {
        await this.#backOff(attempt, left);
      } else {
        const result = await this.#park(msg, left);
        if (result === true) return true;
        if (codeOf(result) !== "EAGAIN") {
          this.#fail(codeOf(result), sendFailure(codeOf(result)), msg, result);
          return false;
        }
      }
    }
  }

  // A socket that also receives: wait, then try again synchronously. A sync attempt makes
  // zeromq.js re-check a pending receive (TriggerReadable), so nothing it does can strand one.
  // Woken early by the receive lane (traffic often means room) and by close.
  #backOff(attempt: number, left: number): Promise<void> {
    const step = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)] ?? 0;
    const delay = left < 0 ? step : Math.min(step, Math.ceil(left));
    return new Promise<void>((resolve) => {
      let cancel: () => void;
      const wake = (): void => {
        cancel();
        this.#sendWake = undefined;
        resolve();
      };
      if (delay === 0) {
        const immediate = setImmediate(wake);
        cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(wake, delay);
        cancel = () => clearTimeout(timer);
      }
      this.#sendWake = wake;
    });
  }

  // A send-only socket: nothing can be stranded, so let zeromq wait for writability. The park
  // is finite so the lane notices a close or the user's sendTimeout. Resolves true when sent,
  // or with the error (EAGAIN when the wait ran out or the socket was closed under it).
  async #park(msg: Message, left: number): Promise<true | unknown> {
    const socket = this.socket as Writable;
    const wait = left < 0 ? PARK_RECHECK : Math.max(1, Math.min(PARK_RECHECK, Math.ceil(left)));
    let pending: Promise<void>;
    socket.sendTimeout = wait;
    try {
      pending = socket.send(msg);
    } catch (e) {
      return e;
    } finally {
      socket.sendTimeout = 0; // ~110 ns; only on this slow path
    }
    this.#parkedSend = true;
    try {
      await pending;
      return true;
    } catch (e) {
      return e;
    } finally {
      this.#parkedSend = false;
    }
  }

  // Open → Draining: arm the close deadline (the socket's linger).
  #drain(): void {
    if (this.#state >= Draining) return;
    this.#state = Draining;
    const linger = this.socket.closed ? 0 : this.socket.linger;
    if (linger >= 0) {
      this.#deadline = setTimeout(() => this.#force(), linger);
    }
    this.#sendWake?.();
  }

  // The deadline passed: stop waiting for writability; what has not gone is reported.
  #force(): void {
    this.#deadline = undefined;
    this.#forced = true;
    this.#sendWake?.();
    this.#wakeTurn("send");
    // A parked send would otherwise wait out its recheck; close() rejects it with EAGAIN.
    if (this.#parkedSend) this.socket.close();
  }

  // -- the receive lane ---------------------------------------------------------------------

  async #receiveLane(): Promise<void> {
    const socket = this.socket as Readable;
    const recv = this.#recv;
    let spent = 0;
    // Two ways to read (P16). Flooding (receiveTimeout 0): zeromq.js takes a queued message at
    // once, without its ZMQ_EVENTS check (about a third of a receive's cost here); but when
    // nothing is queued that fails with EAGAIN, a rejected promise costing ~11 µs on the bench
    // machine, and a socket where messages trickle (round trips, a quiet peer) would pay that
    // for every message. So the first EAGAIN switches to trickling (receiveTimeout -1):
    // zeromq.js asks ZMQ_EVENTS once, then receives at once or waits in its poller, as plain
    // zeromq.js code does. Messages that were there at once (resolved within QUICK_MS),
    // FLOOD_AFTER of them in a row, switch back. Only this lane leaves an operation pending in
    // zeromq's poller on a socket that also sends (P2), so these ZMQ_EVENTS checks strand
    // nothing.
    let flooding = true;
    let quick = 0;
    for (;;) {
      if (this.#lockstep) await this.#myTurn("recv");
      // Only #finish closes a socket that receives, and it sets the state first (and reading
      // `socket.closed` is a native call: not once per message).
      if (this.#state >= Closing) return;
      let msg: Frame[];
      try {
        if (flooding) {
          msg = await socket.receive();
        } else {
          const asked = performance.now();
          msg = await socket.receive();
          if (performance.now() - asked >= QUICK_MS) quick = 0;
          else if (++quick >= FLOOD_AFTER) {
            flooding = true;
            socket.receiveTimeout = 0;
          }
        }
      } catch (e) {
        // EAGAIN while trickling means the socket was closed under the pending receive.
        if (socket.closed) return;
        if (codeOf(e) !== "EAGAIN") return this.#fail(codeOf(e), "receive failed", undefined, e);
        if (flooding) {
          flooding = false;
          quick = 0;
          socket.receiveTimeout = -1;
        }
        continue;
      }
      if (this.#lockstep) this.#pass("send");
      this.#sendWake?.();
      if (!recv.offer(msg)) {
        if (recv.closed) return; // the user closed recv: stop reading (P9)
        this.#putPending = true;
        const accepted = await recv.put(msg);
        this.#putPending = false;
        if (!accepted) return;
      }
      if (++spent >= SOCKET_BUDGET || this.#turns.spend()) {
        spent = 0;
        await this.#turns.turn();
      } else if (!flooding) {
        // A trickling lane lets whoever took this message go first — their continuation and
        // what it puts, such as a reply — and asks zeromq to wait (ZMQ_EVENTS, then a poll
        // registration: system calls) only after: a few microtask ticks, no event-loop turn
        // (P17).
        for (let i = 0; i < LET_GO_FIRST; i++) await undefined;
      }
    }
  }

  // -- REQ/REP alternation -------------------------------------------------------------------

  // Called only on lockstep kinds (REQ, REP): the lanes check #lockstep first.
  #myTurn(side: Side): Promise<void> | undefined {
    if (this.#turn === side || this.#forced || this.#state >= Closing) return undefined;
    if (side === "recv") return new Promise<void>((resolve) => (this.#turnWaiters.recv = resolve));
    // The send lane waits holding a message it took, so it would not see `send` close and the
    // socket would stay open until the reply came. The pump's own `send` arms the linger as it
    // closes (onClose); a user's channel has no close event, so while the lane waits it looks
    // every CLOSE_CHECK_MS, and a close arms the linger as usual.
    if (this.#send instanceof SendChannel) {
      return new Promise<void>((resolve) => (this.#turnWaiters.send = resolve));
    }
    return new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (this.#send.closed) this.#drain();
      }, CLOSE_CHECK_MS);
      check.unref();
      this.#turnWaiters.send = () => {
        clearInterval(check);
        resolve();
      };
    });
  }

  #pass(to: Side): void {
    this.#turn = to;
    this.#wakeTurn(to);
  }

  #wakeTurn(side: Side): void {
    const waiter = this.#turnWaiters[side];
    this.#turnWaiters[side] = undefined;
    waiter?.();
  }

  // -- closing --------------------------------------------------------------------------------

  // Draining → Closing → Closed, once the send lane is done (everything put went or was reported).
  async #finish(receiving: Promise<void>): Promise<void> {
    this.#drain();
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
    this.#state = Closing;
    try {
      this.socket.close();
    } finally {
      this.#state = Closed;
      this.#wakeTurn("recv");
      this.#resolveClosed();
    }
    // A put waiting for room stays pending and is delivered after close (core.async close!),
    // so recv may close now; otherwise wait for the lane to hand over what it holds.
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#releaseRecv();
    };
    if (this.#putPending) release();
    await receiving;
    release();
  }

  /** A PumpError about this socket: `what` failed with `code`, naming the kind and endpoints. */
  error(code: string, what: string, unsent: Message | undefined, cause?: unknown): PumpError {
    const where = `${this.#info.kind} socket${this.#endpoints.length > 0 ? " " + this.#endpoints.join(", ") : ""}`;
    return new PumpError(`${what} (${code}) on ${where}`, {
      code,
      kind: this.#info.kind,
      endpoints: this.#endpoints,
      unsent,
      cause,
    });
  }

  #fail(code: string, what: string, unsent: Message | undefined, cause?: unknown): void {
    this.#report(this.error(code, what, unsent, cause));
  }

  // A lane must never reject: that would be an unhandled rejection, or a bridge that never
  // closes. Anything that escapes is a sluice bug, reported as such.
  #guard(lane: Promise<void>): Promise<void> {
    return lane.catch((e: unknown) => {
      this.#fail("EBUG", `sluice bug: a pump lane failed: ${String(e)}`, undefined, e);
    });
  }
}

function sendFailure(code: string): string {
  switch (code) {
    case "EHOSTUNREACH":
      return "not sent: no such peer (ROUTER mandatory)";
    case "EAGAIN":
      return "not sent before the socket closed (linger passed)";
    default:
      return "not sent";
  }
}
