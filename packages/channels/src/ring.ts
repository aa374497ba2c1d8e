/**
 * A growable circular queue.
 *
 * Channels keep their buffers and their queues of pending operations in rings: `Array#shift` is
 * O(n) in V8 once an array leaves its fast mode, and a channel shifts on every take.
 * Capacity is always a power of two so an index wraps with a mask.
 */
export class Ring<T> {
  #items: Array<T | undefined>;
  #head = 0;
  #length = 0;

  /** Starts with no storage: an idle channel's queues cost a few words each. */
  constructor(initialCapacity = 0) {
    let capacity = initialCapacity > 0 ? 1 : 0;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length++;
  }

  /** Removes and returns the oldest item; `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let it be collected
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    return item;
  }

  /** Keeps only the items for which `keep` is true, in order. O(length). */
  retain(keep: (item: T) => boolean): void {
    const mask = this.#items.length - 1;
    let kept = 0;
    for (let i = 0; i < this.#length; i++) {
      const item = this.#items[(this.#head + i) & mask] as T;
      if (keep(item)) this.#items[(this.#head + kept++) & mask] = item;
    }
    for (let i = kept; i < this.#length; i++) this.#items[(this.#head + i) & mask] = undefined;
    this.#length = kept;
  }

  #grow(): void {
    const old = this.#items;
    // (with no storage yet the masks below are never reached: length is 0)
    const items = new Array<T | undefined>(old.length === 0 ? 4 : old.length * 2);
    for (let i = 0; i < this.#length; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
