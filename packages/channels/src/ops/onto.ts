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

// Why undefined can't be put, for the messages below (channel.ts says the same at the put).
const UNDEFINED_WHY =
  "which can't be put on a channel (undefined is what a take returns once the channel is " +
  "closed): use null or a sentinel";

/**
 * An array's undefined elements (holes included) are refused at the call, naming the index:
 * one pass over what will be put anyway. Other sources can't be read ahead without consuming
 * them; fill refuses their undefined when it comes.
 */
function checkElements(op: string, values: unknown): void {
  if (!Array.isArray(values)) return;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === undefined) {
      throw new TypeError(`${op}: values[${i}] is undefined, ${UNDEFINED_WHY}`);
    }
  }
}

/**
 * Puts each value in turn; returns early (ending the iteration) when `ch` refuses one. A value
 * of `undefined` ends it with a TypeError naming `op` and its position.
 */
async function fill<T>(
  op: string,
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  close: boolean,
): Promise<void> {
  let i = 0;
  const put = (value: T): Promise<boolean> => {
    if (value === undefined) {
      throw new TypeError(
        `${op}: values yielded undefined at position ${i} (counting from 0), ${UNDEFINED_WHY}`,
      );
    }
    i++;
    return ch.put(value);
  };
  try {
    // (not `Symbol.asyncIterator in values`: `in` throws on a string, which is iterable)
    if (typeof (values as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
      for await (const value of values as AsyncIterable<T>) if (!(await put(value))) return;
    } else {
      for (const value of values as Iterable<T>) if (!(await put(value))) return;
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
 * or a value is `undefined` (a TypeError naming its position), the iteration is ended, `ch` is
 * closed (unless `{ close: false }`) and the promise rejects.
 * @throws TypeError for a `ch` that is not a Channel, `values` that is not iterable, an array
 *   holding `undefined` (naming its index; nothing is put), or bad `opts`.
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
  const close = checkCloseOptions("onto", opts);
  checkElements("onto", values);
  return fill("onto", ch, values, close);
}

/**
 * [core.async to-chan!] Returns a channel that yields the values of `values` (an iterable or
 * async iterable), then closes. The values are pulled as the channel has room: an infinite or
 * lazy source is read only as fast as it is consumed.
 *
 * Without `buffer`, an array gets a buffer of its length up to 100 (as core.async's to-chan!)
 * and anything else is unbuffered. Closing the channel stops the pulling at the next value it
 * refuses. If iterating throws, or yields `undefined` (a TypeError naming its position), the
 * iteration is ended, the channel closes and the error is re-raised as an unhandled rejection
 * (as the other operators' errors are).
 * @throws TypeError for `values` that is not iterable, or an array holding `undefined` (naming
 *   its index); TypeError or RangeError for a bad `buffer`.
 * @example
 * for await (const n of from([1, 2, 3])) console.log(n);
 */
export function from<T>(
  values: Iterable<T> | AsyncIterable<T>,
  buffer?: BufferSpec<T>,
): Channel<T> {
  checkIterable("from", "values", values);
  checkElements("from", values);
  const size = Array.isArray(values) ? Math.min(values.length, FROM_BUFFER_MAX) : 0;
  const ch = outputChannel<T>("from", "buffer", buffer ?? size);
  spawn(() => fill("from", ch, values, true));
  return ch;
}
