// The control calls (engine.ts: bind … set) of a socket of the native engine, which
// NativeSocket delegates to: bind/unbind, connect (with a routing id)/disconnect,
// (un)subscribe and join/leave (strings or Buffers), and every option, read or written as
// zeromq.js's accessors do. Monitor events are NativeSocket's (native-monitor.ts).
//
// Invariants:
// - Every call into the addon is followed by `afterOp` (the socket's readiness re-check, see
//   engine.ts), also when it threw: a call into libzmq can consume the wake-up that a waiting
//   receive() needed, failing or not. The addon re-reads ZMQ_EVENTS after each call (settle).
import type { KindInfo } from "../kinds";
import type { NativeHandle } from "./native-addon";
import { optionCall, optionGet } from "./native-options";
import { sameEnd } from "./native-events";
import { optionAccess } from "./option-table";

const ZMQ_SUBSCRIBE = 6;
const ZMQ_UNSUBSCRIBE = 7;
const ZMQ_CONNECT_ROUTING_ID = 61;
/** Unbound endpoints still told apart in monitor events (their last disconnects). */
const UNBOUND_KEPT = 8;

export class NativeControl {
  readonly #handle: NativeHandle;
  readonly #info: KindInfo;
  readonly #afterOp: () => void;
  readonly #onLinger: () => void; // linger was set: the socket reads it back
  #lastEndpoint: string | undefined;
  // The endpoints bound and not unbound, as zeromq resolved them, and the last few unbound: the
  // monitor tells an event's sides apart by them, and the disconnects of an unbound endpoint's
  // connections come after its unbind. Bounded, so bind/unbind churn holds no more.
  readonly #bound: string[] = [];
  readonly #unbound: string[] = [];

  constructor(handle: NativeHandle, info: KindInfo, afterOp: () => void, onLinger: () => void) {
    this.#handle = handle;
    this.#info = info;
    this.#afterOp = afterOp;
    this.#onLinger = onLinger;
  }

  get lastEndpoint(): string | undefined {
    return this.#lastEndpoint;
  }

  bind(address: string): Promise<string> {
    try {
      this.#lastEndpoint = this.#call(() => this.#handle.bind(address));
      this.#bound.push(this.#lastEndpoint);
      return Promise.resolve(this.#lastEndpoint);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** The endpoints the socket is bound to, then the last few it was (native-events.ts). */
  get bound(): string[] {
    return this.#unbound.length === 0 ? this.#bound : this.#bound.concat(this.#unbound);
  }

  unbind(address: string): Promise<void> {
    try {
      this.#call(() => this.#handle.unbind(address));
      // libzmq matches the endpoint as it resolved it (tcp://localhost:5555 unbinds
      // tcp://127.0.0.1:5555), so the entry is the one written so, else the one on that port
      let at = this.#bound.indexOf(address);
      if (at < 0) at = this.#bound.findIndex((end) => sameEnd(end, address));
      if (at >= 0) {
        this.#unbound.push(...this.#bound.splice(at, 1));
        if (this.#unbound.length > UNBOUND_KEPT) this.#unbound.shift();
      }
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  // The routing id is set just before the connect, as zeromq.js's connect does: libzmq
  // gives ZMQ_CONNECT_ROUTING_ID to the next connect only.
  connect(address: string, routingId?: string): void {
    this.#lastEndpoint = this.#call(() => {
      if (routingId !== undefined) {
        this.#handle.setOption("String", ZMQ_CONNECT_ROUTING_ID, routingId);
      }
      return this.#handle.connect(address);
    });
  }

  disconnect(address: string): void {
    this.#call(() => this.#handle.disconnect(address));
  }

  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#call(() => {
      for (const topic of topics) this.#handle.setOption("String", ZMQ_SUBSCRIBE, topic);
    });
  }

  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#call(() => {
      for (const topic of topics) this.#handle.setOption("String", ZMQ_UNSUBSCRIBE, topic);
    });
  }

  join(groups: ReadonlyArray<string | Buffer>): void {
    this.#call(() => {
      for (const group of groups) this.#handle.join(group);
    });
  }

  leave(groups: ReadonlyArray<string | Buffer>): void {
    this.#call(() => {
      for (const group of groups) this.#handle.leave(group);
    });
  }

  access(name: string): { read: boolean; write: boolean } | undefined {
    return optionAccess(this.#info.Class.prototype, name);
  }

  get(name: string): unknown {
    const got = this.#call(() =>
      optionGet(this.#info, name, (type, id) => this.#handle.getOption(type, id)),
    );
    if (got === undefined)
      throw new TypeError(`no readable option "${name}" on a ${this.#info.kind} socket`);
    return got.value;
  }

  set(name: string, value: unknown): void {
    const call = optionCall(this.#info, name, value);
    if (call === undefined) throw new TypeError(`no such option on a ${this.#info.kind} socket`);
    this.#call(() => this.#handle.setOption(call.type, call.id, call.value));
    if (name === "linger") this.#onLinger();
  }

  #call<T>(call: () => T): T {
    try {
      return call();
    } finally {
      this.#afterOp();
    }
  }
}
