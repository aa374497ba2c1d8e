import type { Channel } from "../channel";
import { type Transducer, applyTransducer, isReduced } from "../transducer";
import { checkChannel, checkFunction } from "./check";

/**
 * [core.async transduce] Takes every value of `ch` until it closes, folding them from `init`
 * with `f` transformed by `xform` (a transducer on the JS protocol: transducers-js, ramda); then
 * runs the completion step and resolves the result. An early end (`reduced`, e.g. a `take`
 * transducer) stops taking at once: the values left stay in `ch`.
 *
 * Never closes `ch`. If a step throws, the promise rejects and nothing more is taken.
 * @example
 * const firstEvens = await transduce(t.comp(t.filter(isEven), t.take(3)), (a, n) => [...a, n], [], numbers);
 */
export function transduce<T, R>(
  xform: Transducer,
  f: (acc: R, value: any) => R,
  init: R,
  ch: Channel<T>,
): Promise<R> {
  checkFunction("transduce", "f", f);
  checkChannel("transduce", "ch", ch);
  const xf = applyTransducer<R>("transduce(xform, f, init, ch)", xform, {
    "@@transducer/init": () => init,
    "@@transducer/step": f,
    "@@transducer/result": (acc: R) => acc,
  });
  return (async () => {
    let acc = init;
    for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
      const r = xf["@@transducer/step"](acc, value);
      if (isReduced(r)) {
        acc = r["@@transducer/value"];
        break;
      }
      acc = r;
    }
    return xf["@@transducer/result"](acc);
  })();
}
