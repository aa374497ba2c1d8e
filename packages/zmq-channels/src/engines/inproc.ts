// Which engine uses each inproc endpoint. inproc connects only sockets of one libzmq context,
// and each engine has its own (P26): a native socket and a zeromq.js socket never meet over
// inproc, and libzmq says nothing — a connect just waits for a bind that never comes. So both
// engines record here the inproc endpoints their sockets bind and connect, and a bind or
// connect to an endpoint that sockets of the other engine use fails at the call, naming the
// endpoint and both engines (P39).
//
// Invariants:
// - An inproc endpoint is used by sockets of one engine at a time: a claim by the other engine
//   throws before libzmq sees the call, and records nothing.
// - A socket's claim on an endpoint goes when it unbinds or disconnects it, and all its claims
//   when it closes.
// - The record is per Node environment (this module's state), as the engines' contexts are.
// - Only what passes through the pump is seen: a zeromq.js socket never registered, and of a
//   registered one every endpoint but its last (zeromq.js shows only `lastEndpoint`), are not.
import type { EngineName } from "../engine";

/** How a socket uses an endpoint, as the error words it. */
export type InprocUse = "bound" | "connected" | "used";

// endpoint → the sockets that use it, with how
const users = new Map<string, Map<InprocClaims, InprocUse>>();

/** One socket's inproc endpoints. */
export class InprocClaims {
  readonly engine: EngineName;
  readonly #mine = new Map<string, number>(); // endpoint → how many binds and connects

  constructor(engine: EngineName) {
    this.engine = engine;
  }

  /**
   * Records that this socket binds or connects `address` (nothing unless it is inproc).
   * Throws an Error naming both engines when sockets of the other engine use it; `call`
   * prefixes it where no caller does (register(): bind and connect run in endpointCall,
   * which names the call and the endpoint).
   */
  claim(address: string, use: InprocUse, call?: string): void {
    if (!address.startsWith("inproc://")) return;
    const holders = users.get(address) ?? new Map<InprocClaims, InprocUse>();
    for (const [other, how] of holders) {
      if (other.engine === this.engine) continue;
      throw new Error(
        `${call === undefined ? "" : `${call}("${address}"): `}${address} is ${how} by a socket of the ${other.engine} engine, ` +
          `and this socket is on the ${this.engine} engine: inproc connects only sockets of ` +
          `one engine (each has its own libzmq context). Put both on one engine ` +
          `(new Pump({ engine: "${other.engine}" }); register() keeps zeromq.js sockets on ` +
          `"zeromq"), or use ipc:// or tcp://`,
      );
    }
    users.set(address, holders);
    if (!holders.has(this)) holders.set(this, use);
    this.#mine.set(address, (this.#mine.get(address) ?? 0) + 1);
  }

  // The engine sockets' control calls, through the record: claimed before the call, dropped
  // when it fails or when the endpoint is let go.

  bind(address: string, bind: () => Promise<string>): Promise<string> {
    try {
      this.claim(address, "bound");
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return bind().catch((e: unknown) => {
      this.drop(address);
      throw e;
    });
  }

  connect(address: string, connect: () => void): void {
    this.claim(address, "connected");
    try {
      connect();
    } catch (e) {
      this.drop(address);
      throw e;
    }
  }

  async unbind(address: string, unbind: () => Promise<void>): Promise<void> {
    await unbind();
    this.drop(address);
  }

  disconnect(address: string, disconnect: () => void): void {
    disconnect();
    this.drop(address);
  }

  /** This socket unbound or disconnected `address` (or the bind or connect failed). */
  drop(address: string): void {
    const count = this.#mine.get(address);
    if (count === undefined) return;
    if (count > 1) {
      this.#mine.set(address, count - 1);
      return;
    }
    this.#mine.delete(address);
    const holders = users.get(address);
    holders?.delete(this);
    if (holders?.size === 0) users.delete(address);
  }

  /** The socket closed: every claim goes. */
  dropAll(): void {
    for (const address of [...this.#mine.keys()]) {
      this.#mine.set(address, 1);
      this.drop(address);
    }
  }
}
