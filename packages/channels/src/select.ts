import { Channel, internal, isNotReady } from "./channel";
import { checkSignal, describe, describeNotChannel, OptionKeys } from "./errors";
import { Flag, Handler } from "./handler";

// What every select reads of channel.ts, as module constants: TypeScript compiles each use of
// an imported name to a read from that module's exports object (a live binding), and V8 folds
// a constant of this module into the caller it inlines select into.
const ChannelClass = Channel;
const doors = internal;
const notReady = isNotReady;

// What the last check of an ops array saw (see select), and the scratch permutation (see
// permutationOf): fields of a module constant rather than module `let`s, each read of which
// V8 compiles with a check that it was initialised. Before any check, and after one that
// failed, `checked` is an array of this module's that no caller can pass, never `undefined`:
// `select()` (ops undefined) would match that and read `undefined.length` before checkOps
// could name the call.
const NONE: readonly SelectOp[] = Object.freeze([]);
const memo = {
  checked: NONE,
  checkedLength: 0,
  scratch: new Int32Array(16),
  scratchSize: -1,
};

/** The `channel` of a select result when no op was ready and a `default` was given. */
export const DEFAULT: unique symbol = Symbol("sluice.DEFAULT");

/** One op of a select: a channel is a take; `[channel, value]` is a put. */
export type SelectOp = Channel<any> | readonly [Channel<any>, any];

/**
 * `Ops` with each put's value checked against its channel's type (`undefined` refused, as at
 * run time): `select([[nums, "x"]])` on a `Channel<number>` is a compile error.
 */
export type CheckedOps<Ops extends readonly SelectOp[]> = {
  [K in keyof Ops]: Ops[K] extends readonly [Channel<infer T>, unknown]
    ? readonly [Channel<T>, Exclude<T, undefined>]
    : Ops[K];
};

/** Which op committed, and its outcome. */
export interface SelectResult {
  /** The channel whose op committed, or {@link DEFAULT}. */
  channel: Channel<any> | typeof DEFAULT;
  /** The taken value (`undefined` if that channel is closed), or `true`/`false` for a put. */
  value: any;
  /** The position in `ops` of the op that committed; -1 for the default. */
  index: number;
}

/** What one op of a select delivers: a take its channel's value or `undefined`, a put a boolean. */
export type SelectValue<Op> = Op extends readonly [Channel<any>, any]
  ? boolean
  : Op extends Channel<infer T>
    ? T | undefined
    : never;

/**
 * The result of a select over a tuple of ops: one member per op, so that checking `index`
 * narrows `value` to that op's {@link SelectValue}. Over a plain array, {@link SelectResult}.
 */
export type SelectResultOf<Ops extends readonly SelectOp[]> = number extends Ops["length"]
  ? SelectResult
  : {
      [K in keyof Ops]: K extends `${infer I extends number}`
        ? OpResult<I, SelectValue<Ops[K]>>
        : never;
    }[number];

/** The result of a select whose op at `I` committed, with that op's value type. */
export interface OpResult<I extends number, V> {
  /** The channel of the op that committed (kept loose, as in {@link SelectResult}). */
  channel: Channel<any> | typeof DEFAULT;
  /** The position of the op that committed. */
  index: I;
  /** That op's outcome. */
  value: V;
}

/** The result of a select that took its default: `index` -1, `value` the default given. */
export interface DefaultResult<D> {
  /** Always {@link DEFAULT} (so checking `index === -1` narrows `channel` too). */
  channel: typeof DEFAULT;
  /** Always -1. */
  index: -1;
  /** `opts.default`. */
  value: D;
}

/** Options of {@link select}. */
export interface SelectOptions {
  /** The first ready op in the order given wins (core.async `:priority`). Default: random. */
  priority?: boolean | undefined;
  /** If present (even `undefined`) and no op is ready now, resolve at once with this value. */
  default?: unknown | undefined;
  /** Withdraws every op when it fires: the promise rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * [core.async alts!; Go select] Waits until exactly one of `ops` completes, and reports which.
 *
 * A channel in `ops` is a take; `[channel, value]` is a put. Exactly one op commits; the others
 * consume and deliver nothing. When several are ready, one is chosen at random (fair), unless
 * `priority`. A closed channel is ready: its take gives `undefined`, its put `false`. The same
 * channel may appear more than once. With `default`, nothing waits: if no op is ready the
 * result is `{ channel: DEFAULT, value: opts.default, index: -1 }` (so `select([], { default })`
 * answers the default, as Go's `select { default: }` does).
 *
 * `index` is the position of the op that committed. With `ops` written as an array literal (or
 * a tuple), checking it narrows `value`: a take's `T | undefined`, a put's `boolean`.
 * @throws TypeError for an empty `ops` without `default`, a malformed op, a put of `undefined`,
 *   or an `opts.signal` that is not an AbortSignal.
 * @example
 * const r = await select([replies, timeout(1000)]);
 * if (r.index === 0) handle(r.value); // r.value: Reply | undefined
 * else console.log("timed out");
 */
export function select<const Ops extends readonly SelectOp[], D>(
  ops: Ops & CheckedOps<Ops>,
  opts: SelectOptions & { default: D },
): Promise<SelectResultOf<Ops> | DefaultResult<D>>;
/** A select without `default`: `index` is never -1. */
export function select<const Ops extends readonly SelectOp[]>(
  ops: Ops & CheckedOps<Ops>,
  opts?: SelectOptions & { default?: never },
): Promise<SelectResultOf<Ops>>;
/** A select whose options may or may not hold a `default`. */
export function select<const Ops extends readonly SelectOp[]>(
  ops: Ops & CheckedOps<Ops>,
  opts?: SelectOptions,
): Promise<SelectResultOf<Ops> | DefaultResult<unknown>>;
export function select(ops: readonly SelectOp[], opts?: SelectOptions): Promise<SelectResult> {
  // Checking every op costs O(n) per call, which a select loop over many channels feels, so
  // the array checked last is remembered: a loop that passes the same array skips the check.
  // Each op is still checked again when it is used (a put tried, an op parked), so an array
  // changed in place fails at the first call that touches the changed op.
  if (ops !== memo.checked || ops.length !== memo.checkedLength) checkOps(ops, opts);
  // Options apart: what is inlined into the caller's loop is this, pass 1 and one take
  // (V8 inlines select only while the whole stays within its budget, counted in bytecode).
  if (opts !== undefined) return selectWith(ops, opts);
  const n = ops.length;
  const order = n === 1 ? undefined : permutationOf(n);
  return readyNow(ops, order) ?? park(ops, order, undefined);
}

function selectWith(ops: readonly SelectOp[], opts: SelectOptions): Promise<SelectResult> {
  checkOptions(opts);
  const signal = opts.signal;
  if (signal !== undefined) {
    checkSignal("select(ops, opts)", signal);
    if (signal.aborted) return Promise.reject(signal.reason);
  }
  const n = ops.length;
  const order = n === 1 || opts.priority === true ? undefined : permutationOf(n);
  const ready = readyNow(ops, order);
  if (ready !== undefined) return ready;
  if ("default" in opts) return Promise.resolve(outcome(DEFAULT, opts.default, -1));
  return park(ops, order, signal);
}

// Pass 1: look for an op that can complete now, in a random order (Fisher–Yates, drawn lazily
// so the usual case — the first op tried is ready — costs one draw), or in the order given.
// This loop is the hot path of every select, with takes tried in place.
function readyNow(
  ops: readonly SelectOp[],
  order: Int32Array | undefined,
): Promise<SelectResult> | undefined {
  const n = ops.length;
  for (let i = 0; i < n; i++) {
    let k = i;
    if (order !== undefined) {
      const j = i + draw(n - i);
      k = order[j] as number;
      order[j] = order[i] as number;
      order[i] = k;
    }
    const op = ops[k];
    if (op instanceof ChannelClass) {
      const value = doors.tryTake(op);
      if (!notReady(value)) return Promise.resolve(outcome(op, value, k));
    } else {
      const result = attemptPut(op, k);
      if (result !== undefined) return Promise.resolve(result);
    }
  }
  return undefined;
}

// Pass 2: nothing is ready, and nothing can change until we return: park a handler on every
// channel. The first channel to commit one wins; the rest go dead with the shared flag and
// are swept by their channels (pass 3 is lazy, as in core.async). Parking follows pass 1's
// random order (complete by now): a channel serves its waiters first-in first-out, so two ops
// of this select on one channel would otherwise always be met in the order given.
function park(
  ops: readonly SelectOp[],
  order: Int32Array | undefined,
  signal: AbortSignal | undefined,
): Promise<SelectResult> {
  // The takes' positions are found in `ops` when one commits: in a copy, so that an array the
  // caller changes while the select waits does not change which index it answers.
  const selection = new Selection(ops.slice(), signal, order !== undefined);
  const promise = new Promise<SelectResult>((resolve, reject) => {
    selection.resolve = resolve;
    selection.reject = reject;
  });
  try {
    for (let i = 0; i < ops.length; i++) {
      const k = order === undefined ? i : (order[i] as number);
      const op = ops[k] as SelectOp;
      if (op instanceof Channel) {
        internal.park(op, selection, false);
      } else {
        checkOp(op, k);
        internal.park(op[0], new SelectHandler(selection, op[0], op[1], k), true);
      }
    }
  } catch (error) {
    selection.active = false; // withdraw what was parked before the error
    throw error;
  }
  if (signal !== undefined) signal.addEventListener("abort", selection);
  return promise;
}

const SELECT_KEYS = new OptionKeys("select(ops, opts)", ["signal", "priority", "default"]);

/** Refuses options that are not an object, and a `priority` that is not a boolean. */
function checkOptions(opts: SelectOptions): void {
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`select(ops, opts): opts must be an object, got ${describe(opts)}`);
  }
  SELECT_KEYS.check(opts);
  if (opts.priority !== undefined && typeof opts.priority !== "boolean") {
    throw new TypeError(
      `select(ops, opts): opts.priority must be true or false, got ${describe(opts.priority)}`,
    );
  }
}

function checkOps(ops: readonly SelectOp[], opts: SelectOptions | undefined): void {
  if (!Array.isArray(ops)) {
    throw new TypeError(`select(ops): ops must be an array, got ${describe(ops)}`);
  }
  const n = ops.length;
  if (n === 0) {
    // Go's `select { default: }` takes the default; without one, nothing could ever complete.
    if (typeof opts === "object" && opts !== null && "default" in opts) return;
    throw new TypeError(
      "select(ops): ops is empty, so nothing could ever complete (give opts.default to " +
        "answer it at once)",
    );
  }
  for (let i = 0; i < n; i++) checkOp(ops[i], i);
  memo.checked = ops;
  memo.checkedLength = n;
}

function checkOp(op: unknown, i: number): void {
  if (op instanceof Channel) return;
  if (Array.isArray(op) && op.length === 2 && op[0] instanceof Channel) {
    internal.validate(op[0], op[1]);
    return;
  }
  memo.checked = NONE; // (an array that failed is never remembered as checked)
  const pair = Array.isArray(op) && op.length === 2;
  throw new TypeError(
    `select(ops): ops[${i}] must be a Channel (a take) or a [channel, value] pair (a put), ` +
      `got ${pair ? `a pair whose channel is ${describeNotChannel(op[0])}` : describeNotChannel(op)}`,
  );
}

function attemptPut(op: unknown, i: number): SelectResult | undefined {
  checkOp(op, i);
  const [ch, value] = op as readonly [Channel<any>, any];
  const ok = doors.tryPut(ch, value);
  return notReady(ok) ? undefined : outcome(ch, ok, i);
}

// A select's result: a literal of one shape, so every result shares one hidden class.
function outcome(channel: Channel<any> | typeof DEFAULT, value: any, index: number): SelectResult {
  return { channel, value, index };
}

// The draws of pass 1: xorshift32 (Marsaglia), seeded once from Math.random. A draw is a few
// integer operations where Math.random is a call and a floating-point multiply, and pass 1 may
// draw once per op it tries (the floor draws once per select). Its period, 2^32 - 1, and its
// evenness are far beyond what choosing among a select's ready ops needs.
const rng = new Int32Array([(Math.random() * 0x100000000) | 1]);

/** A whole number drawn evenly from [0, m). */
function draw(m: number): number {
  let x = rng[0] as number;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng[0] = x;
  return Math.floor((x >>> 0) * (m / 0x100000000));
}

// A scratch permutation reused across calls (pass 1 is synchronous, so calls never overlap).
// Any permutation is a fine start for Fisher–Yates, so it is refilled only when n changes
// (apart, so that what select inlines stays small).
function permutationOf(n: number): Int32Array {
  return n === memo.scratchSize ? memo.scratch : refill(n);
}

function refill(n: number): Int32Array {
  let scratch = memo.scratch;
  if (scratch.length < n) memo.scratch = scratch = new Int32Array(Math.max(n, scratch.length * 2));
  for (let i = 0; i < n; i++) scratch[i] = i;
  memo.scratchSize = n;
  return scratch;
}

/**
 * The commit-once flag of one select call, and the abort listener that withdraws it. It is also
 * the handler of every take the select parks (the channel that matches one says which), so an
 * idle select over many channels allocates two objects, not one per op (`node
 * bench/dist/probe.js idle-select 100`: 11.1–12.0 µs → 8.9–9.4 µs per select).
 */
class Selection implements Flag, Handler<unknown> {
  active = true;
  readonly value = undefined;
  resolve!: (r: SelectResult) => void;
  reject!: (reason: unknown) => void;
  constructor(
    readonly ops: readonly SelectOp[],
    readonly signal: AbortSignal | undefined,
    readonly random: boolean, // false with `priority` (or one op)
  ) {}
  get flag(): Flag {
    return this;
  }
  commit(result: unknown, channel: object): void {
    // A take committed: its index is that of a take of this channel. A channel taken twice in
    // one select is two ops, as in Go: either may win, so one is drawn among them (reservoir
    // sampling over one pass), or the first listed with `priority`, as pass 1 chooses.
    const ops = this.ops;
    let index = 0;
    while (ops[index] !== channel) index++; // (the channel is one of ops: it matched a take)
    if (this.random) {
      for (let i = index + 1, seen = 1; i < ops.length; i++) {
        if (ops[i] === channel && draw(++seen) === 0) index = i;
      }
    }
    this.finish(channel as Channel<any>, result, index);
  }
  finish(channel: Channel<any>, value: unknown, index: number): void {
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    this.resolve(outcome(channel, value, index));
  }
  handleEvent(): void {
    const signal = this.signal as AbortSignal;
    signal.removeEventListener("abort", this); // as AbortableOp's (handler.ts)
    if (!this.active) return;
    this.active = false;
    this.reject(signal.reason);
  }
}

/** A put of a select, parked on its channel (a put carries its own value). */
class SelectHandler implements Handler<unknown> {
  constructor(
    readonly flag: Selection,
    readonly channel: Channel<any>,
    readonly value: unknown,
    readonly index: number,
  ) {}
  commit(result: unknown): void {
    this.flag.finish(this.channel, result, this.index);
  }
}
