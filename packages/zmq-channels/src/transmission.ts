// One message with its own outcome (`sockets.transmit`): it travels with the puts on `send`
// and settles when the send lane hands it to libzmq, or rejects with the PumpError that would
// otherwise have gone on `errors`.
//
// Invariants:
// - It settles once: resolved when handed to libzmq, rejected with its PumpError, or rejected
//   with `signal.reason` when aborted before the lane gave it to the engine.
// - A withdrawn transmission is skipped by the lane: it never goes out.
import type { Message } from "./frames";
import type { PumpError } from "./errors";

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

  /** Whether the lane may still send it (false once withdrawn). */
  get live(): boolean {
    return this.#state !== Settled;
  }

  /** The lane gives it to the engine: from now on an abort does nothing. */
  launch(): void {
    if (this.#state === Waiting) this.#state = InFlight;
  }

  /** Given back by the engine (it would block): an abort withdraws it again. */
  hold(): void {
    if (this.#state === InFlight) this.#state = Waiting;
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
