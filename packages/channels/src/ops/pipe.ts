import type { Channel } from "../channel";
import { type CloseOptions, checkChannel, checkCloseOptions, spawn } from "./check";

/**
 * [core.async pipe] Takes every value from `from` and puts it on `to`, one at a time, so a slow
 * consumer of `to` slows the taking from `from`. Returns `to`.
 *
 * When `from` closes (and is drained), `to` is closed too unless `{ close: false }`. When `to`
 * refuses a value (it was closed), pipe stops taking from `from`; that one value is dropped.
 * @example
 * const out = pipe(source, chan(8));
 * for await (const v of out) console.log(v);
 */
export function pipe<T>(from: Channel<T>, to: Channel<T>, opts?: CloseOptions): Channel<T> {
  checkChannel("pipe", "from", from);
  checkChannel("pipe", "to", to);
  const close = checkCloseOptions("pipe", opts);
  spawn(async () => {
    try {
      for (let value = await from.take(); value !== undefined; value = await from.take()) {
        if (!(await to.put(value))) return;
      }
    } finally {
      // Also when `to` refused (closing again is a no-op) or threw at the put.
      if (close) to.close();
    }
  });
  return to;
}
