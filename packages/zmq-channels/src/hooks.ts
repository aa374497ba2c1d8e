// What the request/reply helpers (requester.ts, serve.ts) need to know about a socket beyond its
// public Sockets: its kind, the REQ options libzmq cannot read back (so only socket() knows
// them), and the way to put a PumpError on the owning pump's `errors`. Kept in a WeakMap keyed
// by the Sockets, so no public type grows for them and a Sockets made elsewhere has none.
//
// Invariants:
// - Every Sockets a pump hands out has hooks, attached once, before the caller sees it.
// - Hooks never outlive their Sockets (WeakMap), and never change once attached.
import type { Sockets } from "./sockets";
import type { PumpError } from "./errors";
import type { Kind } from "./kinds";

/** What the pump tells the helpers about one of its sockets. */
export interface SocketHooks {
  /** The socket's kind. */
  readonly kind: Kind;
  /** A REQ created with zeromq's `relaxed` option (ZMQ_REQ_RELAXED). */
  readonly relaxed: boolean;
  /** A REQ created with zeromq's `correlate` option (ZMQ_REQ_CORRELATE). */
  readonly correlate: boolean;
  /** Puts `error` on the owning pump's `errors` (never waits; counted when it does not fit). */
  report(error: PumpError): void;
}

const registry = new WeakMap<Sockets, SocketHooks>();

/** Called by the pump as it adopts a socket. */
export function attach(sockets: Sockets, hooks: SocketHooks): void {
  if (registry.has(sockets)) throw new Error("sluice bug: hooks attached twice to one Sockets");
  registry.set(sockets, Object.freeze({ ...hooks }));
}

/** The hooks of a pump's Sockets; `undefined` for anything a pump did not hand out. */
export function hooksOf(sockets: unknown): SocketHooks | undefined {
  return typeof sockets === "object" && sockets !== null
    ? registry.get(sockets as Sockets)
    : undefined;
}
