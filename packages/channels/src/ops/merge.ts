import type { Channel } from "../channel";
import { select } from "../select";
import { type BufferSpec, checkChannel, outputChannel, spawn } from "./check";
import { describe } from "../errors";

/**
 * [core.async merge] Returns a channel with every value taken from `chs`, as they come: one
 * select over the inputs still open, so no input is favoured. Unbuffered unless `buffer`.
 *
 * The output closes once every input has closed (at once for an empty `chs`). If the output is
 * closed by its consumer, merge stops taking from the inputs (the value it held is dropped).
 * @example
 * const all = merge([clicks, keys]);
 * for await (const event of all) handle(event);
 */
export function merge<T>(chs: readonly Channel<T>[], buffer?: BufferSpec<T>): Channel<T> {
  if (!Array.isArray(chs))
    throw new TypeError(`merge: chs must be an array of channels, got ${describe(chs)}`);
  chs.forEach((ch, i) => checkChannel("merge", `chs[${i}]`, ch));
  const out = outputChannel<T>("merge", "buffer", buffer);
  const open: Channel<T>[] = [...chs];
  spawn(async () => {
    try {
      while (open.length > 0) {
        const { channel, value } = await select(open);
        if (value === undefined) open.splice(open.indexOf(channel as Channel<T>), 1);
        else if (!(await out.put(value as T))) return;
      }
    } finally {
      out.close();
    }
  });
  return out;
}
