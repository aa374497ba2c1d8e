/**
 * A pending put or take, and the commit-once flag that a select shares among its operations
 * [core.async Handler and alt-flag; Go's sudog and selectDone].
 *
 * A channel that matches a handler first checks `flag.active`, then sets it to false (that is
 * the commit: whoever flips it first owns the operation), finishes changing its own queues and
 * buffer, and only then calls `commit`. Handlers whose flag went inactive elsewhere (another op
 * of the same select won, or the signal fired) stay in queues as dead entries until the channel
 * skips or sweeps them.
 */
export interface Flag {
  active: boolean;
}

export interface Handler<T> {
  readonly flag: Flag;
  /** For a put: the value offered. Unused for a take. */
  readonly value: T | undefined;
  /**
   * Settles the operation: a take receives the value (`undefined` when closed), a put receives
   * whether it was accepted; `channel` is the channel that matched it (one select handler
   * serves all of that select's takes). Called once, after the flag was flipped. Never runs
   * user code synchronously (it settles promises), so a channel may call it mid-update.
   */
  commit(result: unknown, channel: object): void;
}

/** Keeps live handlers when a queue is swept. */
export const isLive = (h: Handler<unknown>): boolean => h.flag.active;

/**
 * A plain put or take waiting on one channel, with its own flag. Three fields: most waits
 * carry no signal, and every waiting producer or consumer holds one of these. (Declared and
 * assigned in the constructor rather than initialised where declared: TypeScript compiles
 * field initialisers to a function of their own, and V8 counts its bytecode too against the
 * inlining budget of the loop that puts or takes.)
 */
export class PendingOp<T> implements Handler<T>, Flag {
  declare readonly value: T | undefined;
  declare active: boolean;
  declare resolve: (result: any) => void;
  constructor(value: T | undefined, resolve: (result: any) => void) {
    this.value = value;
    this.active = true;
    this.resolve = resolve;
  }
  get flag(): Flag {
    return this;
  }
  commit(result: unknown): void {
    this.resolve(result);
  }
}

/**
 * A put or take waiting with an AbortSignal. As an abort listener (`handleEvent`) it withdraws
 * itself: it goes dead, rejects with the signal's reason, and the channel sweeps it later;
 * nothing was consumed or delivered.
 */
export class AbortableOp<T> extends PendingOp<T> {
  reject!: (reason: unknown) => void;
  constructor(
    value: T | undefined,
    readonly signal: AbortSignal,
  ) {
    super(value, noop);
  }
  override commit(result: unknown): void {
    this.signal.removeEventListener("abort", this);
    this.resolve(result);
  }
  handleEvent(): void {
    // Listening ends here too: an aborted signal kept by its owner must not keep the op alive.
    this.signal.removeEventListener("abort", this);
    if (!this.active) return;
    this.active = false;
    this.reject(this.signal.reason);
  }
}

/** Does nothing: the callback of what has nothing left to do. */
export function noop(): void {}
