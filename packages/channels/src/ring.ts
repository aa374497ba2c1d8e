/**
 * A growable circular queue.
 *
 * Channels keep their buffers and their queues of pending operations in rings: `Array#shift` is
 * O(n) in V8 once an array leaves its fast mode, and a channel shifts on every take.
 * Capacity is always a power of two so an index wraps with a mask.
 *
 * Every ring's storage is an array of the same V8 elements kind (holey, any value), whether it
 * holds numbers or handlers, so the methods see one array map and stay monomorphic. push and
 * shift are inlined into every put and take, within a budget V8 counts in bytecode, so they
 * read each field once, into locals, and the fields are properties rather than #private: a
 * private field's read or write is about twice the bytecode. Outside this file they are
 * read-only (`length` is read by channels and buffers).
 */
export class Ring<T> {
  /** @internal */ items: Array<T | undefined>;
  /** @internal */ head = 0;
  /** How many items it holds. */ length = 0;

  /** Starts with no storage: an idle channel's queues cost a few words each. */
  constructor(initialCapacity = 0) {
    let capacity = initialCapacity > 0 ? 1 : 0;
    while (capacity < initialCapacity) capacity <<= 1;
    this.items = storage<T>(capacity);
  }

  push(item: T): void {
    const n = this.length;
    let items = this.items;
    if (n === items.length) items = this.grow();
    items[(this.head + n) & (items.length - 1)] = item;
    this.length = n + 1;
  }

  /** Removes and returns the oldest item; `undefined` when empty. */
  shift(): T | undefined {
    const n = this.length;
    if (n === 0) return undefined;
    const items = this.items;
    const head = this.head;
    const item = items[head];
    items[head] = undefined; // let it be collected
    this.head = (head + 1) & (items.length - 1);
    this.length = n - 1;
    return item;
  }

  /** Keeps only the items for which `keep` is true, in order. O(length). */
  retain(keep: (item: T) => boolean): void {
    const mask = this.items.length - 1;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const item = this.items[(this.head + i) & mask] as T;
      if (keep(item)) this.items[(this.head + kept++) & mask] = item;
    }
    for (let i = kept; i < this.length; i++) this.items[(this.head + i) & mask] = undefined;
    this.length = kept;
  }

  private grow(): Array<T | undefined> {
    const old = this.items;
    // (with no storage yet the masks below are never reached: length is 0)
    const items = storage<T>(old.length === 0 ? 4 : old.length * 2);
    for (let i = 0; i < this.length; i++) items[i] = old[(this.head + i) & (old.length - 1)];
    this.items = items;
    this.head = 0;
    return items;
  }
}

// The one elements kind of every ring's storage: holey, any value (an array made by
// `new Array(n)` starts holey-small-integers and changes kind at its first object).
function storage<T>(capacity: number): Array<T | undefined> {
  return capacity === 0 ? NONE : new Array<T | undefined>(capacity).fill(undefined);
}

// The storage of an empty ring, shared: a ring with no room grows before it writes.
const NONE: never[] = new Array<never>(1).fill(undefined as never);
NONE.length = 0;
