import type { Channel } from "../channel";
import { describe } from "../errors";
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

/**
 * [core.async (chan buf (remove pred)), remove<] Returns a channel of the values of `ch` for
 * which `pred` is falsy, in order: {@link filter} the other way round. Unbuffered unless
 * `buffer`.
 *
 * The output closes when `ch` closes. If the output is closed by its consumer, remove stops
 * taking from `ch`. If `pred` throws, the output closes and the error is re-raised as an
 * unhandled rejection.
 * @example
 * const real = remove(lines, (l: string) => l.trim() === "");
 */
export function remove<T>(
  ch: Channel<T>,
  pred: (value: T) => unknown,
  buffer?: BufferSpec<T>,
): Channel<T> {
  checkChannel("remove", "ch", ch);
  checkFunction("remove", "pred", pred);
  return transform(
    ch,
    (value) => (pred(value) ? undefined : value),
    outputChannel<T>("remove", "buffer", buffer),
  );
}

/**
 * [core.async (chan buf (mapcat f)), mapcat<] Returns a channel of every value of every
 * collection `f(value)` returns (an array or any iterable), in order: `f` may emit none, one or
 * several values per input. `undefined` items are skipped. Unbuffered unless `buffer`.
 *
 * The output closes when `ch` closes. If the output is closed by its consumer, mapcat stops
 * taking from `ch` (and ends the iteration of the current collection). If `f` throws or returns
 * something that is not iterable, the output closes and the error is re-raised as an unhandled
 * rejection.
 * @example
 * const words = mapcat(lines, (l: string) => l.split(" "));
 */
export function mapcat<T, R>(
  ch: Channel<T>,
  f: (value: T) => Iterable<R | undefined>,
  buffer?: BufferSpec<R>,
): Channel<R> {
  checkChannel("mapcat", "ch", ch);
  checkFunction("mapcat", "f", f);
  const out = outputChannel<R>("mapcat", "buffer", buffer);
  spawn(async () => {
    try {
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        const items = f(value);
        if (typeof (items as Partial<Iterable<R>> | null)?.[Symbol.iterator] !== "function") {
          throw new TypeError(
            `mapcat: f must return an iterable (an array), got ${describe(items)}`,
          );
        }
        for (const item of items) {
          if (item !== undefined && !(await out.put(item))) return;
        }
      }
    } finally {
      out.close();
    }
  });
  return out;
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
