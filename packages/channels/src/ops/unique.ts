import type { Channel } from "../channel";
import { type BufferSpec, checkChannel, outputChannel, spawn } from "./check";

/**
 * [core.async unique] Returns a channel of the values of `ch` with consecutive duplicates
 * dropped (compared with `Object.is`, so `NaN` repeats are dropped and `0`, `-0` are two
 * values). Closes when `ch` closes. Unbuffered unless `buffer`.
 *
 * If the output is closed by its consumer, unique stops taking from `ch`.
 * @example
 * const changes = unique(readings); // 1 1 2 2 1 → 1 2 1
 */
export function unique<T>(ch: Channel<T>, buffer?: BufferSpec<T>): Channel<T> {
  checkChannel("unique", "ch", ch);
  const out = outputChannel<T>("unique", "buffer", buffer);
  spawn(async () => {
    try {
      let first = true;
      let last: T | undefined;
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        if (first || !Object.is(value, last)) {
          if (!(await out.put(value))) return;
          first = false;
          last = value;
        }
      }
    } finally {
      out.close();
    }
  });
  return out;
}
