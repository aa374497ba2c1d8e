/*
 * The JS transducer protocol (the one transducers-js and ramda implement), as far as a channel
 * and transduce() need it. A transformer has three steps: `@@transducer/init` (unused here: a
 * channel's accumulator is its buffer), `@@transducer/step` and `@@transducer/result`; a step may
 * answer `{ "@@transducer/reduced": true, "@@transducer/value": v }` to say "no more input".
 */
import { describe } from "./errors";

/** A transformer on the JS transducer protocol [Clojure: a reducing function with arities 0, 1, 2]. */
export interface Transformer<A = any, V = any> {
  /** The initial accumulator (unused by channels: theirs is the buffer). */
  "@@transducer/init"?: () => A;
  /** Adds one value; may answer {@link Reduced} to end early. */
  "@@transducer/step": (acc: A, value: V) => A | Reduced<A>;
  /** The completion step: flushes what the transformer holds. */
  "@@transducer/result": (acc: A) => A;
}

/** What a step returns to end the reduction early [Clojure reduced]. */
export interface Reduced<A> {
  /** Always true. */
  "@@transducer/reduced": boolean;
  /** The accumulator to finish with. */
  "@@transducer/value": A;
}

/**
 * A transducer [Clojure transducer]: a function from a transformer to a transformer, as
 * `transducers-js` (`t.comp(t.map(f), t.filter(p))`) and ramda (`R.compose(R.map(f), R.take(3))`)
 * make them. Typed loosely so that theirs are accepted as they are; {@link chan} and
 * {@link transduce} check what it returns at the call.
 */
export type Transducer = (transformer: any) => unknown;

/** True for a reduced value (an early end). */
export function isReduced(x: unknown): x is Reduced<unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as Partial<Reduced<unknown>>)["@@transducer/reduced"] === true
  );
}

/**
 * Applies `xform` to `inner`, and checks that what comes back is a transformer; `call` names the
 * caller in the TypeError.
 */
export function applyTransducer<A>(
  call: string,
  xform: unknown,
  inner: Transformer<A>,
): Transformer<A> {
  if (typeof xform !== "function") {
    throw new TypeError(
      `${call}: xform must be a transducer (a function from a transformer to a transformer, ` +
        `as transducers-js and ramda make them), got ${describe(xform)}`,
    );
  }
  const xf = (xform as Transducer)(inner) as Partial<Transformer<A>> | null;
  if (
    typeof xf !== "object" ||
    xf === null ||
    typeof xf["@@transducer/step"] !== "function" ||
    typeof xf["@@transducer/result"] !== "function"
  ) {
    throw new TypeError(
      `${call}: xform is not a transducer: given a transformer it returned ${describe(xf)}, ` +
        `not an object with "@@transducer/step" and "@@transducer/result" functions ` +
        `(a plain function such as v => v * 2 is not a transducer: use map(ch, f), or a ` +
        `transducer such as transducers-js's t.map(f))`,
    );
  }
  return xf as Transformer<A>;
}
