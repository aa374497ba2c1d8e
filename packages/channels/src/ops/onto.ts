import type { Channel } from "../channel";
import {
  type BufferSpec,
  type CloseOptions,
  checkChannel,
  checkCloseOptions,
  outputChannel,
  spawn,
} from "./check";
import { describe } from "../errors";

/** core.async's to-chan! buffers at most this many values of a collection it can count. */
const FROM_BUFFER_MAX = 100;

function checkIterable(op: string, name: string, value: unknown): void {
  const ok =
    value !== null &&
    value !== undefined &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function");
  if (!ok)
    throw new TypeError(
      `${op}: ${name} must be an iterable or async iterable, got ${describe(value)}`,
    );
}

/** Puts each value in turn; returns early (ending the iteration) when `ch` refuses one. */
async function fill<T>(
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  close: boolean,
): Promise<void> {
  try {
    // (not `Symbol.asyncIterator in values`: `in` throws on a string, which is iterable)
    if (typeof (values as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
      for await (const value of values as AsyncIterable<T>) if (!(await ch.put(value))) return;
    } else {
      for (const value of values as Iterable<T>) if (!(await ch.put(value))) return;
    }
  } finally {
    // Also after a failure: a consumer waiting on `ch` sees the end instead of waiting forever.
    if (close) ch.close();
  }
}

/**
 * [core.async onto-chan!] Puts the values of `values` (an iterable or async iterable) on `ch`,
 * each waiting for room; resolves once they are all accepted.
 *
 * Then closes `ch` unless `{ close: false }`. If `ch` refuses a value (it was closed), the
 * iteration is ended early (its `return()` runs) and the promise resolves. If iterating throws,
 * or a value is `undefined`, `ch` is closed (unless `{ close: false }`) and the promise rejects.
 * @example
 * await onto(jobs, ["a", "b", "c"]);
 */
export function onto<T>(
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  opts?: CloseOptions,
): Promise<void> {
  checkChannel("onto", "ch", ch);
  checkIterable("onto", "values", values);
  return fill(ch, values, checkCloseOptions("onto", opts));
}

/**
 * [core.async to-chan!] Returns a channel that yields the values of `values` (an iterable or
 * async iterable), then closes. The values are pulled as the channel has room: an infinite or
 * lazy source is read only as fast as it is consumed.
 *
 * Without `buffer`, an array gets a buffer of its length up to 100 (as core.async's to-chan!)
 * and anything else is unbuffered. Closing the channel stops the pulling at the next value it
 * refuses. If iterating throws, the channel closes and the error is re-raised as an unhandled
 * rejection.
 * @example
 * for await (const n of from([1, 2, 3])) console.log(n);
 */
export function from<T>(
  values: Iterable<T> | AsyncIterable<T>,
  buffer?: BufferSpec<T>,
): Channel<T> {
  checkIterable("from", "values", values);
  const size = Array.isArray(values) ? Math.min(values.length, FROM_BUFFER_MAX) : 0;
  const ch = outputChannel<T>("from", "buffer", buffer ?? size);
  spawn(() => fill(ch, values, true));
  return ch;
}
