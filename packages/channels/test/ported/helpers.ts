// Helpers the ported tests share, beside ../helpers.ts (flush, watch, within, takeWithin).
import { Channel, chan } from "@sluice/channels";
import { flush, watch } from "../helpers";

/** Lets chained operator loops run to a standstill: a few macrotask turns. */
export async function settle(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await flush();
}

/** Takes what is ready now. */
export function drain<T>(ch: Channel<T>): T[] {
  const out: T[] = [];
  for (let v = ch.poll(); v !== undefined; v = ch.poll()) out.push(v);
  return out;
}

/** Clojure's (range n) and (range a b): the integers from a (or 0) up to, not including, b. */
export const range = (a: number, b?: number): number[] =>
  b === undefined
    ? Array.from({ length: a }, (_, i) => i)
    : Array.from({ length: b - a }, (_, i) => a + i);

/** A real timer of a few milliseconds, for work that must finish out of order. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** ioc_macros_test's identity-chan: a channel of 1 holding x, closed. */
export function identityChan<T>(x: T) {
  const c = chan<T>(1);
  c.offer(x);
  c.close();
  return c;
}

/** Starts `fn` on a later macrotask, like a goroutine that the scheduler runs later. */
export function goLater(fn: () => Promise<void> | void): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      Promise.resolve().then(fn).then(resolve, reject);
    });
  });
}

/** runtime.Gosched(), r times. */
export async function gosched(r: number): Promise<void> {
  for (; r >= 0; r--) await Promise.resolve();
}

export const randInt = (n: number) => Math.floor(Math.random() * n);

/** A select5.go case: a channel to take from, or a [channel, value] to put. */
export type Op = Channel<any> | [Channel<any>, any];

/** select3.go's testBlock: does `p` stay pending once everything runnable has run? */
export async function blocks(p: Promise<unknown>): Promise<boolean> {
  const w = watch(p);
  await flush();
  await flush();
  return w.outcome.state === "pending";
}
