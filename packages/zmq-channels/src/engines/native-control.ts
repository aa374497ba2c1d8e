// The control calls (engine.ts: bind … set) of a socket of the native engine, which
// NativeSocket delegates to. So far: bind, unbind, connect with a routing id, (un)subscribe to string
// topics, set any option and read the integer ones; what is missing says so.
//
// Invariants:
// - Every call into the addon is followed by `afterOp` (the socket's readiness re-check, see
//   engine.ts): a call into libzmq can consume the wake-up that a waiting receive() needed.
import type { KindInfo } from "../kinds";
import type { NativeHandle } from "./native-addon";
import { optionCall, optionRead } from "./native-options";
import { optionAccess } from "./option-table";

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
      this.#lastEndpoint = this.#handle.bind(address);
      this.bound.push(this.#lastEndpoint);
      this.#afterOp();
      return Promise.resolve(this.#lastEndpoint);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  connect(address: string, routingId?: string): void {
    if (routingId !== undefined) this.set("connectRoutingId", routingId);
    this.#lastEndpoint = this.#handle.connect(address);
    this.#afterOp();
  }

  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    for (const topic of topics) this.#handle.setOption("String", 6, textTopic(topic)); // ZMQ_SUBSCRIBE
    this.#afterOp();
  }

  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    for (const topic of topics) this.#handle.setOption("String", 7, textTopic(topic)); // ZMQ_UNSUBSCRIBE
    this.#afterOp();
  }

  unbind(address: string): Promise<void> {
    try {
      this.#handle.unbind(address);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    } finally {
      this.#afterOp();
    }
  }

  disconnect(): void {
    throw notYet("disconnect()");
  }

  join(): void {
    throw notYet("join()");
  }

  leave(): void {
    throw notYet("leave()");
  }

  access(name: string): { read: boolean; write: boolean } | undefined {
    return optionAccess(this.#info.Class.prototype, name);
  }

  get(name: string): unknown {
    // zeromq.js's getter, run on a recorder, says which libzmq option it reads and how.
    const read = optionRead(this.#info, name);
    if (read === undefined || read.type !== "Int32") throw notYet(`get("${name}")`);
    return this.#handle.getInt(read.id);
  }

  set(name: string, value: unknown): void {
    const call = optionCall(this.#info, name, value);
    if (call === undefined) throw new TypeError(`no such option on a ${this.#info.kind} socket`);
    this.#handle.setOption(call.type, call.id, call.value);
    if (name === "linger") this.#onLinger();
    this.#afterOp();
  }
}

function notYet(call: string): Error {
  return new Error(`${call} is not supported on the native engine yet; use engine: "zeromq"`);
}

function textTopic(topic: string | Buffer): string {
  if (typeof topic === "string") return topic;
  throw notYet("a Buffer topic");
}
