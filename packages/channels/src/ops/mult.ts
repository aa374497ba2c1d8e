/*
 * Invariants:
 *  - A value is taken from the source only after every tap of the previous round accepted,
 *    refused or was untapped: the slowest tap sets the pace (core.async).
 *  - A tap in the table has at most one pending put, and `untap` withdraws it (aborts it).
 *  - Once the source is closed (`done`), the table stays empty: a late tap is closed at once
 *    if it asked to be.
 */
import type { Channel } from "../channel";
import { checkBoolean, checkChannel, spawn } from "./check";
import { raise } from "./raise";

/** The taps of a {@link mult}. */
export interface Mult<T> {
  /**
   * [core.async tap] Copies every later value of the source onto `ch`; returns `ch`. When the
   * source closes, `ch` is closed unless `close` is false. A tap that refuses a value (it was
   * closed) is dropped from the mult.
   */
  tap<C extends Channel<T>>(ch: C, close?: boolean): C;
  /** [core.async untap] Stops copying onto `ch`; a put to it still waiting is withdrawn. */
  untap(ch: Channel<T>): void;
  /** [core.async untap-all] Removes every tap, withdrawing their waiting puts. */
  untapAll(): void;
}

interface Tap {
  close: boolean;
  /** Withdraws this tap's put of the current round, if it still waits. */
  pending: AbortController | undefined;
}

/**
 * [core.async mult] Broadcasts the values of `ch` to every tap: each tap gets every value, and
 * the next value is taken only once every tap accepted the current one, so a slow tap slows
 * them all (give it a buffer). With no taps, values are taken and dropped.
 *
 * When `ch` closes, the taps made with `close` true (the default) are closed. A tap that is
 * closed is dropped at the next value it refuses.
 * @example
 * const m = mult(prices);
 * const a = m.tap(chan<number>(16));
 * const b = m.tap(chan<number>(16));
 */
export function mult<T>(ch: Channel<T>): Mult<T> {
  checkChannel("mult", "ch", ch);
  return multOf(ch, undefined);
}

/**
 * A mult that calls `onEmpty` each time its last tap leaves (untapped, or dropped for refusing a
 * value) while the source is open: a pub lets go of such a topic (pub.ts).
 */
export function multOf<T>(ch: Channel<T>, onEmpty: (() => void) | undefined): Mult<T> {
  const taps = new Map<Channel<T>, Tap>();
  let done = false;

  function drop(target: Channel<T>): void {
    taps.delete(target);
    if (taps.size === 0 && !done) onEmpty?.();
  }

  async function deliver(target: Channel<T>, tap: Tap, value: T): Promise<void> {
    const pending = new AbortController();
    tap.pending = pending;
    try {
      if (!(await target.put(value, { signal: pending.signal })) && taps.get(target) === tap) {
        drop(target);
      }
    } catch (error) {
      if (pending.signal.aborted) return; // untapped while waiting: nothing was delivered
      if (taps.get(target) === tap) drop(target);
      throw error; // the tap refused the value at the put (its validate threw)
    } finally {
      if (tap.pending === pending) tap.pending = undefined;
    }
  }

  spawn(async () => {
    for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
      // Taps with room take the value at once; only the others need a waiting put (and an
      // AbortController so untap can withdraw it).
      const round: Promise<void>[] = [];
      for (const [target, tap] of taps) {
        let accepted: boolean;
        try {
          accepted = target.offer(value);
        } catch (error) {
          drop(target); // the tap refused the value at the put (its validate threw)
          raise(error);
          continue;
        }
        if (!accepted) round.push(deliver(target, tap, value));
      }
      if (round.length === 0) continue;
      const failures = (await Promise.allSettled(round)).filter((r) => r.status === "rejected");
      for (const failure of failures) raise(failure.reason); // not silent, and the mult goes on
    }
    done = true;
    for (const [target, tap] of taps) if (tap.close) target.close();
    taps.clear();
  });

  return {
    tap<C extends Channel<T>>(target: C, close = true): C {
      checkChannel("tap", "ch", target);
      checkBoolean("tap", "close", close);
      if (done) {
        if (close) target.close();
        return target;
      }
      const tap = taps.get(target);
      if (tap !== undefined) tap.close = close;
      else taps.set(target, { close, pending: undefined });
      return target;
    },
    untap(target: Channel<T>): void {
      checkChannel("untap", "ch", target);
      const tap = taps.get(target);
      if (tap === undefined) return;
      drop(target);
      tap.pending?.abort();
    },
    untapAll(): void {
      const all = [...taps.values()];
      taps.clear();
      for (const tap of all) tap.pending?.abort();
      if (all.length > 0 && !done) onEmpty?.();
    },
  };
}
