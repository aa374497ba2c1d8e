import { Channel } from "./channel";
import { describe } from "./errors";

/**
 * [core.async go; Go `go f()`] Runs `fn` (sync or async) and returns a channel that receives its
 * result and then closes. The channel has a buffer of 1, so the result never waits for a taker;
 * when `fn` returns `undefined` the channel just closes.
 *
 * `fn` starts at once, like a call to an async function. If it throws or rejects, the channel
 * closes and the error is re-raised as an unhandled rejection: never silent (as a panicking
 * goroutine is not), and catchable with a try/catch inside `fn`.
 * @example
 * const result = go(async () => (await fetchA()) + (await fetchB()));
 * console.log(await result.take());
 */
export function go<R>(fn: () => R | Promise<R>): Channel<Awaited<R>> {
  if (typeof fn !== "function")
    throw new TypeError(`go(fn): fn must be a function, got ${describe(fn)}`);
  const ch = new Channel<Awaited<R>>(1);
  void new Promise<R>((resolve) => resolve(fn())).then(
    (value) => {
      if (value !== undefined) ch.offer(value as Awaited<R>);
      ch.close();
    },
    (error: unknown) => {
      ch.close();
      throw error;
    },
  );
  return ch;
}
