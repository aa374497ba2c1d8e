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
import { type CloseOptions, checkChannel, checkCloseOptions, checkFunction } from "./check";

type Outcome<R> = { ok: true; value: R | undefined } | { ok: false; error: unknown };

/**
 * Runs fn(value) now and never rejects: a failure becomes an outcome the writer sees in order,
 * and calls `failed` at once so the reader stops without waiting for the writer to get there.
 */
function attempt<T, R>(
  fn: (value: T) => R | undefined | PromiseLike<R | undefined>,
  value: T,
  failed: () => void,
) {
  return new Promise<R | undefined>((resolve) => resolve(fn(value))).then(
    (value): Outcome<R> => ({ ok: true, value }),
    (error: unknown): Outcome<R> => {
      failed();
      return { ok: false, error };
    },
  );
}

/**
 * [core.async pipeline / pipeline-async] Takes values from `from`, calls `fn` on each with at
 * most `n` calls in flight, and puts the results on `to` in input order. `fn` may be sync or
 * async; a result of `undefined` emits nothing for that input.
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
  fn: (value: T) => R | undefined | PromiseLike<R | undefined>,
  from: Channel<T>,
  opts?: CloseOptions,
): Promise<void> {
  if (typeof n !== "number") {
    throw new TypeError(`pipeline: n must be a number (calls in flight), got ${typeof n}`);
  }
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(
      `pipeline: n (calls in flight) must be a whole number of at least 1, got ${n}`,
    );
  }
  checkChannel("pipeline", "to", to);
  checkFunction("pipeline", "fn", fn);
  checkChannel("pipeline", "from", from);
  const close = checkCloseOptions("pipeline", opts);
  return run(n, to, fn, from, close);
}

async function run<T, R>(
  n: number,
  to: Channel<R>,
  fn: (value: T) => R | undefined | PromiseLike<R | undefined>,
  from: Channel<T>,
  close: boolean,
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
        window.offer({ outcome: attempt(fn, value, halt) }); // never refused: it holds at most n
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
        accepted = await to.put(outcome.value);
      } catch (error) {
        failure = { error }; // `to` refused the value at the put (its validate threw)
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
