import type { Channel } from "../channel";
import { isReduced, type Reduced } from "../transducer";
import { checkChannel, checkFunction } from "./check";

/**
 * [core.async reduce] Takes every value of `ch` until it closes, folding them with `f` from
 * `init`; resolves the result (`init` if `ch` closes empty, and `f` is never called). `f` may
 * be async: the next value is taken once it settled. An `f` that returns a reduced value
 * (`{"@@transducer/reduced": true, "@@transducer/value": v}`, as transducers-js's and ramda's
 * `reduced(v)` make) ends the fold early: the promise resolves `v` and no further value is
 * taken, as core.async's `(reduced v)` does.
 *
 * Never closes `ch`. If `f` throws or rejects, the promise rejects with that error and no
 * further value is taken.
 * @example
 * const total = await reduce((sum, n: number) => sum + n, 0, numbers);
 */
export function reduce<T, R>(
  f: (acc: R, value: T) => R | Reduced<R> | PromiseLike<R | Reduced<R>>,
  init: R,
  ch: Channel<T>,
): Promise<R> {
  checkFunction("reduce", "f", f);
  checkChannel("reduce", "ch", ch);
  return (async () => {
    let acc = init;
    for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
      const next: unknown = await f(acc, value);
      if (isReduced(next)) return next["@@transducer/value"] as R;
      acc = next as R;
    }
    return acc;
  })();
}

/**
 * [core.async into []] Takes every value of `ch` until it closes; resolves them as an array, in
 * the order taken.
 *
 * Never closes `ch`: it must close (from its producer) for the promise to resolve.
 * @example
 * const all = await into(from([1, 2, 3])); // [1, 2, 3]
 */
export function into<T>(ch: Channel<T>): Promise<T[]> {
  checkChannel("into", "ch", ch);
  return reduce(
    (all: T[], value: T) => {
      all.push(value);
      return all;
    },
    [],
    ch,
  );
}
