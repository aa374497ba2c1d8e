// The control calls of a socket on the zeromq.js engine (engine.ts: bind … set), which
// ZeromqSocket delegates to, and the readiness re-check that follows each.
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - After every control call (bind, connect, subscribe, set, …) the socket is re-checked
//   (#recheck): libzmq's bind/connect/unbind/disconnect process the socket's pending commands,
//   which drains ZMQ_FD, so a receive waiting inside zeromq.js could sleep on a queued message
//   for ever (P28). A synchronous send of no frames makes zeromq.js re-check the pending
//   receive (TriggerReadable) and sends nothing.
import type * as zmq from "zeromq";
import type { WriteWaits } from "./write-waits";
import { optionAccess } from "./option-table";

// zeromq.js's native calls that its typed classes do not show on every kind.
export interface Native {
  bindSync(address: string): void;
  disconnect(address: string): void;
  connect(address: string, opts?: { routingId?: string | undefined }): void;
  subscribe(...topics: Array<string | Buffer>): void;
  unsubscribe(...topics: Array<string | Buffer>): void;
  join(...groups: Array<string | Buffer>): void;
  leave(...groups: Array<string | Buffer>): void;
  // Present natively on every kind (zeromq.js's allowMethods removes none).
  send(message: unknown, opts?: { routingId?: number; group?: string | Buffer }): Promise<void>;
  receive(): Promise<unknown[]>;
  setInt32Option(id: number, value: number): void;
}

const POKE = Object.freeze({ routingId: 0 });

export class ZeromqControl {
  readonly #socket: zmq.Socket;
  readonly #waits: WriteWaits;
  readonly #envelope: "routingId" | "group" | undefined;
  readonly #waiting: () => boolean; // a receive waits inside zeromq.js's poller (trickling)

  constructor(
    socket: zmq.Socket,
    waits: WriteWaits,
    envelope: "routingId" | "group" | undefined,
    waiting: () => boolean,
  ) {
    this.#socket = socket;
    this.#waits = waits;
    this.#envelope = envelope;
    this.#waiting = waiting;
  }

  // bindSync, not bind: zeromq.js's bind and unbind run on a worker thread and meanwhile
  // refuse every send and receive with EBUSY ("blocked by a bind or unbind operation"), which
  // would break the lanes of a socket that is already bridged.
  bind(address: string): Promise<string> {
    try {
      this.#native.bindSync(address);
      return Promise.resolve(this.#socket.lastEndpoint ?? address);
    } catch (e) {
      return Promise.reject(e as Error);
    } finally {
      this.#recheck();
    }
  }

  // libzmq's zmq_unbind and zmq_disconnect are the same call (term_endpoint); zeromq.js's
  // disconnect is synchronous, its unbind is not (see bind), and its unbindSync binds (6.8.0).
  unbind(address: string): Promise<void> {
    try {
      this.#native.disconnect(address);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    } finally {
      this.#recheck();
    }
  }

  connect(address: string, routingId?: string): void {
    this.#control(() =>
      routingId === undefined
        ? this.#native.connect(address)
        : this.#native.connect(address, { routingId }),
    );
  }

  disconnect(address: string): void {
    this.#control(() => this.#native.disconnect(address));
  }

  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#control(() => this.#native.subscribe(...topics));
  }

  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#control(() => this.#native.unsubscribe(...topics));
  }

  join(groups: ReadonlyArray<string | Buffer>): void {
    this.#control(() => this.#native.join(...groups));
  }

  leave(groups: ReadonlyArray<string | Buffer>): void {
    this.#control(() => this.#native.leave(...groups));
  }

  access(name: string): { read: boolean; write: boolean } | undefined {
    return optionAccess(this.#socket, name);
  }

  get(name: string): unknown {
    return this.#control(() => (this.#socket as unknown as Record<string, unknown>)[name]);
  }

  set(name: string, value: unknown): void {
    this.#control(() => {
      (this.#socket as unknown as Record<string, unknown>)[name] = value;
    });
  }

  #control<T>(call: () => T): T {
    try {
      return call();
    } finally {
      this.#recheck();
    }
  }

  // Readiness after a control call: a blocked send tries again, and a receive waiting inside
  // zeromq.js is woken if a message is queued. The empty send goes through zeromq.js's
  // synchronous path (timeout 0; no send is ever pending on a socket that receives), hands
  // nothing to libzmq, and ends with zeromq.js's TriggerReadable: ZMQ_EVENTS, and the pending
  // receive completes when a message is there.
  #recheck(): void {
    this.#waits.wake();
    if (!this.#waiting() || this.#socket.closed) return;
    try {
      // A server requires a routing id even for no frames; every other kind refuses a second
      // argument, even `undefined`.
      const native = this.#native;
      const none = this.#envelope === undefined ? native.send([]) : native.send([], POKE);
      none.catch(() => {});
    } catch {
      // EBUSY/EBADF: a send is in flight (it re-checks when it ends) or the socket closed.
    }
  }

  get #native(): Native {
    return this.#socket as unknown as Native;
  }
}
