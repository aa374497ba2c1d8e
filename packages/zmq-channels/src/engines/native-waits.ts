// How a socket of the native engine waits for readiness: one waiter per direction, resolved by
// the addon's wake-ups and by what its operations found ready.
//
// Invariants:
// - A direction waits only through the native watch(): the addon reports readiness through
//   onReady (a wake-up, fire()) or meta[FIRED] (found by an operation, afterOp()); each
//   resolves the waiter of that direction, and only it.
// - writable() always resolves false (the lane then tries send() again); found ready at once
//   again and again, it backs off as the zeromq.js engine's retries do.
import type { Message } from "../frames";
import { RETRY_DELAYS } from "../tuning";
import { META_FIRED, type NativeHandle, POLLIN, POLLOUT } from "./native-addon";

type Waiter = (ready: boolean) => void;

export class NativeWaits {
  readonly #handle: NativeHandle;
  /** The socket's meta (it hands a longer one once batches need it: native-socket.ts). */
  meta: Float64Array;
  readonly #closed: () => boolean;
  #readable: Waiter | undefined;
  #writable: Waiter | undefined;
  #attempt = 0; // writable() found room at once this many times in a row: back off

  constructor(handle: NativeHandle, meta: Float64Array, closed: () => boolean) {
    this.#handle = handle;
    this.meta = meta;
    this.#closed = closed;
  }

  /** These directions became ready (a wake-up from the poll, or the socket closed). */
  fire(bits: number): void {
    if ((bits & POLLIN) !== 0) {
      const resolve = this.#readable;
      this.#readable = undefined;
      resolve?.(true);
    }
    if ((bits & POLLOUT) !== 0) {
      const resolve = this.#writable;
      this.#writable = undefined;
      resolve?.(true);
    }
  }

  /**
   * After every native call: what the calls since the last afterOp() found ready (the addon
   * gathers it in meta[FIRED] until it is taken here).
   */
  afterOp(): void {
    const meta = this.meta;
    const fired = meta[META_FIRED] ?? 0;
    if (fired !== 0) {
      meta[META_FIRED] = 0;
      this.fire(fired);
    }
  }

  /** A send handed messages over: the back-off starts again. */
  sent(): void {
    this.#attempt = 0;
  }

  /** Resolves true once `bit` is ready, false when the socket closed first. */
  wait(bit: number): Promise<boolean> {
    if (this.#closed()) return Promise.resolve(false);
    const ready = this.#handle.watch(bit);
    this.afterOp();
    if ((ready & bit) !== 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      if (bit === POLLIN) this.#readable = resolve;
      else this.#writable = resolve;
    });
  }

  // Waits for POLLOUT, for at most `ms`, or until wake()/interrupt()/close(); always false:
  // the lane then tries send() again. A socket can say POLLOUT and still refuse a message (a
  // mandatory ROUTER whose peer is full while another has room): found ready at once again and
  // again, the wait backs off as the zeromq.js engine's retries do.
  writable(_pending: Message, ms: number): Promise<boolean> {
    if (this.#closed()) return Promise.resolve(false);
    const step = RETRY_DELAYS[Math.min(this.#attempt, RETRY_DELAYS.length - 1)] ?? 0;
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let immediate: ReturnType<typeof setImmediate> | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        if (this.#writable === done) this.#writable = undefined;
        if (!this.#closed()) this.#handle.unwatch(POLLOUT);
        resolve(false);
      };
      this.#writable = done;
      if (ms >= 0) timer = setTimeout(done, ms);
      const ready = this.#handle.watch(POLLOUT);
      this.afterOp();
      if ((ready & POLLOUT) === 0) return; // the poll (or the timer, a wake) resolves it
      const wait = ms < 0 ? step : Math.min(step, ms);
      this.#attempt++;
      if (wait === 0 && this.#attempt === 1) done();
      else if (wait === 0) immediate = setImmediate(done);
      else {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(done, wait);
      }
    });
  }

  /** Ends a writable() wait early. */
  wake(): void {
    this.#writable?.(false);
  }
}
