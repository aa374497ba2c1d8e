import { describe } from "./errors";
import { Ring } from "./ring";

/**
 * What a channel stores values in while no taker waits [core.async Buffer protocol].
 *
 * The shape is `@repeaterjs/repeater`'s `RepeaterBuffer` (`empty`, `full`, `add`, `remove`), so
 * a repeater buffer can be handed to {@link chan} as it is. A channel calls `add` only when
 * `full` is false and `remove` only when `empty` is false, except that a channel with a
 * transducer adds every value its step produces, full or not (an expanding step may overfill
 * the buffer, as in core.async).
 *
 * `length` and `capacity` are optional: a channel reports them as its own
 * {@link Channel.length} and {@link Channel.capacity} (Go's `len` and `cap`), or `NaN` when the
 * buffer does not say.
 */
export interface Buffer<T> {
  /** How many values it holds now. */
  readonly length?: number | undefined;
  /** How many values it holds before it is full (or, for dropping and sliding, starts dropping). */
  readonly capacity?: number | undefined;
  /** No value can be removed. */
  readonly empty: boolean;
  /** A put must wait: `add` would not keep the value. Dropping and sliding buffers are never full. */
  readonly full: boolean;
  /** Stores a value (or, by the buffer's policy, drops one). Called only when not `full`. */
  add(value: T): void;
  /** Removes and returns the next value. Called only when not `empty`. */
  remove(): T;
}

// A size that is not a number is a TypeError, as chan("5") is; a number out of range a RangeError.
function checkSize(kind: string, n: number, least: number): void {
  if (typeof n !== "number") {
    throw new TypeError(`${kind}(n): n must be a number, got ${describe(n)}`);
  }
  if (!Number.isSafeInteger(n) || n < least) {
    throw new RangeError(
      `${kind}(n): n must be a whole number of at least ${least}, got ${String(n)}`,
    );
  }
}

/** A queue of at most `capacity` values, oldest first. */
abstract class RingBuffer<T> implements Buffer<T> {
  protected readonly ring = new Ring<T>(4);
  constructor(readonly capacity: number) {}
  get length(): number {
    return this.ring.length;
  }
  get empty(): boolean {
    return this.ring.length === 0;
  }
  abstract readonly full: boolean;
  abstract add(value: T): void;
  remove(): T {
    if (this.ring.length === 0) throw new Error("sluice bug: remove() from an empty buffer");
    return this.ring.shift() as T;
  }
}

class FixedBuffer<T> extends RingBuffer<T> {
  get full(): boolean {
    return this.ring.length >= this.capacity;
  }
  add(value: T): void {
    this.ring.push(value);
  }
  override toString(): string {
    return `fixed(${this.capacity})`;
  }
}

class DroppingBuffer<T> extends RingBuffer<T> {
  get full(): boolean {
    return false;
  }
  add(value: T): void {
    if (this.ring.length < this.capacity) this.ring.push(value);
  }
  override toString(): string {
    return `dropping(${this.capacity})`;
  }
}

class SlidingBuffer<T> extends RingBuffer<T> {
  get full(): boolean {
    return false;
  }
  add(value: T): void {
    if (this.ring.length === this.capacity) this.ring.shift();
    this.ring.push(value);
  }
  override toString(): string {
    return `sliding(${this.capacity})`;
  }
}

/**
 * Holds the first value added forever: every remove returns it and it is never used up
 * [core.async promise-buffer]. Internal: reached through {@link promiseChan}.
 */
export class PromiseBuffer<T> implements Buffer<T> {
  #value: T | undefined = undefined;
  #set = false;
  readonly capacity = 1;
  get length(): number {
    return this.#set ? 1 : 0;
  }
  get empty(): boolean {
    return !this.#set;
  }
  get full(): boolean {
    return false;
  }
  add(value: T): void {
    if (!this.#set) {
      this.#value = value;
      this.#set = true;
    }
  }
  remove(): T {
    return this.#value as T;
  }
  toString(): string {
    return "promise";
  }
}

/**
 * [core.async buffer] A buffer of `n` values: puts complete at once while fewer than `n` wait,
 * then wait for a taker. `fixed(0)` is always full, so its channel is unbuffered: each put waits
 * for a taker (core.async's `(buffer 0)`, Go's `make(chan T, 0)`).
 * @example const ch = chan(fixed(16)); // same as chan(16)
 */
export function fixed<T>(n: number): Buffer<T> {
  checkSize("fixed", n, 0);
  return new FixedBuffer<T>(n);
}

/**
 * [core.async dropping-buffer] A buffer of `n` values that never makes a put wait: when full,
 * the new value is dropped (the put still succeeds).
 * @example const latestFirst = chan(dropping(1));
 */
export function dropping<T>(n: number): Buffer<T> {
  checkSize("dropping", n, 1);
  return new DroppingBuffer<T>(n);
}

/**
 * [core.async sliding-buffer] A buffer of `n` values that never makes a put wait: when full,
 * the oldest value is dropped to make room (the put succeeds).
 * @example const lastN = chan(sliding(10));
 */
export function sliding<T>(n: number): Buffer<T> {
  checkSize("sliding", n, 1);
  return new SlidingBuffer<T>(n);
}
