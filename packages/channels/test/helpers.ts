import { Channel, chan, dropping, fixed, sliding } from "@sluice/channels";

/** V8's collector, as `node --expose-gc` gives it. */
export function getGc(): () => void {
  const v8 = require("node:v8") as typeof import("node:v8");
  const vm = require("node:vm") as typeof import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/** Lets every queued promise callback run (a macrotask turn). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type Outcome<T> =
  { state: "pending" } | { state: "fulfilled"; value: T } | { state: "rejected"; reason: unknown };

/** Watches a promise, so a test can ask how it stands after a flush. */
export function watch<T>(promise: Promise<T>): { readonly outcome: Outcome<T> } {
  const w: { outcome: Outcome<T> } = { outcome: { state: "pending" } };
  promise.then(
    (value) => (w.outcome = { state: "fulfilled", value }),
    (reason: unknown) => (w.outcome = { state: "rejected", reason }),
  );
  return w;
}

export interface Kind {
  name: string;
  make: () => Channel<number>;
  /** How many puts complete with no taker. Infinity for dropping and sliding. */
  accepts: number;
  /** What the buffer keeps of 1..n when n values were put with no taker. */
  keeps: (n: number) => number[];
}

const range = (a: number, b: number): number[] =>
  Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The table every channel behaviour runs over: one buffer kind's run cannot show the others'. */
export const kinds: Kind[] = [
  { name: "unbuffered", make: () => chan<number>(), accepts: 0, keeps: () => [] },
  // core.async's (buffer 0): always full, so it behaves as unbuffered.
  { name: "fixed(0)", make: () => chan<number>(fixed(0)), accepts: 0, keeps: () => [] },
  {
    name: "fixed(1)",
    make: () => chan<number>(fixed(1)),
    accepts: 1,
    keeps: (n) => range(1, Math.min(n, 1)),
  },
  {
    name: "fixed(3)",
    make: () => chan<number>(fixed(3)),
    accepts: 3,
    keeps: (n) => range(1, Math.min(n, 3)),
  },
  {
    name: "dropping(3)",
    make: () => chan<number>(dropping(3)),
    accepts: Infinity,
    keeps: (n) => range(1, Math.min(n, 3)),
  },
  {
    name: "sliding(3)",
    make: () => chan<number>(sliding(3)),
    accepts: Infinity,
    keeps: (n) => range(Math.max(1, n - 2), n),
  },
];

/** Resolves as `p` does, or rejects if it has not settled within `ms`; the timer is cleared. */
export function within<T>(p: Promise<T>, ms = 2000, what = "the operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** A take bounded in time: if nothing comes within `ms` it is withdrawn (consuming nothing). */
export async function takeWithin<T>(ch: Channel<T>, ms = 2000): Promise<T | undefined> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`no value within ${ms} ms`)), ms);
  try {
    return await ch.take({ signal: ac.signal });
  } finally {
    clearTimeout(timer);
  }
}
