// The contract every channel library implements for the bench, once per library in its own
// module and in its own idiom (a shared generic driver would make every call site megamorphic
// and blur the differences being measured). Each workload moves the values 1..n exactly once,
// so its checksum is the sum 1..n (ping-pong: the replies v+1, so the sum plus n).

/** A channel library under test. A workload it has no primitive for is `undefined`. */
export interface ChannelLib {
  name: string;
  /** unbuffered ping-pong: n round trips; returns the sum of the replies */
  pingPong(n: number): Promise<number>;
  /** one producer puts 1..n into a buffered channel of `capacity`; one consumer sums n takes */
  spsc(n: number, capacity: number): Promise<number>;
  /** k unbuffered channels, one producer each; one consumer sums n selects */
  select?: (n: number, k: number) => Promise<number>;
  /** p producers put into one unbuffered channel; one consumer sums n takes */
  fanIn(n: number, producers: number): Promise<number>;
  /** n idle unbuffered channels, kept reachable by the caller */
  idle(n: number): unknown[];
  /** n unbuffered channels with one pending take each (channels and pending ops returned) */
  pendingTakes(n: number): unknown[];
}

/**
 * The values producer `j` of `k` sends when 1..n is dealt round-robin: j+1, j+1+k, ...
 * Used by select and fan-in so the total is the sum 1..n whatever the interleaving.
 */
export function* dealt(j: number, k: number, n: number): Generator<number> {
  for (let v = j + 1; v <= n; v += k) yield v;
}

/** How many values producer `j` of `k` sends out of 1..n. */
export function dealtCount(j: number, k: number, n: number): number {
  return j + 1 > n ? 0 : Math.floor((n - j - 1) / k) + 1;
}
