// One message with its own outcome (`sockets.transmit`): it travels with the puts on `send`
// and settles when the send lane hands it to libzmq, or rejects with the PumpError that would
// otherwise have gone on `errors`.
//
// Invariants:
// - It settles once: resolved when handed to libzmq, rejected with its PumpError, or rejected
//   with `signal.reason` when aborted before the lane gave it to the engine, or while the
//   engine held it without handing it over (then when the engine gives it back).
// - A withdrawn transmission is skipped by the lane: it never goes out.
import type { PumpError } from "./errors";
import { checkOpts, describeValue, framingProblem, messageProblem, type Message } from "./frames";
import type { KindInfo } from "./kinds";

const Waiting = 0; // in `send`, or held by the lane
const InFlight = 1; // given to the engine: abort has no effect any more
const Settled = 2;

export class Transmission {
  readonly message: Message;
  readonly promise: Promise<void>;
  #state = Waiting;
  #resolve!: () => void;
  #reject!: (reason: unknown) => void;
  #signal: AbortSignal | undefined;

  constructor(message: Message, signal: AbortSignal | undefined) {
    this.message = message;
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (signal !== undefined) {
      this.#signal = signal;
      signal.addEventListener("abort", this.#abort, { once: true });
    }
  }

  /** Whether it has a signal: an abort may withdraw it. */
  get abortable(): boolean {
    return this.#signal !== undefined;
  }

  /** Whether the lane may still send it (false once withdrawn). */
  get live(): boolean {
    return this.#state !== Settled;
  }

  /** The lane gives it to the engine: from now on an abort does nothing. */
  launch(): void {
    if (this.#state === Waiting) this.#state = InFlight;
  }

  /** Given back by the engine (it would block): an abort withdraws it again, and so does one
   * that came while the engine held it (a parked send on the zeromq.js engine, P22). */
  hold(): void {
    if (this.#state !== InFlight) return;
    this.#state = Waiting;
    if (this.#signal?.aborted === true) this.#abort();
  }

  /** Handed to libzmq. */
  resolve(): void {
    if (this.#settle()) this.#resolve();
  }

  /** Not handed over: rejects with the error (instead of reporting it on `errors`). */
  reject(error: PumpError | Error): void {
    if (this.#settle()) this.#reject(error);
  }

  #abort = (): void => {
    if (this.#state === Waiting && this.#settle()) this.#reject(this.#signal!.reason);
  };

  #settle(): boolean {
    if (this.#state === Settled) return false;
    this.#state = Settled;
    this.#signal?.removeEventListener("abort", this.#abort);
    return true;
  }
}

/** What the send lane holds: a message put on `send`, or a transmission. */
export type Item = Message | Transmission;

/** Whether `item` is a transmission withdrawn by its abort: the lane skips it. */
export function withdrawn(item: Item | undefined): boolean {
  return item instanceof Transmission && !item.live;
}

/**
 * Which of the messages the engine pulled were transmissions. The engine settles what it
 * pulled in the order it pulled it, and gives back the rest (engine.ts), so a transmission is
 * found by its place in that order.
 */
export class Ledger {
  #flying: Array<{ seq: number; transmission: Transmission }> = [];
  #pulled = 0; // messages given to the engine
  #done = 0; // of those, sent or failed

  /** The engine pulled a message; `transmission` when it was one. */
  pulled(transmission: Transmission | undefined): void {
    if (transmission !== undefined) this.#flying.push({ seq: this.#pulled, transmission });
    this.#pulled++;
  }

  /** The oldest unsettled message was sent or failed: its transmission, if it was one. */
  settle(): Transmission | undefined {
    const seq = this.#done++;
    const first = this.#flying[0];
    if (first === undefined || first.seq !== seq) return undefined;
    this.#flying.shift();
    return first.transmission;
  }

  /** The engine gave back the last messages it pulled: them as items again, in order. */
  giveBack(left: readonly Message[]): Item[] {
    const from = this.#pulled - left.length;
    const flying = this.#flying;
    let f = flying.findIndex((x) => x.seq >= from);
    if (f < 0) f = flying.length;
    const back = flying.splice(f);
    let b = 0;
    this.#pulled = from;
    return left.map((message, k): Item => {
      const entry = back[b];
      if (entry === undefined || entry.seq !== from + k) return message;
      b++;
      entry.transmission.hold();
      return entry.transmission;
    });
  }
}

/** Checks a `transmit()` call; throws the TypeError or Error that names what is wrong. */
export function checkTransmit(
  info: KindInfo,
  message: unknown,
  opts: unknown,
  closed: boolean,
): AbortSignal | undefined {
  if (opts !== undefined) checkOpts("transmit(message, opts)", opts, ["signal"]);
  const signal = (opts as { signal?: unknown } | undefined)?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `transmit(message, opts): opts.signal must be an AbortSignal, got ${describeValue(signal)}`,
    );
  }
  if (!info.canSend) throw new TypeError(`transmit(): a ${info.kind} socket cannot send`);
  const problem = messageProblem(message) ?? framingProblem(info.framing, message as Message);
  if (problem !== undefined) throw new TypeError(`transmit() on a ${info.kind} socket: ${problem}`);
  if (closed) throw new Error(`transmit(): the ${info.kind} socket's send channel is closed`);
  return signal;
}

/**
 * `sockets.transmit` on a bridge: the call checked (`closed`: `send` closed or the socket
 * draining), then handed to the send lane; a refused call rejects, never throws.
 */
export function transmitOn(
  lane: { transmit(message: Message, signal: AbortSignal | undefined): Promise<void> },
  info: KindInfo,
  message: Message,
  opts: { signal?: AbortSignal | undefined } | undefined,
  closed: () => boolean,
): Promise<void> {
  try {
    const signal = checkTransmit(info, message, opts, closed());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return lane.transmit(message, signal);
  } catch (e) {
    return Promise.reject(e);
  }
}
