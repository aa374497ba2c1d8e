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
import { optionAccess } from "./option-table";

const ZMQ_SUBSCRIBE = 6;
const ZMQ_UNSUBSCRIBE = 7;
const ZMQ_CONNECT_ROUTING_ID = 61;

export class NativeControl {
  readonly #handle: NativeHandle;
  readonly #info: KindInfo;
  readonly #afterOp: () => void;
  readonly #onLinger: () => void; // linger was set: the socket reads it back
  #lastEndpoint: string | undefined;
  /** Every endpoint bound, as zeromq resolved it (the monitor tells the sides apart by it). */
  readonly bound: string[] = [];

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
      this.bound.push(this.#lastEndpoint);
      return Promise.resolve(this.#lastEndpoint);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  unbind(address: string): Promise<void> {
    try {
      this.#call(() => this.#handle.unbind(address));
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
