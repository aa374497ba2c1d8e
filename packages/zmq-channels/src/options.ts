// The pump's tunables (each one explained where it is chosen, and in docs/zmq.md) and the
// validation of `socket()` options, which must happen before any socket exists.
import type { KindInfo } from "./kinds";

/** Linger (ms) given to a socket whose user set none: close never waits forever (P4). */
export const DEFAULT_LINGER = 1000;

/** Buffer of the `send` and `recv` channels the pump creates (P3). */
export const DEFAULT_CHANNEL_BUFFER = 128;

/** Messages one direction of one socket handles before yielding the turn (issue 4: ~512 is
 * where zeromq.js itself would yield; the pump yields first so it controls fairness). */
export const SOCKET_BUDGET = 256;

/** Messages all sockets together handle before the turn ends (event-loop delay bound). */
export const TURN_BUDGET = 4096;

/** A turn ends after this many milliseconds, whatever its budget (event-loop delay bound). */
export const TURN_MS = 4;

/** Capacity of `pump.errors`; what would overflow is counted in `pump.droppedErrors`. */
export const ERRORS_BUFFER = 1024;

/** Back-off for retrying a blocked send on a socket that also receives (P2), in ms. */
export const RETRY_DELAYS: readonly number[] = [0, 0, 1, 1, 2, 4, 8, 16, 32];

/** A receive that resolves within this many ms found its message already queued (P16). */
export const QUICK_MS = 0.05;

/** Messages found queued in a row that switch a trickling receive lane back to flooding (P16).
 * A fast peer can answer a round trip within QUICK_MS, so a lane in a loop of round trips may
 * switch and pay one failed try per FLOOD_AFTER + 1 messages: 16 keeps that under 1 µs per
 * message, while a real flood goes back to flooding after 16 messages. */
export const FLOOD_AFTER = 16;

/** Microtask ticks a trickling receive lane waits before it asks zeromq to wait again: enough
 * for a consumer's continuation to take the message and put a reply (P17). */
export const LET_GO_FIRST = 3;

/** A parked send on a send-only socket wakes this often to notice a close (ms). */
export const PARK_RECHECK = 250;

/**
 * A REQ/REP send lane waiting for its turn looks this often whether a `send` channel of the
 * user's was closed (ms); the pump's own `send` says so as it closes.
 */
export const CLOSE_CHECK_MS = 50;

const SOCKET_OPTS = new Set(["bind", "connect", "subscribe", "options", "send", "recv"]);

// Options that cannot work with the pump, and why. It drives every socket with timeouts 0 (the
// synchronous fast path); `sendTimeout` is accepted and means "give up on a blocked send after
// this long" (P6). An XPUB in manual mode must set ZMQ_SUBSCRIBE on itself for each
// subscription it accepts, which zeromq.js 6 offers no call for: nothing would ever go out.
const REFUSED: Readonly<Record<string, string>> = {
  receiveTimeout: "is managed by the pump; to wait with a limit, select on recv and timeout(ms)",
  manual:
    "(manual subscriptions) cannot work: the socket would have to subscribe itself for each " +
    "subscription, and zeromq.js 6 has no call for it, so nothing would ever be sent",
};

/** Throws a TypeError naming the first thing wrong with `socket()`'s opts. */
export function validateSocketOptions(info: KindInfo, opts: unknown): void {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`socket("${info.kind}", opts): opts must be an object`);
  }
  for (const key of Object.keys(opts)) {
    if (!SOCKET_OPTS.has(key)) {
      throw new TypeError(
        `socket("${info.kind}", opts): unknown key "${key}" ` +
          `(expected bind, connect, subscribe, options, send, recv)`,
      );
    }
  }
  const o = opts as Record<string, unknown>;
  for (const key of ["bind", "connect", "subscribe"]) {
    const v = o[key];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? (v as unknown[]) : [v];
    if (!list.every((x) => typeof x === "string")) {
      throw new TypeError(`socket("${info.kind}", opts): ${key} must be a string or string[]`);
    }
  }
  if (o.subscribe !== undefined && !info.subscribes) {
    throw new TypeError(
      `socket("${info.kind}", opts): a ${info.kind} socket cannot subscribe ` +
        `(only sub; an xsub subscribes by sending "\\x01topic")`,
    );
  }
  const options = o.options;
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new TypeError(`socket("${info.kind}", opts): options must be an object`);
  }
  for (const name of Object.keys(options)) {
    if (name !== "context" && !isSettable(info.Class.prototype, name)) {
      throw new TypeError(
        `socket("${info.kind}"): unknown option "${name}" for a ${info.kind} socket ` +
          `(option names are zeromq.js v6's, e.g. sendHighWaterMark, linger, routingId)`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(REFUSED, name)) {
      throw new TypeError(`socket("${info.kind}"): option "${name}" ${REFUSED[name]}`);
    }
  }
}

// zeromq.js defines each option as an accessor on the class prototype (its defineOpt);
// an option exists for a kind exactly when some prototype on the chain has a setter for it.
function isSettable(proto: object | null, name: string): boolean {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d.set !== undefined;
  }
  return false;
}

/** `string | string[] | undefined` → string[]. */
export function list(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === "string" ? [v] : [...v];
}
