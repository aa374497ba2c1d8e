import type { Channel } from "../channel";
import {
  type BufferSpec,
  checkChannel,
  checkCount,
  checkFunction,
  outputChannel,
  spawn,
} from "./check";

/**
 * [core.async partition] Returns a channel of arrays of `n` consecutive values of `ch`; when `ch`
 * closes, the last, shorter group (if any) is emitted and the output closes. Unbuffered unless
 * `buffer`.
 *
 * If the output is closed by its consumer, partition stops taking from `ch`.
 * @throws TypeError unless `n` is a number; RangeError unless it is a whole number ≥ 1.
 * @example
 * const batches = partition(100, rows); // [row, …100], …, [the rest]
 */
export function partition<T>(n: number, ch: Channel<T>, buffer?: BufferSpec<T[]>): Channel<T[]> {
  checkCount("partition", "n", n, 1);
  checkChannel("partition", "ch", ch);
  const out = outputChannel<T[]>("partition", "buffer", buffer);
  spawn(async () => {
    try {
      let group: T[] = [];
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        group.push(value);
        if (group.length === n) {
          if (!(await out.put(group))) return;
          group = [];
        }
      }
      if (group.length > 0) await out.put(group);
    } finally {
      out.close();
    }
  });
  return out;
}

/**
 * [core.async partition-by] Returns a channel of arrays of consecutive values of `ch` for which
 * `f` gives the same result (compared with `Object.is`): a new group starts whenever it
 * changes. When `ch` closes, the last group is emitted and the output closes. Unbuffered unless
 * `buffer`.
 *
 * If the output is closed by its consumer, partitionBy stops taking from `ch`. If `f` throws,
 * the output closes and the error is re-raised as an unhandled rejection.
 * @example
 * const runs = partitionBy(lines, (l: string) => l.startsWith(" ")); // indented runs apart
 */
export function partitionBy<T>(
  f: (value: T) => unknown,
  ch: Channel<T>,
  buffer?: BufferSpec<T[]>,
): Channel<T[]> {
  checkFunction("partitionBy", "f", f);
  checkChannel("partitionBy", "ch", ch);
  const out = outputChannel<T[]>("partitionBy", "buffer", buffer);
  spawn(async () => {
    try {
      let group: T[] = [];
      let key: unknown;
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        const k = f(value);
        if (group.length > 0 && !Object.is(k, key)) {
          if (!(await out.put(group))) return;
          group = [];
        }
        key = k;
        group.push(value);
      }
      if (group.length > 0) await out.put(group);
    } finally {
      out.close();
    }
  });
  return out;
}
