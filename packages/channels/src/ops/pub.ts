/*
 * Invariants:
 *  - One topic channel and one mult per topic in `topics`; a topic leaves the table when its
 *    last subscriber leaves (unsub, unsubAll, or a closed one dropped), by refusing a value, or
 *    at the end, and its channel is closed as it leaves, so its mult's loop ends too (nothing is
 *    left parked, and a pub keyed by ever-new topics holds only those with subscribers).
 *  - Once the source is closed (`done`), the table stays empty: a late `sub` is closed at once
 *    if it asked to be.
 */
import type { Channel } from "../channel";
import {
  type BufferSpec,
  checkBoolean,
  checkChannel,
  checkFunction,
  outputChannel,
  spawn,
} from "./check";
import { type Mult, multOf } from "./mult";

/** The subscriptions of a {@link pub}. */
export interface Pub<T, K> {
  /**
   * [core.async sub] Copies the values of `topic` onto `ch`; returns `ch`. When the source
   * closes, `ch` is closed unless `close` is false.
   */
  sub<C extends Channel<T>>(topic: K, ch: C, close?: boolean): C;
  /** [core.async unsub] Stops copying `topic` onto `ch`. */
  unsub(topic: K, ch: Channel<T>): void;
  /**
   * [core.async unsub-all] Removes every subscription of `topic`, or of every topic when called
   * with no argument. The channels removed are not closed.
   */
  unsubAll(topic?: K): void;
}

interface Topic<T> {
  ch: Channel<T>;
  mult: Mult<T>;
}

/**
 * [core.async pub] Splits the values of `ch` into topics by `topicFn` and copies each value to
 * the subscribers of its topic. Each topic is a {@link mult} on its own channel, unbuffered
 * unless `bufferFn(topic)` returns a buffer (or size); without buffers a slow subscriber holds
 * up every topic. Values of a topic with no subscribers are dropped; a topic whose last
 * subscriber left is let go (its buffer too), and a later `sub` makes it anew.
 *
 * When `ch` closes, the subscribers made with `close` true (the default) are closed. If
 * `topicFn` throws, the pub stops as if `ch` had closed and the error is re-raised as an
 * unhandled rejection.
 * @example
 * const p = pub(events, (e: Event) => e.type);
 * const clicks = p.sub("click", chan<Event>(8));
 */
export function pub<T, K = unknown>(
  ch: Channel<T>,
  topicFn: (value: T) => K,
  bufferFn?: (topic: K) => BufferSpec<T> | undefined,
): Pub<T, K> {
  checkChannel("pub", "ch", ch);
  checkFunction("pub", "topicFn", topicFn);
  if (bufferFn !== undefined) checkFunction("pub", "bufferFn", bufferFn);
  const topics = new Map<K, Topic<T>>();
  let done = false;

  function retire(topic: K, entry: Topic<T>, unsubscribe: boolean): void {
    if (topics.get(topic) === entry) topics.delete(topic);
    if (unsubscribe) entry.mult.untapAll();
    entry.ch.close();
  }

  spawn(async () => {
    try {
      for (let value = await ch.take(); value !== undefined; value = await ch.take()) {
        const topic = topicFn(value);
        const entry = topics.get(topic);
        if (entry !== undefined && !(await entry.ch.put(value))) retire(topic, entry, true);
      }
    } finally {
      // The source closed (or topicFn threw): each mult closes the subs that asked for it.
      done = true;
      for (const [topic, entry] of [...topics]) retire(topic, entry, false);
    }
  });

  return {
    sub<C extends Channel<T>>(topic: K, target: C, close = true): C {
      checkChannel("sub", "ch", target);
      checkBoolean("sub", "close", close);
      if (done) {
        if (close) target.close();
        return target;
      }
      let entry = topics.get(topic);
      if (entry === undefined) {
        const buffer = bufferFn === undefined ? undefined : bufferFn(topic);
        const topicCh = outputChannel<T>("pub", `bufferFn(${String(topic)})`, buffer ?? undefined);
        // With no subscriber left its values would be dropped: the topic goes (a later sub
        // makes it anew), as a topic nobody ever subscribed to has no entry.
        const made: Topic<T> = {
          ch: topicCh,
          mult: multOf(topicCh, () => retire(topic, made, false)),
        };
        entry = made;
        topics.set(topic, entry);
      }
      entry.mult.tap(target, close);
      return target;
    },
    unsub(topic: K, target: Channel<T>): void {
      checkChannel("unsub", "ch", target);
      topics.get(topic)?.mult.untap(target);
    },
    unsubAll(...args: [topic?: K]): void {
      if (args.length === 0) {
        for (const [topic, entry] of [...topics]) retire(topic, entry, true);
      } else {
        const entry = topics.get(args[0] as K);
        if (entry !== undefined) retire(args[0] as K, entry, true);
      }
    },
  };
}
