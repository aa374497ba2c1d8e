// @repeaterjs/repeater used as a queue: the executor's `push` is the put end, `next()` the take
// end. It has no select (Repeater.race takes from iterators, not commit-once), so that workload
// is absent. Its executor starts on the first `next()`, so every queue is primed by its
// consumer before anything is pushed. A push resolves only when the consumer asks for the
// value after it, so the ping-pong's strictly alternating sides would deadlock awaiting it:
// there the push is not awaited (one value is ever in flight, so nothing piles up); and in
// fan-in the producers' last pushes never resolve, so they are not awaited either.
import { FixedBuffer, Repeater, type Push } from "@repeaterjs/repeater";
import { dealt, type ChannelLib } from "../lib";

class Queue {
  readonly repeater: Repeater<number>;
  #push: Push<number> | undefined;

  constructor(capacity = 0) {
    this.repeater = new Repeater<number>(
      (push) => {
        this.#push = push;
      },
      capacity > 0 ? new FixedBuffer(capacity) : undefined,
    );
  }

  /** the first take starts the executor, which hands over `push` synchronously */
  take(): Promise<IteratorResult<number>> {
    return this.repeater.next();
  }

  push(v: number): Promise<unknown> {
    if (this.#push === undefined) throw new Error("repeater queue: take before the first push");
    return this.#push(v);
  }
}

async function pingPong(n: number): Promise<number> {
  const ping = new Queue();
  const pong = new Queue();
  let first: Promise<IteratorResult<number>> | undefined = pong.take();
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = (await ping.take()).value as number;
      void pong.push(v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    void ping.push(i);
    const r = first ?? pong.take();
    first = undefined;
    sum += (await r).value as number;
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const q = new Queue(capacity);
  const head = q.take();
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await q.push(v);
  })();
  let sum = (await head).value as number;
  for (let i = 1; i < n; i++) sum += (await q.take()).value as number;
  await producer;
  return sum;
}

async function produce(q: Queue, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await q.push(v);
}

async function fanIn(n: number, p: number): Promise<number> {
  const q = new Queue();
  const head = q.take();
  // each producer's last push resolves only on a take after it, which never comes: the
  // producers are not awaited (the checksum says every value arrived)
  for (let j = 0; j < p; j++) void produce(q, j, p, n);
  let sum = (await head).value as number;
  for (let i = 1; i < n; i++) sum += (await q.take()).value as number;
  return sum;
}

export const repeater: ChannelLib = {
  name: "@repeaterjs/repeater",
  pingPong,
  spsc,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => new Queue()),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const q = new Queue();
      kept.push(q, q.take());
    }
    return kept;
  },
};
