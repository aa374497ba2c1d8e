/*
 * Timeouts share channels by deadline, as core.async's do (its timers namespace keeps one
 * channel per deadline in a skip list): a select loop that makes a fresh timeout(1000) per round
 * makes one channel and one timer per millisecond, not one per round. Rules:
 *  - Only calls made in the same millisecond with the same `ms` share (same start, same end), so
 *    none closes before its `ms`, and an entry whose timer was lost (a test's fake clock that
 *    was uninstalled) is never handed out in another millisecond.
 *  - At most MAX_SHARERS callers share one channel, so the takes parked on a shared channel
 *    stay far below MAX_PENDING (a select that lost leaves a dead take, swept by the channel).
 *  - A timeout with a signal, or a shared one that a user closed, is never handed out again.
 *  - It never closes before `ms` have passed by performance.now() since its (last sharer's)
 *    call. Node counts a delay from the whole millisecond the timer was set in, so a timer may
 *    run up to 1 ms early, and a sharer may have called up to 1 ms after the timer was set: a
 *    timer that runs less than EARLY_MS before the deadline waits out the rest. One that runs
 *    earlier still follows a clock performance.now() does not (a test's fake timers): it closes.
 */
import { Channel } from "./channel";
import { checkSignal, describe, OptionKeys } from "./errors";

/** setTimeout's largest delay; past it Node fires at once. */
const MAX_DELAY = 2_147_483_647;

/** How many timeout() calls may share one channel. */
const MAX_SHARERS = 256;

/** How early (ms) Node may run a timer by performance.now(), a sharer's later start included. */
const EARLY_MS = 2;

interface Shared {
  channel: Channel<never>;
  uses: number;
  /** Date.now() when it was made. */
  made: number;
  /** performance.now() from which it may close: its last sharer's call plus `ms`. */
  deadline: number;
}

/** The shared timeouts not yet fired, by `ms`. */
const byDelay = new Map<number, Shared>();

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Closes the channel at once when it fires, and frees its timer. */
  signal?: AbortSignal | undefined;
}

const TIMEOUT_KEYS = new OptionKeys("timeout(ms, opts)", ["signal"]);

/**
 * [core.async timeout; Go time.After] A channel that closes after `ms` milliseconds, so a take
 * on it (or a select over it) completes then with `undefined`.
 *
 * Calls made in the same millisecond with the same `ms` may get the same channel (as core.async
 * shares by deadline), so a
 * loop that selects over a fresh `timeout(ms)` per round holds one timer per millisecond, not
 * one per round; don't close a timeout channel yourself. Each timer keeps the process alive
 * until it fires (decision C5); to end one early, pass a `signal` and abort it: the channel
 * closes at once (a take or select waiting on it completes now) and its timer is cleared. A
 * timeout with a signal is never shared; one whose signal is already aborted is closed.
 * @throws TypeError unless `ms` is a number, or for an `opts.signal` that is not an
 *   AbortSignal; RangeError unless `0 <= ms <= 2147483647`.
 * @example
 * const r = await select([replies, timeout(500)]);
 * const stop = new AbortController();
 * const t = timeout(60_000, { signal: stop.signal }); // stop.abort() ends it now
 */
export function timeout(ms: number, opts?: TimeoutOptions): Channel<never> {
  if (typeof ms !== "number") {
    throw new TypeError(`timeout(ms): ms must be a number, got ${describe(ms)}`);
  }
  if (!(ms >= 0 && ms <= MAX_DELAY)) {
    throw new RangeError(
      `timeout(ms): ms must be a number from 0 to ${MAX_DELAY}, got ${String(ms)}`,
    );
  }
  if (opts !== undefined) {
    if (typeof opts !== "object" || opts === null) {
      throw new TypeError(`timeout(ms, opts): opts must be an object, got ${describe(opts)}`);
    }
    TIMEOUT_KEYS.check(opts);
    if (opts.signal !== undefined) return cancellable(ms, opts.signal);
  }
  const now = Date.now();
  const shared = byDelay.get(ms);
  if (
    shared !== undefined &&
    shared.made === now &&
    shared.uses < MAX_SHARERS &&
    !shared.channel.closed
  ) {
    shared.uses++;
    shared.deadline = performance.now() + ms;
    return shared.channel;
  }
  const entry: Shared = {
    channel: new Channel<never>(),
    uses: 1,
    made: now,
    deadline: performance.now() + ms,
  };
  byDelay.set(ms, entry);
  const fire = (): void => {
    const left = early(entry.deadline);
    if (left > 0) {
      setTimeout(fire, left);
      return;
    }
    if (byDelay.get(ms) === entry) byDelay.delete(ms);
    entry.channel.close();
  };
  setTimeout(fire, ms);
  return entry.channel;
}

/** The ms left to `deadline` when a timer ran that early by Node's rounding, else 0. */
function early(deadline: number): number {
  const left = deadline - performance.now();
  return left > 0 && left < EARLY_MS ? left : 0;
}

/** A timeout of its own, whose signal closes it early and clears its timer. */
function cancellable(ms: number, signal: AbortSignal): Channel<never> {
  checkSignal("timeout(ms, opts)", signal);
  const channel = new Channel<never>();
  if (signal.aborted) {
    channel.close();
    return channel;
  }
  const deadline = performance.now() + ms;
  const abort = (): void => {
    clearTimeout(timer);
    channel.close();
  };
  const fire = (): void => {
    const left = early(deadline);
    if (left > 0) {
      timer = setTimeout(fire, left);
      return;
    }
    signal.removeEventListener("abort", abort);
    channel.close();
  };
  let timer = setTimeout(fire, ms);
  signal.addEventListener("abort", abort, { once: true });
  return channel;
}
