// One socket bridged to a `send` and a `recv` channel: its lifecycle (lifecycle.ts) and its
// two lanes. The bridge owns the socket's engine handle; only its lanes touch it.
//
// Invariants:
// - The socket closes only once the send lane has finished: everything put on `send` was
//   handed over or reported (the linger bounds the wait: Draining → Forced).
// - `recv` is released (closed once every socket sharing it is done) only after the receive
//   lane has handed over what it holds, or when that lane waits on a put that close() keeps.
// - A lane never rejects: what escapes one is a sluice bug, reported as such.
import type { Channel } from "@sluice/channels";
import { debug } from "./debug";
import { Control, type ControlHost } from "./control";
import type { EngineSocket } from "./engine";
import { PumpError } from "./errors";
import type { Frame, Message } from "./frames";
import type { KindInfo } from "./kinds";
import { Closed, Closing, Draining, Forced, Open, type LaneHost, type State } from "./lifecycle";
import { Lockstep } from "./lockstep";
import { ReceiveLane } from "./receive-lane";
import type { Turns } from "./scheduler";
import { SendLane } from "./send-lane";
import { bridgedSockets, type Sockets } from "./sockets";
import { socketStats, type SocketStats } from "./socket-stats";
import { transmitOn } from "./transmission";

export type { SocketStats } from "./socket-stats";

export interface BridgeInit {
  engine: EngineSocket;
  info: KindInfo;
  send: Channel<Message>;
  recv: Channel<Frame[]>;
  endpoints: readonly string[];
  turns: Turns;
  report: (error: PumpError) => void;
  /** Says this socket will put nothing more on `recv` (idempotent). */
  releaseRecv: () => void;
  /** A REQ whose `relaxed` option was set: it may send before the reply (kinds.ts). */
  freesSending: boolean;
  /** Whether the pump's close() has begun (the registry's, read when asked). */
  pumpClosing: () => boolean;
}

// The debug log when `send` closes (→ Draining).
const SEND_CLOSED = "%s: send closed; %d message(s) still to hand over, for at most %d ms (linger)";

export class Bridge implements LaneHost, ControlHost {
  readonly sockets: Sockets;
  readonly engine: EngineSocket;
  readonly info: KindInfo;
  readonly turns: Turns;
  readonly lockstep: Lockstep | undefined;
  readonly #send: Channel<Message>;
  readonly #report: (error: PumpError) => void;
  readonly #releaseRecv: () => void;
  readonly #sendLane: SendLane;
  readonly #receiveLane: ReceiveLane;
  readonly #stopListening: () => void;
  #state: State = Open;
  #errors = 0; // PumpErrors made about this socket
  /** What bind/connect/unbind/disconnect left (control.ts); replaced, never mutated. */
  endpoints: readonly string[];
  readonly #pumpClosing: () => boolean;
  #deadline: NodeJS.Timeout | undefined;
  #resolveClosed!: () => void;

  constructor(init: BridgeInit) {
    this.engine = init.engine;
    this.#pumpClosing = init.pumpClosing;
    this.info = init.info;
    this.turns = init.turns;
    const alternation = init.info.alternation;
    this.lockstep =
      alternation === "none" ? undefined : new Lockstep(alternation, !init.freesSending);
    this.#send = init.send;
    this.endpoints = Object.freeze([...init.endpoints]);
    this.#report = init.report;
    this.#releaseRecv = init.releaseRecv;
    this.#sendLane = new SendLane(this, init.send);
    this.#receiveLane = new ReceiveLane(this, init.recv);
    const closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
    const endpoints = (): readonly string[] => this.endpoints;
    const closedToSends = (): boolean => this.#send.closed || this.#state >= Draining;
    const transmit = (
      message: Message,
      opts?: { signal?: AbortSignal | undefined },
    ): Promise<void> => transmitOn(this.#sendLane, this.info, message, opts, closedToSends);
    const control = new Control(this).methods();
    this.sockets = bridgedSockets(init.send, init.recv, closed, endpoints, transmit, control);
    // Any channel says when it closes, so the linger starts then, even while the send lane
    // waits (for a REQ's reply, say) and does not look at `send`. Last: it may run at once.
    this.#stopListening = init.send.onClose(() => this.#drain());
  }

  /** The pump's close() has begun: control calls are refused from then (P54). */
  get pumpClosing(): boolean {
    return this.#pumpClosing();
  }

  get state(): State {
    return this.#state;
  }

  /** "dealer socket tcp://127.0.0.1:5555": how errors and the debug log name this socket. */
  get name(): string {
    const endpoints = this.endpoints;
    return `${this.info.kind} socket${endpoints.length > 0 ? " " + endpoints.join(", ") : ""}`;
  }

  /** Starts both lanes; the socket closes when the send lane has finished. */
  start(): void {
    if (debug.enabled) debug("%s: open", this.name);
    const receiving = this.info.canRecv ? this.#guard(this.#receiveLane.run()) : Promise.resolve();
    void this.#guard(this.#sendLane.run()).then(() => this.#guard(this.#finish(receiving)));
  }

  /** → Draining: no more puts; what was put is still sent (for at most the linger). */
  close(): void {
    this.#send.close();
    this.#drain();
  }

  /** What this socket has done so far, and what waits (pump.stats()). */
  stats(): SocketStats {
    return socketStats(this.info, this.endpoints, this.#send, this.sockets.recv, {
      sendLane: this.#sendLane,
      receiveLane: this.#receiveLane,
      errors: this.#errors,
    });
  }

  // Open → Draining: arm the close deadline (the socket's linger).
  #drain(): void {
    if (this.#state >= Draining) return;
    this.#state = Draining;
    const linger = this.engine.closed ? 0 : this.engine.linger;
    if (debug.enabled) {
      debug(SEND_CLOSED, this.name, this.stats().sendQueued, linger);
    }
    if (linger >= 0) this.#deadline = setTimeout(() => this.#force(), linger);
    this.engine.wake();
  }

  // Draining → Forced: the deadline passed; stop waiting for writability or for a REQ/REP
  // turn, and report what has not gone.
  #force(): void {
    this.#deadline = undefined;
    if (this.#state >= Forced) return;
    this.#state = Forced;
    if (debug.enabled) {
      const left = this.stats().sendQueued;
      debug("%s: linger passed; %d message(s) not handed over go on errors", this.name, left);
    }
    this.engine.interrupt();
    this.lockstep?.wake("send");
  }

  // → Closing → Closed, once the send lane is done (everything put went or was reported).
  async #finish(receiving: Promise<void>): Promise<void> {
    this.#drain();
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
    this.#stopListening();
    this.#state = Closing;
    try {
      this.engine.close();
    } finally {
      this.#state = Closed;
      if (debug.enabled) {
        const { sent, received, errors } = this.stats();
        debug("%s: closed (sent %d, received %d, errors %d)", this.name, sent, received, errors);
      }
      this.lockstep?.wake("recv");
      this.#resolveClosed();
    }
    // A put waiting for room stays pending and is delivered after close (core.async close!),
    // so recv may close now; otherwise wait for the lane to hand over what it holds.
    if (this.#receiveLane.putPending) this.#releaseRecv();
    await receiving;
    this.#releaseRecv();
  }

  /** A PumpError about this socket: `what` failed with `code`, naming the kind and endpoints. */
  error(code: string, what: string, unsent: Message | undefined, cause?: unknown): PumpError {
    this.#errors++;
    return new PumpError(`${what} (${code}) on ${this.name}`, {
      code,
      kind: this.info.kind,
      endpoints: this.endpoints,
      unsent,
      cause,
    });
  }

  fail(code: string, what: string, unsent: Message | undefined, cause?: unknown): void {
    this.#report(this.error(code, what, unsent, cause));
  }

  #guard(lane: Promise<void>): Promise<void> {
    return lane.catch((e: unknown) => {
      this.fail("EBUG", `sluice bug: a pump lane failed: ${String(e)}`, undefined, e);
    });
  }
}
