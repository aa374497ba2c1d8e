/*
 * Invariants (checked after every step of random programs by test/invariants.test.ts; for a
 * channel with a transducer, by test/xform-properties.test.ts; their consequence, that nothing
 * put is lost or duplicated, by test/properties.test.ts):
 *  - At most one of #puts and #takes holds live handlers: a put never waits while a live take
 *    waits, and the other way round. (A single select may park a put and a take on the same
 *    channel; a third party's op matches one of them and kills the other.)
 *  - A value waits in the buffer only while no live take waits.
 *  - A put waits in #puts only while the buffer is full (or there is none); a take waits only
 *    while nothing is buffered (a zero-capacity buffer is always full and never holds any).
 *  - `closed` never goes back to false. Puts that were waiting at close stay and are delivered
 *    to later takes; a take sees `undefined` only when the buffer and #puts are both empty.
 *  - Every handler is committed at most once: its flag is flipped before it is settled.
 *  - With a transducer, every value enters the buffer through its step (never handed past it),
 *    and its completion step runs once: at close, or once no put waits any more after close.
 */
import { Buffer, PromiseBuffer, fixed } from "./buffers";
import { checkSignal, describe, OptionKeys } from "./errors";
import { AbortableOp, Handler, PendingOp, isLive, noop } from "./handler";
import { raise } from "./ops/raise";
import { Ring } from "./ring";
import { type Transducer, type Transformer, applyTransducer, isReduced } from "./transducer";

/** What a channel with a transducer does with an error of its step [core.async ex-handler]. */
export type ExHandler<T> = (error: unknown) => T | undefined;

/** [core.async MAX-QUEUE-SIZE] Pending puts, and pending takes, that one channel holds at most. */
export const MAX_PENDING = 1024;

/** Queues are swept of dead handlers when they reach a power of two at least this long. */
const SWEEP_FROM = 64;

/** What tryPut/tryTake return when the operation would have to wait. */
const notReady: unique symbol = Symbol("sluice.notReady");
export { notReady as NOT_READY };
type NotReady = typeof notReady;

/**
 * Whether an outcome of tryPut or tryTake is NOT_READY. V8 compiles `x === NOT_READY`, where x
 * has been both a symbol and a number or boolean, to a call of its generic comparison; here it
 * is a type check and a pointer compare. (The symbol is a module constant, not an export,
 * which TypeScript would read from `exports` at each use.)
 */
export function isNotReady(x: unknown): x is NotReady {
  return typeof x === "symbol" && x === notReady;
}

// Settled promises are immutable, so the outcomes that carry no value are shared.
const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);
const NOTHING: Promise<undefined> = Promise.resolve(undefined);
const DONE: Promise<IteratorResult<never>> = Promise.resolve({ done: true, value: undefined });

/** Options of a put or take. */
export interface OpOptions {
  /** Withdraws the operation when it fires: the promise rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * The doors that select.ts needs into a channel. Filled by Channel's static block, exported from
 * this module only (never from index.ts): operators outside the core use the public API.
 */
export const internal = {} as {
  validate(ch: Channel<any>, value: unknown): void;
  tryPut<T>(ch: Channel<T>, value: T): boolean | NotReady;
  tryTake<T>(ch: Channel<T>): T | undefined | NotReady;
  park<T>(ch: Channel<T>, handler: Handler<T>, isPut: boolean): void;
  /** For wait, below: what #park does past SWEEP_FROM. */
  sweep<T>(ch: Channel<T>, queue: Ring<Handler<T>>): void;
};

/**
 * A CSP channel [core.async chan; Go chan]. Create one with {@link chan} or {@link promiseChan}.
 *
 * `undefined` plays core.async's `nil`: it can never be put, and a take returns it only once
 * the channel is closed and drained. `null` is an ordinary value. Every operation takes effect
 * at the moment of the call; the promise only reports the outcome.
 *
 * Subclasses may override {@link Channel.validate} to refuse values at the put.
 */
export class Channel<T> implements AsyncIterable<T> {
  #buffer: Buffer<T> | undefined;
  #puts = new Ring<Handler<T>>();
  #takes = new Ring<Handler<T>>();
  #closed = false;
  #closeListeners: Array<() => void> | undefined;
  // With a transducer: the transformer over the buffer, its error handler, and whether its
  // completion step has run.
  #xf: Transformer<any> | undefined; // (any: a private field of type T would make Channel invariant)
  #exHandler: ExHandler<T> | undefined;
  #completed = false;
  // True while the channel is unbuffered, without a transducer, and open: then put and take
  // (without options) take their whole path in place, behind this one test.
  #rendezvous = false;

  static {
    internal.validate = (ch, value) => ch.validate(value);
    internal.sweep = (ch, queue) => ch.#sweep(queue);
    internal.tryPut = (ch, value) => ch.#tryPut(value);
    internal.tryTake = (ch) => ch.#tryTake();
    internal.park = (ch, handler, isPut) => ch.#park(isPut ? ch.#puts : ch.#takes, handler);
  }

  /**
   * Same as {@link chan}: a number is a fixed buffer of that size; none or 0 is unbuffered; with
   * an `xform`, values pass through that transducer.
   */
  constructor(buffer?: number | Buffer<T>, xform?: Transducer, exHandler?: ExHandler<T>) {
    if (xform !== undefined || exHandler !== undefined) {
      this.#transducing(buffer, xform, exHandler);
      return;
    }
    if (buffer === undefined || buffer === 0) {
      this.#rendezvous = true;
      return;
    }
    this.#buffer = toBuffer(buffer);
  }

  // chan(buffer, xform, exHandler): the checks, then the transformer over the buffer.
  #transducing(
    buffer: number | Buffer<T> | undefined,
    xform: Transducer | undefined,
    exHandler: ExHandler<T> | undefined,
  ): void {
    const call = "chan(buffer, xform, exHandler)";
    if (exHandler !== undefined && typeof exHandler !== "function") {
      throw new TypeError(`${call}: exHandler must be a function, got ${describe(exHandler)}`);
    }
    if (xform === undefined) {
      throw new TypeError(`${call}: an exHandler handles the errors of an xform; none was given`);
    }
    const b = buffer === undefined || buffer === 0 ? undefined : toBuffer(buffer);
    // A buffer that is full while empty holds nothing (fixed(0)): the channel is unbuffered.
    if (b === undefined || (b.full && b.empty)) {
      throw new TypeError(
        `${call}: an xform needs a buffer that can hold a value (core.async asserts the same), ` +
          `got ${b === undefined ? "none (unbuffered)" : String(b)}: use chan(1, xform) or more`,
      );
    }
    this.#xf = applyTransducer(call, xform, {
      "@@transducer/init": () => b,
      "@@transducer/step": (acc: Buffer<T>, value: T) => {
        acc.add(value);
        return acc;
      },
      "@@transducer/result": (acc: Buffer<T>) => acc,
    });
    this.#buffer = b;
    this.#exHandler = exHandler;
  }

  /**
   * [Go len] How many values are buffered now; 0 when unbuffered. After an expanding transducer
   * it may exceed {@link Channel.capacity}. `NaN` for a user's buffer that has no `length`.
   */
  get length(): number {
    const buffer = this.#buffer;
    return buffer === undefined ? 0 : (buffer.length ?? NaN);
  }

  /**
   * [Go cap] The buffer's size: 0 when unbuffered, 1 for a {@link promiseChan}. `NaN` for a
   * user's buffer that has no `capacity`.
   */
  get capacity(): number {
    const buffer = this.#buffer;
    return buffer === undefined ? 0 : (buffer.capacity ?? NaN);
  }

  /** True once {@link Channel.close} was called. Buffered values may still be takeable. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * [core.async put! / >!; Go `ch <- v`] Puts a value. Resolves `true` once the value is
   * accepted (buffered, or handed to a taker), `false` if the channel was closed at the call.
   *
   * A put waiting when the channel closes stays pending and is delivered to a later take
   * (then resolves `true`). With a `signal`, a waiting put that is aborted rejects with
   * `signal.reason` and delivered nothing.
   * @throws TypeError for `undefined` (or what the channel's `validate` refuses), `opts` that
   *   is not an object, or an `opts.signal` that is not an AbortSignal; RangeError when 1024
   *   puts already wait on this channel.
   * @example await ch.put(42);
   */
  put(value: T, opts?: OpOptions): Promise<boolean> {
    this.validate(value);
    // The rest of #putWith, on an open unbuffered channel, written out: small enough that V8
    // inlines put and take together into the caller's loop (its budget counts bytecode).
    if (opts !== undefined || this.#rendezvous !== true) return this.#putWith(value, opts);
    const taker = nextLive(this.#takes);
    if (taker === undefined) return wait(this, this.#puts, value);
    taker.commit(value, this);
    return TRUE;
  }

  /**
   * [core.async take! / <!; Go `<-ch`] Takes a value. Resolves `undefined` only once the
   * channel is closed and drained.
   *
   * Takes waiting at close resolve `undefined`. With a `signal`, a waiting take that is
   * aborted rejects with `signal.reason` and consumed nothing.
   * @throws TypeError for `opts` that is not an object, or an `opts.signal` that is not an
   *   AbortSignal; RangeError when 1024 takes already wait on this channel.
   * @example for (let v; (v = await ch.take()) !== undefined; ) use(v);
   */
  take(opts?: OpOptions): Promise<T | undefined> {
    // As put: the rest of #takeWith, on an open unbuffered channel, written out.
    if (opts !== undefined || this.#rendezvous !== true) return this.#takeWith(opts);
    const putter = nextLive(this.#puts);
    if (putter === undefined) return wait(this, this.#takes, undefined);
    putter.commit(true, this);
    return Promise.resolve(putter.value as T);
  }

  /**
   * [core.async offer!] Puts only if that can complete now (buffer space or a waiting taker);
   * returns whether it did. `false` on a closed channel. Never waits.
   * @example if (!ch.offer(v)) console.warn("busy, dropped", v);
   */
  offer(value: T): boolean {
    this.validate(value);
    const done = this.#tryPut(value);
    return isNotReady(done) ? false : done;
  }

  /**
   * [core.async poll!] Takes only if a value is ready now (buffered, or a waiting putter);
   * otherwise returns `undefined`, as it does on a closed and drained channel. Never waits.
   * @example const v = ch.poll();
   */
  poll(): T | undefined {
    const value = this.#tryTake();
    return isNotReady(value) ? undefined : value;
  }

  /**
   * [core.async close!; Go close] Closes the channel. Idempotent. Buffered values and puts that
   * were waiting can still be taken; takes that were waiting resolve `undefined`; later puts
   * resolve `false`.
   */
  close(): void {
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rendezvous = false;
    // Live takes wait only while nothing is buffered and no put waits, so they get nothing,
    // unless a transducer's completion step adds values now (a partition's tail).
    if (this.#xf !== undefined) this.#complete();
    const buffer = this.#buffer;
    const takes = this.#takes;
    const woken: Handler<T>[] = [];
    const values: Array<T | undefined> = [];
    for (let h = takes.shift(); h !== undefined; h = takes.shift()) {
      if (h.flag.active) {
        h.flag.active = false;
        woken.push(h);
        values.push(buffer !== undefined && !buffer.empty ? buffer.remove() : undefined);
      }
    }
    for (let i = 0; i < woken.length; i++) (woken[i] as Handler<T>).commit(values[i], this);
    const listeners = this.#closeListeners;
    this.#closeListeners = undefined;
    if (listeners !== undefined) callListeners(listeners);
  }

  /**
   * [no core.async counterpart; Go: a done channel] Runs `listener` once, synchronously, when
   * {@link Channel.close} first closes this channel (after waiting takes were woken), or at once
   * when it is already closed. Returns a function that removes the listener. For code that must
   * react to a close while it does not wait on the channel (the zeromq pump arms a socket's
   * linger with it). A listener that throws does not stop the others; once all have run,
   * `close()` throws that error (an AggregateError for several), the channel closed all the same.
   * @throws TypeError when `listener` is not a function.
   * @example const stop = ch.onClose(() => console.log("closed")); // later: stop()
   */
  onClose(listener: () => void): () => void {
    if (typeof listener !== "function") {
      throw new TypeError(
        `onClose(listener): listener must be a function, got ${describe(listener)}`,
      );
    }
    if (this.#closed) {
      listener();
      return noop;
    }
    const listeners = (this.#closeListeners ??= []);
    listeners.push(listener);
    return () => {
      const current = this.#closeListeners;
      const i = current === undefined ? -1 : current.indexOf(listener);
      if (i >= 0) current!.splice(i, 1);
    };
  }

  /**
   * Iterates the values until the channel is closed and drained. Leaving the loop early does
   * not close the channel; a take still waiting when the iterator is returned is withdrawn.
   * @example for await (const v of ch) console.log(v);
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new ChannelIterator(this);
  }

  /**
   * Refuses values this channel must never carry; called synchronously by `put`, `offer` and a
   * `select` put, before anything happens. Overrides must call `super.validate(value)`.
   * @throws TypeError for `undefined` (it marks "closed" on takes, so it can't be a value).
   */
  protected validate(value: unknown): void {
    // (the error is made elsewhere: this method's bytecode counts in every put's inlining)
    if (value === undefined) throw undefinedPut();
  }

  /** Describes the channel for error messages, e.g. `chan(fixed(3))`. */
  toString(): string {
    return `chan(${this.#buffer === undefined ? "" : String(this.#buffer)})`;
  }

  // -- the two primitives: complete now, or say NOT_READY ----------------------------------

  #tryPut(value: T): boolean | NotReady {
    if (this.#closed) return false;
    const buffer = this.#buffer;
    if (buffer !== undefined && !buffer.full) return this.#putBuffered(buffer, value);
    // No buffer, or a full one: a waiting taker takes the value directly. (Takes wait on a full
    // buffer only when it holds nothing: a zero-capacity buffer, core.async's (buffer 0).)
    const taker = nextLive(this.#takes);
    if (taker === undefined) return notReady;
    taker.commit(value, this);
    return true;
  }

  #putBuffered(buffer: Buffer<T>, value: T): true {
    if (this.#xf !== undefined) return this.#putTransformed(buffer, value);
    buffer.add(value);
    // A take can be waiting only while the buffer was empty: hand it what is there now.
    const takes = this.#takes;
    while (takes.length > 0 && !buffer.empty) {
      const h = takes.shift() as Handler<T>;
      if (!h.flag.active) continue;
      h.flag.active = false;
      h.commit(buffer.remove(), this);
    }
    return true;
  }

  #tryTake(): T | undefined | NotReady {
    const buffer = this.#buffer;
    // (a transducer comes with a buffer, so an unbuffered channel makes one test here)
    if (buffer !== undefined) {
      if (!buffer.empty) return this.#takeBuffered(buffer);
      if (this.#xf !== undefined) return this.#takeTransformed(buffer);
    }
    const putter = nextLive(this.#puts);
    if (putter !== undefined) {
      putter.commit(true, this);
      return putter.value as T;
    }
    return this.#closed === true ? undefined : notReady;
  }

  #takeBuffered(buffer: Buffer<T>): T {
    const value = buffer.remove();
    if (this.#xf !== undefined) {
      this.#refill(buffer);
      return value;
    }
    // Room was made: waiting puts move into the buffer, oldest first.
    const puts = this.#puts;
    while (puts.length > 0 && !buffer.full) {
      const h = puts.shift() as Handler<T>;
      if (!h.flag.active) continue;
      h.flag.active = false;
      buffer.add(h.value as T);
      h.commit(true, this);
    }
    return value;
  }

  // -- a channel with a transducer [core.async add!, abort] ---------------------------------

  // A value enters through the step; then waiting takes get what the buffer holds.
  #putTransformed(buffer: Buffer<T>, value: T): true {
    const done = this.#step(buffer, value);
    const takes = this.#takes;
    const woken: Handler<T>[] = [];
    const values: T[] = [];
    while (takes.length > 0 && !buffer.empty) {
      const h = takes.shift() as Handler<T>;
      if (!h.flag.active) continue;
      h.flag.active = false;
      woken.push(h);
      values.push(buffer.remove());
    }
    if (done) this.#abort();
    for (let i = 0; i < woken.length; i++) (woken[i] as Handler<T>).commit(values[i], this);
    return true;
  }

  // The buffer is empty. Puts wait only while it is full, so none waits unless the buffer lies;
  // after close the completion step may still add a tail.
  #takeTransformed(buffer: Buffer<T>): T | undefined | NotReady {
    this.#refill(buffer);
    if (!buffer.empty) return buffer.remove();
    if (!this.#closed) return notReady;
    this.#complete();
    return buffer.empty ? undefined : buffer.remove();
  }

  // Room was made: waiting puts enter through the step, oldest first, while there is room.
  #refill(buffer: Buffer<T>): void {
    const puts = this.#puts;
    const woken: Handler<T>[] = [];
    let done = false;
    while (puts.length > 0 && !buffer.full && !done) {
      const h = puts.shift() as Handler<T>;
      if (!h.flag.active) continue;
      h.flag.active = false;
      woken.push(h);
      done = this.#step(buffer, h.value as T);
    }
    if (done) this.#abort();
    for (const h of woken) h.commit(true, this);
  }

  /** Runs the step on one value; true when it answered reduced (no more input). */
  #step(buffer: Buffer<T>, value: T): boolean {
    try {
      return isReduced((this.#xf as Transformer<Buffer<T>>)["@@transducer/step"](buffer, value));
    } catch (error) {
      this.#handle(buffer, error);
      return false;
    }
  }

  /** The completion step, once, after close and once no put waits. */
  #complete(): void {
    if (this.#completed) return;
    const puts = this.#puts;
    puts.retain(isLive);
    if (puts.length > 0) return;
    this.#completed = true;
    const buffer = this.#buffer as Buffer<T>;
    try {
      (this.#xf as Transformer<Buffer<T>>)["@@transducer/result"](buffer);
    } catch (error) {
      this.#handle(buffer, error);
    }
  }

  /** [core.async abort] A reduced step: waiting puts succeed with their values dropped; close. */
  #abort(): void {
    const puts = this.#puts;
    const woken: Handler<T>[] = [];
    for (let h = puts.shift(); h !== undefined; h = puts.shift()) {
      if (h.flag.active) {
        h.flag.active = false;
        woken.push(h);
      }
    }
    if (this.#closed) this.#complete();
    else this.#close();
    for (const h of woken) h.commit(true, this);
  }

  /** An error of the step: the exHandler's value (unless undefined) is added; else raised. */
  #handle(buffer: Buffer<T>, error: unknown): void {
    const exHandler = this.#exHandler;
    if (exHandler === undefined) return raise(error);
    let value: T | undefined;
    try {
      value = exHandler(error);
    } catch (thrown) {
      return raise(thrown);
    }
    if (value !== undefined) buffer.add(value);
  }

  // -- waiting ------------------------------------------------------------------------------

  // put and take in general: the options' checks, then complete now or wait. Options are
  // checked only here, past put's and take's one test of `opts !== undefined`, and their error
  // is made elsewhere (badOptions), so the path put and take inline gains no bytecode.
  #putWith(value: T, opts: OpOptions | undefined): Promise<boolean> {
    let signal: AbortSignal | undefined;
    if (opts !== undefined) {
      if (typeof opts !== "object" || opts === null) throw badOptions("put(value, opts)", opts);
      PUT_KEYS.check(opts);
      signal = opts.signal;
      if (signal !== undefined) {
        checkSignal("put(value, opts)", signal);
        if (signal.aborted) return Promise.reject(signal.reason);
      }
    }
    const done = this.#tryPut(value);
    if (!isNotReady(done)) return done ? TRUE : FALSE;
    if (signal === undefined) return wait(this, this.#puts, value);
    return this.#waitAbortable(new AbortableOp<T>(value, signal), true);
  }

  #takeWith(opts: OpOptions | undefined): Promise<T | undefined> {
    let signal: AbortSignal | undefined;
    if (opts !== undefined) {
      if (typeof opts !== "object" || opts === null) throw badOptions("take(opts)", opts);
      TAKE_KEYS.check(opts);
      signal = opts.signal;
      if (signal !== undefined) {
        checkSignal("take(opts)", signal);
        if (signal.aborted) return Promise.reject(signal.reason);
      }
    }
    const value = this.#tryTake();
    if (!isNotReady(value)) return value === undefined ? NOTHING : Promise.resolve(value);
    if (signal === undefined) return wait(this, this.#takes, undefined);
    return this.#waitAbortable(new AbortableOp<T>(undefined, signal), false);
  }

  #waitAbortable<R>(op: AbortableOp<T>, isPut: boolean): Promise<R> {
    const promise = new Promise<R>((resolve, reject) => {
      op.resolve = resolve;
      op.reject = reject;
    });
    this.#park(isPut ? this.#puts : this.#takes, op);
    op.signal.addEventListener("abort", op);
    return promise;
  }

  /** Queues a handler that could not complete now. Throws (and queues nothing) past the limit. */
  #park(queue: Ring<Handler<T>>, handler: Handler<T>): void {
    // (The rare work is a method of its own so that this one stays small enough to inline.)
    if (queue.length >= SWEEP_FROM) this.#sweep(queue);
    queue.push(handler);
  }

  // Sweeps dead handlers (lost selects, aborted ops) at each power of two: amortised O(1), and
  // a queue never holds more than twice its live handlers plus SWEEP_FROM.
  #sweep(queue: Ring<Handler<T>>): void {
    const n = queue.length;
    if ((n & (n - 1)) !== 0 && n < MAX_PENDING) return;
    queue.retain(isLive);
    if (queue.length < MAX_PENDING) return;
    const isPut = queue === this.#puts;
    const what = isPut ? "puts" : "takes";
    throw new RangeError(
      `No more than ${MAX_PENDING} pending ${what} are allowed on a single channel ` +
        `(${String(this)}). ` +
        (isPut
          ? "Consider using a buffer (chan(n), dropping(n) or sliding(n)) or waiting for puts to complete."
          : "Consider fewer concurrent takers, or one taker that fans out."),
    );
  }
}

function undefinedPut(): TypeError {
  return new TypeError(
    "Can't put undefined on a channel: undefined is what a take returns once the channel " +
      "is closed (core.async's nil). Put null or a sentinel instead.",
  );
}

const PUT_KEYS = new OptionKeys("put(value, opts)", ["signal"]);
const TAKE_KEYS = new OptionKeys("take(opts)", ["signal"]);

function badOptions(call: string, opts: unknown): TypeError {
  return new TypeError(`${call}: opts must be an object, got ${describe(opts)}`);
}

// PendingOp as a module constant: TypeScript compiles each use of an imported name to a read
// from the other module's exports, which V8 then checks; a constant of this module it folds.
const Pending = PendingOp;

/**
 * A plain put or take that must wait: its promise, and its handler queued as #park queues one.
 * A function of the module rather than a method, and the handler made here: its call is the
 * smaller in bytecode, which V8's inlining budget counts.
 */
function wait<T, R>(ch: Channel<T>, queue: Ring<Handler<T>>, value: T | undefined): Promise<R> {
  let op!: PendingOp<T>;
  const promise = new Promise<R>((resolve) => (op = new Pending<T>(value, resolve)));
  if (queue.length >= SWEEP_FROM) internal.sweep(ch, queue);
  queue.push(op);
  return promise;
}

// Every listener runs; then close() throws what they threw (the channel is closed by then).
function callListeners(listeners: Array<() => void>): void {
  const errors: unknown[] = [];
  for (const listener of listeners) {
    try {
      listener();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, "close(): onClose listeners threw");
}

/**
 * Removes dead handlers from the front; commits and returns the first live one. (One call of
 * shift, not two in a for header: V8 inlines each call site and counts each against the
 * caller's inlining budget.)
 */
function nextLive<T>(queue: Ring<Handler<T>>): Handler<T> | undefined {
  for (;;) {
    const h = queue.shift();
    if (h === undefined) return undefined;
    const flag = h.flag;
    if (flag.active === true) {
      flag.active = false;
      return h;
    }
  }
}

class ChannelIterator<T> implements AsyncIterator<T> {
  #channel: Channel<T> | undefined;
  // A take made by the iterator, still waiting: return() withdraws it. A plain PendingOp whose
  // resolve wraps the value as an IteratorResult: no handler class of its own, so a channel's
  // queues see four kinds of handler and their call sites stay polymorphic, not megamorphic.
  #waiting: PendingOp<T> | undefined;
  // Takes of earlier next() calls still waiting when another was made (callers that do not
  // await each next() before the next, as `for await` does): return() withdraws them too.
  #earlier: Array<PendingOp<T>> | undefined;
  constructor(channel: Channel<T>) {
    this.#channel = channel;
  }
  next(): Promise<IteratorResult<T>> {
    const ch = this.#channel;
    if (ch === undefined) return DONE;
    const value = internal.tryTake(ch);
    if (isNotReady(value)) {
      return new Promise((resolve) => {
        const take = new PendingOp<T>(undefined, (result: unknown) =>
          resolve(
            result === undefined
              ? { done: true, value: undefined }
              : { done: false, value: result as T },
          ),
        );
        internal.park(ch, take, false);
        const before = this.#waiting;
        if (before !== undefined && before.active) {
          this.#earlier = (this.#earlier ?? []).filter((op) => op.active);
          this.#earlier.push(before);
        }
        this.#waiting = take;
      });
    }
    if (value === undefined) {
      this.#channel = undefined;
      return DONE;
    }
    return Promise.resolve({ done: false, value });
  }
  return(): Promise<IteratorResult<T>> {
    this.#channel = undefined;
    // Withdraw every take still waiting, oldest first, so no value is consumed on behalf of a
    // finished loop.
    const takes = this.#earlier ?? [];
    if (this.#waiting !== undefined) takes.push(this.#waiting);
    this.#waiting = this.#earlier = undefined;
    for (const take of takes) {
      if (take.active) {
        take.active = false;
        take.resolve(undefined);
      }
    }
    return DONE;
  }
}

function toBuffer<T>(buffer: number | Buffer<T>): Buffer<T> {
  if (typeof buffer === "number") {
    if (!Number.isSafeInteger(buffer) || buffer < 0) {
      throw new RangeError(
        `chan(buffer): a buffer size must be a whole number (0 or none: unbuffered), ` +
          `got ${String(buffer)}`,
      );
    }
    return fixed<T>(buffer);
  }
  if (isBuffer(buffer)) return buffer;
  throw new TypeError(
    `chan(buffer): buffer must be a size (a whole number) or a Buffer such as fixed(n), ` +
      `dropping(n) or sliding(n), got ${describe(buffer)}`,
  );
}

function isBuffer(b: unknown): b is Buffer<unknown> {
  return (
    typeof b === "object" &&
    b !== null &&
    typeof (b as Buffer<unknown>).add === "function" &&
    typeof (b as Buffer<unknown>).remove === "function" &&
    "full" in b &&
    "empty" in b
  );
}

/**
 * [core.async chan; Go make(chan T, n)] Creates a channel.
 * - `chan()` or `chan(0)`: unbuffered — a put completes only when a taker takes it (rendezvous).
 * - `chan(n)`: a fixed buffer of `n`; puts wait while it is full.
 * - `chan(dropping(n))`, `chan(sliding(n))`: puts never wait; values are dropped when full.
 *
 * [core.async (chan buf xform ex-handler)] With `xform`, a transducer on the JS protocol
 * (transducers-js, ramda), every value put passes through it as it enters the buffer: it may
 * drop values, add several (overfilling the buffer), or end the channel early (a reduced step
 * closes it; puts still waiting resolve `true` and their values are dropped). `close()` runs its
 * completion step once no put waits, so a partitioning xform flushes its tail to takers. A step
 * that throws calls `exHandler(error)`, whose result, unless `undefined`, is added; without one
 * nothing is added, the put still succeeds, and the error is raised as an unhandled rejection.
 * @throws TypeError for an `xform` without a buffer (`chan(undefined, x)`, `chan(0, x)`,
 *   `chan(fixed(0), x)`), an `xform` that is not a transducer, or an `exHandler` that is not a
 *   function; RangeError for a bad size.
 * @example
 * const ch = chan<number>(10);
 * await ch.put(1);
 * await ch.take(); // 1
 * const evens = chan<number>(10, t.filter((n: number) => n % 2 === 0)); // transducers-js
 */
export function chan<T>(
  buffer?: number | Buffer<T>,
  xform?: Transducer,
  exHandler?: ExHandler<T>,
): Channel<T> {
  return new Channel<T>(buffer, xform, exHandler);
}

/**
 * [core.async promise-chan] A channel that holds the first value put on it forever: every take,
 * before or after, gets that value. Later puts succeed and are ignored. Closing it before any
 * value was put makes takes resolve `undefined`; after, they still get the value.
 * @example
 * const ready = promiseChan<Config>();
 * ready.put(config);
 * await ready.take(); // config, as many times as asked
 */
export function promiseChan<T>(): Channel<T> {
  return new Channel<T>(new PromiseBuffer<T>());
}
