// The promise floor: the least a promise-per-operation channel can do. Every put and take
// returns a fresh promise; queues are rings (V8's Array#shift is O(n) on small arrays, which
// shows in fan-in); select takes from a ready channel chosen from a random start, or registers
// one taker per channel sharing a commit-once flag, and the losers are skipped when met.
// Invariants: a channel's takers queue holds live takers only while its buffer is empty and
// no put waits; a select's flag is set once, by whoever commits first.
// It supports what the workloads need (takes in select, no close) and nothing more.

class Ring<T> {
  #items: (T | undefined)[] = new Array(8);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(v: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = v;
    this.#size++;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const v = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return v;
  }

  #grow(): void {
    const bigger: (T | undefined)[] = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++) {
      bigger[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
    }
    this.#items = bigger;
    this.#head = 0;
  }
}

interface Flag {
  done: boolean;
}

interface Taker<T> {
  /** shared by the takers of one select; null for a plain take */
  flag: Flag | null;
  resolve(value: T): void;
}

interface Putter<T> {
  value: T;
  resolve(ok: boolean): void;
}

/** A minimal buffered or unbuffered channel: put/take each return a fresh promise. */
export class FloorChan<T> {
  readonly #capacity: number;
  readonly #buffer = new Ring<T>();
  readonly #takers = new Ring<Taker<T>>();
  readonly #putters = new Ring<Putter<T>>();

  constructor(capacity = 0) {
    this.#capacity = capacity;
  }

  put(value: T): Promise<boolean> {
    for (let t = this.#takers.shift(); t !== undefined; t = this.#takers.shift()) {
      if (t.flag !== null) {
        if (t.flag.done) continue; // a select that already committed elsewhere
        t.flag.done = true;
      }
      t.resolve(value);
      return Promise.resolve(true);
    }
    if (this.#buffer.size < this.#capacity) {
      this.#buffer.push(value);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#putters.push({ value, resolve }));
  }

  take(): Promise<T> {
    if (this.ready()) return Promise.resolve(this.takeNow());
    return new Promise((resolve) => this.#takers.push({ flag: null, resolve }));
  }

  /** a take would complete now */
  ready(): boolean {
    return this.#buffer.size > 0 || this.#putters.size > 0;
  }

  /** takes a value that ready() promised */
  takeNow(): T {
    if (this.#buffer.size > 0) {
      const v = this.#buffer.shift() as T;
      const p = this.#putters.shift();
      if (p !== undefined) {
        this.#buffer.push(p.value);
        p.resolve(true);
      }
      return v;
    }
    const p = this.#putters.shift() as Putter<T>;
    p.resolve(true);
    return p.value;
  }

  /** registers a select's taker, dropping losers of earlier selects from the front */
  enqueue(taker: Taker<T>): void {
    for (let t = this.#takers.peek(); t?.flag?.done; t = this.#takers.peek()) this.#takers.shift();
    this.#takers.push(taker);
  }
}

/** Takes from whichever channel is ready first; resolves with the value and its index. */
export function floorSelect<T>(chans: readonly FloorChan<T>[]): Promise<[T, number]> {
  const k = chans.length;
  const start = Math.floor(Math.random() * k);
  // pass 1: a ready channel, scanning from a random start (fairness)
  for (let j = 0; j < k; j++) {
    const i = (start + j) % k;
    const ch = chans[i]!;
    if (ch.ready()) return Promise.resolve([ch.takeNow(), i]);
  }
  // pass 2: wait on all; the first put commits the flag and the rest become losers
  return new Promise((resolve) => {
    const flag: Flag = { done: false };
    for (let i = 0; i < k; i++) chans[i]!.enqueue({ flag, resolve: (v: T) => resolve([v, i]) });
  });
}
