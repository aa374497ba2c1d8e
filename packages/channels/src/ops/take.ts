import type { Channel } from "../channel";
import { type BufferSpec, checkChannel, checkCount, outputChannel, spawn } from "./check";

/**
 * [core.async take] Returns a channel of at most the first `n` values of `ch`; it closes after
 * the `n`-th, or when `ch` closes first. Unbuffered unless `buffer`.
 *
 * Takes only as many values from `ch` as it passes on (never one more), and never closes `ch`.
 * If the output is closed by its consumer, take stops taking from `ch`.
 * @throws TypeError unless `n` is a number; RangeError unless it is a whole number ≥ 0.
 * @example
 * const firstThree = take(3, events);
 */
export function take<T>(n: number, ch: Channel<T>, buffer?: BufferSpec<T>): Channel<T> {
  checkCount("take", "n", n, 0);
  checkChannel("take", "ch", ch);
  const out = outputChannel<T>("take", "buffer", buffer);
  spawn(async () => {
    try {
      for (let i = 0; i < n; i++) {
        const value = await ch.take();
        if (value === undefined || !(await out.put(value))) return;
      }
    } finally {
      out.close();
    }
  });
  return out;
}
