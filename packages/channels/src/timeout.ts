import { Channel } from "./channel";
import { describe } from "./errors";

/** setTimeout's largest delay; past it Node fires at once. */
const MAX_DELAY = 2_147_483_647;

/**
 * [core.async timeout; Go time.After] A channel that closes after `ms` milliseconds, so a take
 * on it (or a select over it) completes then with `undefined`.
 *
 * Its timer is an ordinary `setTimeout`: like one, it keeps the process alive until it fires.
 * @throws TypeError unless `ms` is a number; RangeError unless `0 <= ms <= 2147483647`.
 * @example
 * const r = await select([replies, timeout(500)]);
 */
export function timeout(ms: number): Channel<never> {
  if (typeof ms !== "number") {
    throw new TypeError(`timeout(ms): ms must be a number, got ${describe(ms)}`);
  }
  if (!(ms >= 0 && ms <= MAX_DELAY)) {
    throw new RangeError(
      `timeout(ms): ms must be a number from 0 to ${MAX_DELAY}, got ${String(ms)}`,
    );
  }
  const ch = new Channel<never>();
  setTimeout(() => ch.close(), ms);
  return ch;
}
