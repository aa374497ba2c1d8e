/*
 * Invariants:
 *  - At most `n` calls of `fn` are started and not yet delivered (`started`), so at most `n` run.
 *  - `window` holds the outcomes in input order; only the writer takes from it, one at a time,
 *    so output order is input order whatever order the calls finish in.
 *  - Once `stop` fires, no value is taken from `from` and no call is started. It fires as soon
 *    as any call fails (not when the writer reaches that failure in order), so a failure stops
 *    the reading at once; the writer still delivers the results of inputs before it.
 */
import { sliding } from "../buffers";
import { Channel } from "../channel";
import { describe } from "../errors";
import { type Transducer, type Transformer, applyTransducer, isReduced } from "../transducer";
import { type CloseOptions, checkChannel, checkCloseOptions, checkFunction } from "./check";

/** What `fn` may return for one input: nothing, a value, several values (an array or an async iterable). */
export type PipelineResult<R> = R | undefined | R[] | AsyncIterable<R>;

/** Options of {@link pipeline}. */
export interface PipelineOptions<R> extends CloseOptions {
  /**
   * [core.async ex-handler] Called with the error when `fn` (or the transducer) fails on an
   * input; its result, unless `undefined`, is emitted for that input, and the pipeline goes on.
   * Without it, a failure stops the pipeline and rejects its promise.
   */
  exHandler?: (error: unknown) => R | undefined;
  /**
   * Says whether the third argument is a transducer (`true`) or a per-value function (`false`).
   * Unset: an `async function` is a per-value function; any other function is called once, at
   * the call, with a probe transformer, and is a transducer if it returns a transformer of its
   * own (not the probe, nor a copy of it). Give it for a function with side effects.
   */
  xform?: boolean | undefined;
}

type Outcome<R> = { ok: true; value: PipelineResult<R> } | { ok: false; error: unknown };
/** A per-value function of {@link pipeline}: sync or async, one value, several, or none. */
export type PipelineFn<T, R> = (value: T) => PipelineResult<R> | PromiseLike<PipelineResult<R>>;

/**
 * Runs fn(value) now and never rejects: a failure becomes an outcome the writer sees in order,
 * and calls `failed` at once so the reader stops without waiting for the writer to get there.
 */
function attempt<T, R>(
  fn: PipelineFn<T, R>,
  value: T,
  exHandler: ((error: unknown) => R | undefined) | undefined,
  failed: () => void,
) {
  return new Promise<PipelineResult<R>>((resolve) => resolve(fn(value))).then(
    (value): Outcome<R> => ({ ok: true, value }),
    (error: unknown): Outcome<R> => handle(error, exHandler, failed),
  );
}

/** A failure: the exHandler's value if there is one (and it does not throw), else a stop. */
function handle<R>(
  error: unknown,
  exHandler: ((error: unknown) => R | undefined) | undefined,
  failed: () => void,
): Outcome<R> {
  if (exHandler !== undefined) {
    try {
      return { ok: true, value: exHandler(error) };
    } catch (thrown) {
      error = thrown;
    }
  }
  failed();
  return { ok: false, error };
}

/** A transducer as a per-value function: each input runs through a fresh transformer. */
function viaTransducer<T, R>(xform: Transducer): (value: T) => R[] {
  return (value) => {
    const out: R[] = [];
    const xf = applyTransducer("pipeline", xform, collecting(out));
    const r = xf["@@transducer/step"](out, value);
    xf["@@transducer/result"](isReduced(r) ? r["@@transducer/value"] : r);
    return out;
  };
}

function collecting<R>(out: R[]): Transformer<R[]> {
  return {
    "@@transducer/init": () => out,
    "@@transducer/step": (acc: R[], v: R) => {
      acc.push(v);
      return acc;
    },
    "@@transducer/result": (acc: R[]) => acc,
  };
}

/** Is `f` a transducer? See {@link PipelineOptions.xform}. */
function isTransducer(f: (...args: any[]) => unknown, declared: boolean | undefined): boolean {
  if (declared !== undefined) return declared;
  if (f.constructor.name === "AsyncFunction") return false;
  const probe = collecting<unknown>([]);
  try {
    const r = f(probe) as Partial<Transformer> | null;
    if (r === probe || typeof r !== "object" || r === null) return false;
    if (typeof r["@@transducer/step"] !== "function") return false;
    // A transducer wraps the transformer it is given, so at least one of its three functions is
    // its own; a function that copies its argument (`o => ({ ...o, seen: true })`) returns the
    // probe's own three, and is a per-value function.
    const keys = ["@@transducer/init", "@@transducer/step", "@@transducer/result"] as const;
    return keys.some((k) => r[k] !== probe[k]);
  } catch {
    return false;
  }
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}

/**
 * [core.async pipeline / pipeline-async] Takes values from `from`, calls `fn` on each with at
 * most `n` calls in flight, and puts the results on `to` in input order. `fn` may be sync or
 * async; a result of `undefined` emits nothing for that input, an array or an async iterable
 * emits each of its values (as pipeline-async's callback may put several); to emit an array as
 * one value, return `[array]`. `fn` may instead be a transducer (core.async's pipeline with an
 * xform; see {@link PipelineOptions.xform}): each input runs through it on its own, and what it
 * produces is emitted.
 *
 * With `exHandler`, a failing input emits the handler's result instead (nothing if
 * `undefined`), and the pipeline goes on.
 *
 * When `from` closes and every result is delivered, `to` is closed (unless `{ close: false }`)
 * and the promise resolves. When `to` refuses a value (it was closed), pipeline stops taking
 * from `from` and resolves. When `fn` throws or rejects, pipeline stops taking from `from` at
 * once, delivers the results of the inputs before the failing one, closes `to` (unless
 * `{ close: false }`) and rejects with the first failure in input order; inputs after it that
 * were already taken are discarded with their results.
 * The promise settles only after every call that was started has settled.
 * @example
 * const out = chan<User>();
 * pipeline(4, out, (id: number) => fetchUser(id), ids).catch(console.error);
 * for await (const user of out) show(user);
 */
export function pipeline<T, R>(
  n: number,
  to: Channel<R>,
  fn: PipelineFn<T, NoInfer<R>>,
  from: Channel<T>,
  opts?: PipelineOptions<NoInfer<R>>,
): Promise<void>;
/** With a transducer (transducers-js, ramda) in place of `fn`. */
export function pipeline<T, R>(
  n: number,
  to: Channel<R>,
  xform: Transducer,
  from: Channel<T>,
  opts?: PipelineOptions<NoInfer<R>>,
): Promise<void>;
export function pipeline<T, R>(
  n: number,
  to: Channel<R>,
  fn: PipelineFn<T, R> | Transducer,
  from: Channel<T>,
  opts?: PipelineOptions<R>,
): Promise<void> {
  if (typeof n !== "number") {
    throw new TypeError(`pipeline: n must be a number (calls in flight), got ${describe(n)}`);
  }
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(
      `pipeline: n (calls in flight) must be a whole number of at least 1, got ${n}`,
    );
  }
  checkChannel("pipeline", "to", to);
  checkFunction("pipeline", "fn", fn);
  checkChannel("pipeline", "from", from);
  const close = checkCloseOptions("pipeline", opts, ["close", "exHandler", "xform"]);
  const exHandler = opts?.exHandler;
  if (exHandler !== undefined) checkFunction("pipeline", "opts.exHandler", exHandler);
  const declared = opts?.xform;
  if (declared !== undefined && typeof declared !== "boolean") {
    throw new TypeError(`pipeline: opts.xform must be a boolean, got ${describe(declared)}`);
  }
  const f = isTransducer(fn, declared)
    ? viaTransducer<T, R>(fn as Transducer)
    : (fn as PipelineFn<T, R>);
  return run(n, to, f, from, close, exHandler);
}

async function run<T, R>(
  n: number,
  to: Channel<R>,
  fn: PipelineFn<T, R>,
  from: Channel<T>,
  close: boolean,
  exHandler: ((error: unknown) => R | undefined) | undefined,
): Promise<void> {
  // Boxed: a take would adopt a bare promise (decision C4), and the writer must await it itself.
  const window = new Channel<{ outcome: Promise<Outcome<R>> }>(n);
  // A wake-up for the reader when a slot frees; it re-checks `started`, so a stale one is harmless.
  const freed = new Channel<true>(sliding(1));
  const stop = new AbortController();
  const halt = (): void => stop.abort();
  let started = 0;

  // Phase 1, the reader: take a value only when a slot is free, start its call, queue its outcome.
  const reader = (async () => {
    try {
      for (;;) {
        while (started >= n) await freed.take({ signal: stop.signal });
        const value = await from.take({ signal: stop.signal });
        // A value whose take completed in the same tick as a stop was taken before it; like the
        // inputs after a failure whose calls were already running, it is discarded.
        if (value === undefined || stop.signal.aborted) return;
        started += 1;
        window.offer({ outcome: attempt(fn, value, exHandler, halt) }); // never refused: it holds at most n
      }
    } catch (error) {
      // Aborting the reader's pending take is how it is stopped; nothing else can reject here.
      if (!stop.signal.aborted) throw error;
    } finally {
      window.close();
    }
  })();

  // Phase 2, the writer: deliver outcomes in order; after a stop, only wait for the calls left.
  let failure: { error: unknown } | undefined;
  let finished = false; // a failure was reached in order, or `to` refused: deliver nothing more
  for (let next = await window.take(); next !== undefined; next = await window.take()) {
    const outcome = await next.outcome;
    if (finished) continue;
    if (!outcome.ok) {
      failure = { error: outcome.error };
      finished = true;
      continue;
    }
    if (outcome.value !== undefined) {
      let accepted: boolean;
      try {
        accepted = await deliver(to, outcome.value, exHandler);
      } catch (error) {
        // `to` refused a value at the put (its validate threw), or an async iterable failed
        // (with no exHandler, or one that threw)
        failure = { error };
        accepted = false;
      }
      if (!accepted) {
        finished = true;
        stop.abort();
        continue;
      }
    }
    started -= 1;
    freed.offer(true);
  }
  await reader;
  if (close) to.close();
  if (failure !== undefined) throw failure.error;
}

/** Puts what one input produced; false once `to` refuses a value. */
async function deliver<R>(
  to: Channel<R>,
  result: PipelineResult<R>,
  exHandler: ((error: unknown) => R | undefined) | undefined,
): Promise<boolean> {
  if (Array.isArray(result)) {
    for (const v of result as R[]) if (v !== undefined && !(await to.put(v))) return false;
    return true;
  }
  if (!isAsyncIterable(result)) return to.put(result as R);
  try {
    for await (const v of result) if (v !== undefined && !(await to.put(v))) return false;
    return true;
  } catch (error) {
    if (exHandler === undefined) throw error;
    const v = exHandler(error);
    return v === undefined || to.put(v);
  }
}
