// What the request/reply helpers share: TimeoutError, the check that a Sockets is a pump's and
// of a kind the helper accepts, and the rule that one helper owns a socket's recv.
//
// Invariants:
// - A Sockets is owned by at most one helper (a requester or a serve) for its whole life: two
//   readers of one recv would each drop the other's replies (decision R1).
import type { Sockets } from "./sockets";
import { hooksOf, type SocketHooks } from "./hooks";
import { MAX_WAIT_MS } from "./options";

/**
 * A request that got no reply within its timeout, on its last try [Go: context.DeadlineExceeded;
 * the guide's Lazy Pirate "server seems to be offline, abandoning"].
 * @example
 * try { await client.request("ping", { timeout: 500, retries: 2 }); }
 * catch (e) { if (e instanceof TimeoutError) console.log("no server"); }
 */
export class TimeoutError extends Error {
  /** Always `"TimeoutError"` (as the DOMException that `AbortSignal.timeout` aborts with). */
  override readonly name = "TimeoutError";
}

const owners = new WeakMap<Sockets, string>();

/**
 * The hooks of `sockets`, once it is checked to be a pump's Sockets that `check` accepts and
 * nobody else owns; then `who` owns it. Throws a TypeError naming what was wrong.
 */
export function claim(
  sockets: unknown,
  who: string,
  check: (hooks: SocketHooks) => void,
): SocketHooks {
  const hooks = hooksOf(sockets);
  if (hooks === undefined) {
    throw new TypeError(
      `${who}: expected the Sockets that pump.socket() or pump.register() returned`,
    );
  }
  check(hooks);
  if ((sockets as Sockets).send.closed) {
    // closing `send` closes the socket, and the pump's close closes every `send`
    throw new Error(`${who}: this ${hooks.kind} socket is closed (or closing: its send is closed)`);
  }
  const owner = owners.get(sockets as Sockets);
  if (owner !== undefined) {
    throw new TypeError(
      `${who}: this ${hooks.kind} socket's recv already belongs to ${owner} ` +
        `(one requester or serve per socket: a second would take the first one's replies)`,
    );
  }
  owners.set(sockets as Sockets, who);
  return hooks;
}

/** Gives a socket back (a requester that closed): another helper may claim it. */
export function release(sockets: Sockets): void {
  owners.delete(sockets);
}

/** Checks a timeout option: a number of milliseconds > 0 and ≤ 2³¹ − 1 (Infinity: no timeout). */
export function checkTimeout(who: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value > 0) || (value > MAX_WAIT_MS && value !== Infinity)) {
    throw new TypeError(
      `${who}: timeout must be a number of milliseconds > 0 and ≤ ${MAX_WAIT_MS} ` +
        `(Infinity: no timeout), got ${show(value)}`,
    );
  }
  return value;
}

/** Checks a count option (retries, concurrency): a whole number ≥ `min`. */
export function checkCount(
  who: string,
  name: string,
  value: unknown,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${who}: ${name} must be a whole number ≥ ${min}, got ${show(value)}`);
  }
  return value;
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
