import type { Channel } from "../channel";
import { type BufferSpec, checkChannel, checkFunction, outputChannel, spawn } from "./check";

/**
 * [core.async split] Returns `[trueCh, falseCh]`: the values of `ch` for which `pred` is truthy
 * go to the first, the others to the second, one at a time (a slow consumer of either slows
 * both). Both are unbuffered unless `tBuf` / `fBuf` are given.
 *
 * Both close when `ch` closes. When the channel a value is meant for refuses it (it was
 * closed), split stops taking from `ch` and closes the other. If `pred` throws, both close and
 * the error is re-raised as an unhandled rejection.
 * @example
 * const [evens, odds] = split((n: number) => n % 2 === 0, numbers);
 */
export function split<T>(
  pred: (value: T) => unknown,
  ch: Channel<T>,
  tBuf?: BufferSpec<T>,
  fBuf?: BufferSpec<T>,
): [Channel<T>, Channel<T>] {
  checkFunction("split", "pred", pred);
  checkChannel("split", "ch", ch);
  const yes = outputChannel<T>("split", "tBuf", tBuf);
  const no = outputChannel<T>("split", "fBuf", fBuf);
  spawn(async () => {
    try {
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        if (!(await (pred(value) ? yes : no).put(value))) return;
      }
    } finally {
      yes.close();
      no.close();
    }
  });
  return [yes, no];
}
