import type { Channel } from "../channel";
import { type BufferSpec, checkChannel, checkFunction, outputChannel, spawn } from "./check";

/**
 * [core.async (chan buf (map f)), map<] Returns a channel of `f(value)` for each value of `ch`,
 * taken one at a time as the result is taken. A result of `undefined` emits nothing (as in
 * {@link pipeline}). Unbuffered unless `buffer`.
 *
 * The output closes when `ch` closes. If the output is closed by its consumer, map stops
 * taking from `ch`. If `f` throws, the output closes and the error is re-raised as an
 * unhandled rejection.
 * @example
 * const lengths = map(words, (w: string) => w.length);
 */
export function map<T, R>(
  ch: Channel<T>,
  f: (value: T) => R | undefined,
  buffer?: BufferSpec<R>,
): Channel<R> {
  checkChannel("map", "ch", ch);
  checkFunction("map", "f", f);
  return transform(ch, f, outputChannel<R>("map", "buffer", buffer));
}

/**
 * [core.async (chan buf (filter pred)), filter<] Returns a channel of the values of `ch` for
 * which `pred` is truthy, in order. Unbuffered unless `buffer`.
 *
 * The output closes when `ch` closes. If the output is closed by its consumer, filter stops
 * taking from `ch`. If `pred` throws, the output closes and the error is re-raised as an
 * unhandled rejection.
 * @example
 * const errors = filter(lines, (l: string) => l.startsWith("ERROR"));
 */
export function filter<T>(
  ch: Channel<T>,
  pred: (value: T) => unknown,
  buffer?: BufferSpec<T>,
): Channel<T> {
  checkChannel("filter", "ch", ch);
  checkFunction("filter", "pred", pred);
  return transform(
    ch,
    (value) => (pred(value) ? value : undefined),
    outputChannel<T>("filter", "buffer", buffer),
  );
}

// The loop map and filter share: each value of `ch` becomes `step(value)` on `out` (undefined
// emits nothing), until `ch` closes or `out`'s consumer closes it; `out` closes either way.
function transform<T, R>(
  ch: Channel<T>,
  step: (value: T) => R | undefined,
  out: Channel<R>,
): Channel<R> {
  spawn(async () => {
    try {
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        const result = step(value);
        if (result !== undefined && !(await out.put(result))) return;
      }
    } finally {
      out.close();
    }
  });
  return out;
}
