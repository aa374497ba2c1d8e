// One socket on the zeromq.js engine: one zeromq.js call and one promise per message.
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - Every socket runs with sendTimeout 0 and receiveTimeout 0, the synchronous fast path:
//   zeromq.js tries at once, without its ZMQ_EVENTS check, and returns a settled promise (P1).
// - Nothing here reads `socket.readable`/`socket.writable`, and on a socket that also receives
//   only a receive ever waits inside zeromq.js: either would run ZMQ_EVENTS, which can swallow
//   the wake-up of the other direction's pending operation (P2). How a send waits for room
//   instead is write-waits.ts.
// - After every control call (bind, connect, subscribe, set, …) the socket is re-checked
//   (#recheck): libzmq's bind/connect/unbind/disconnect process the socket's pending commands,
//   which drains ZMQ_FD, so a receive waiting inside zeromq.js could sleep on a queued message
//   for ever (P28). A synchronous send of no frames makes zeromq.js re-check the pending
//   receive (TriggerReadable) and sends nothing.
import type * as zmq from "zeromq";
import type { EngineSocket, Sink, Source } from "../engine";
import { codeOf } from "../errors";
import type { Frame, Message } from "../frames";
import type { KindInfo } from "../kinds";
import { FLOOD_AFTER, LET_GO_FIRST, QUICK_MS } from "../tuning";
import { WriteWaits } from "./write-waits";

type Writable = zmq.Socket & zmq.Writable;
type Readable = zmq.Socket & zmq.Readable;

// zeromq.js's native calls that its typed classes do not show on every kind.
interface Native {
  bindSync(address: string): void;
  disconnect(address: string): void;
  connect(address: string, opts?: { routingId?: string }): void;
  subscribe(...topics: Array<string | Buffer>): void;
  unsubscribe(...topics: Array<string | Buffer>): void;
  join(...groups: Array<string | Buffer>): void;
  leave(...groups: Array<string | Buffer>): void;
  // Present natively on every kind (zeromq.js's allowMethods removes none).
  send(message: unknown, opts?: { routingId?: number; group?: string | Buffer }): Promise<void>;
  receive(): Promise<unknown[]>;
  setInt32Option(id: number, value: number): void;
}

const ZMQ_SNDTIMEO = 28;
const POKE = Object.freeze({ routingId: 0 });

const NONE: readonly Message[] = Object.freeze([]);

export class ZeromqSocket implements EngineSocket {
  sendTimeout: number;
  readonly sendsWhileWaiting: boolean;
  readonly #socket: zmq.Socket;
  // The draft kinds with an envelope (kinds.ts framing): a routing id or group travels beside
  // the body in zeromq.js ([body, { routingId }]), as the first frame in sluice.
  readonly #envelope: "routingId" | "group" | undefined;

  // receiving: flooding (receiveTimeout 0) or trickling (-1), P16
  #flooding = true;
  #quick = 0; // messages in a row that were already queued when a trickling receive asked
  #waiting = false; // a receive waits inside zeromq.js's poller (trickling)

  // sending
  readonly #waits: WriteWaits;

  constructor(socket: zmq.Socket, info: KindInfo, sendTimeout: number) {
    this.#socket = socket;
    this.sendsWhileWaiting = !info.canRecv; // a parked send (write-waits.ts)
    this.#envelope = info.framing?.envelope;
    this.#waits = new WriteWaits(socket as Writable, info.canRecv, (message) =>
      this.#envelope === undefined
        ? (socket as Writable).send(message)
        : this.#sendEnveloped(message),
    );
    this.sendTimeout = sendTimeout;
    // Every kind sends with timeout 0, those that cannot send too: #recheck's empty send must
    // take zeromq.js's synchronous path.
    (socket as unknown as Native).setInt32Option(ZMQ_SNDTIMEO, 0);
    if (info.canRecv) (socket as Readable).receiveTimeout = 0;
  }

  get closed(): boolean {
    return this.#socket.closed;
  }

  get linger(): number {
    return this.#socket.linger;
  }

  get lastEndpoint(): string | undefined {
    return this.#socket.lastEndpoint ?? undefined;
  }

  // -- receiving ------------------------------------------------------------------------------

  // Two ways to read (P16). Flooding (receiveTimeout 0): zeromq.js takes a queued message at
  // once, without its ZMQ_EVENTS check (about a third of a receive's cost); but when nothing is
  // queued that fails with EAGAIN, a rejected promise costing ~11 µs on the bench machine, and
  // a socket where messages trickle (round trips, a quiet peer) would pay that for every
  // message. So the first EAGAIN switches to trickling (receiveTimeout -1): zeromq.js asks
  // ZMQ_EVENTS once, then receives at once or waits in its poller, as plain zeromq.js code
  // does. FLOOD_AFTER messages in a row that were there at once switch back.
  async receive(sink: Sink): Promise<boolean> {
    const socket = this.#socket as Readable;
    for (;;) {
      const asked = this.#flooding ? 0 : performance.now();
      let message: Frame[];
      try {
        this.#waiting = !this.#flooding;
        message =
          this.#envelope === undefined ? await socket.receive() : await this.#receiveEnveloped();
      } catch (e) {
        this.#waiting = false;
        // While trickling, EAGAIN means the socket was closed under the pending receive.
        if (socket.closed) return false;
        if (codeOf(e) !== "EAGAIN") throw e;
        if (this.#flooding) {
          this.#flooding = false;
          this.#quick = 0;
          socket.receiveTimeout = -1;
        }
        continue;
      }
      this.#waiting = false;
      if (!this.#flooding) {
        if (performance.now() - asked >= QUICK_MS) this.#quick = 0;
        else if (++this.#quick >= FLOOD_AFTER) {
          this.#flooding = true;
          socket.receiveTimeout = 0;
        }
      }
      this.#waits.wake(); // traffic often means room: a blocked send tries again now
      if (!sink.deliver(message)) return true;
      // Trickling: let whoever took the message go first — their continuation and what it
      // puts, such as a reply — and ask zeromq to wait (ZMQ_EVENTS, then a poll registration:
      // system calls) only after: a few microtask ticks, no event-loop turn (P17).
      if (!this.#flooding) for (let i = 0; i < LET_GO_FIRST; i++) await undefined;
    }
  }

  // [body, { routingId }] or [body, { group }] from zeromq.js → [envelope, body].
  async #receiveEnveloped(): Promise<Frame[]> {
    const [body, meta] = (await this.#native.receive()) as [Buffer, Record<string, unknown>];
    const value = meta[this.#envelope!];
    let head: Buffer;
    if (typeof value === "number") {
      head = Buffer.alloc(4);
      head.writeUInt32BE(value >>> 0);
    } else head = Buffer.from(value as string | Buffer);
    return [head, body];
  }

  // -- sending --------------------------------------------------------------------------------

  // [envelope, body] (checked at the put: frames.ts framingProblem) → zeromq.js's send(body, …).
  #sendEnveloped(message: Message): Promise<void> {
    const [head, body] = message as [Buffer | Uint8Array | string, Buffer | Uint8Array | string];
    return this.#envelope === "routingId"
      ? this.#native.send(body, { routingId: Buffer.from(head as Uint8Array).readUInt32BE(0) })
      : this.#native.send(body, { group: typeof head === "string" ? head : Buffer.from(head) });
  }

  // One message at a time, each awaited before the next: sends that were not awaited one by
  // one were seen to reorder over tcp (a failed one retried after later ones had gone).
  async send(source: Source): Promise<readonly Message[]> {
    const socket = this.#socket as Writable;
    for (let message = source.next(); message !== undefined; message = source.next()) {
      try {
        // The fast path: sendTimeout is 0, so zeromq.js tries at once and the promise is
        // already settled (awaiting it costs one microtask).
        await (this.#envelope === undefined ? socket.send(message) : this.#sendEnveloped(message));
      } catch (e) {
        if (codeOf(e) === "EAGAIN") return [message];
        this.#waits.reset();
        source.failed(message, e);
        continue;
      }
      this.#waits.reset();
      source.sent(message);
    }
    return NONE;
  }

  writable(pending: Message, ms: number): Promise<boolean> {
    return this.#waits.writable(pending, ms);
  }

  wake(): void {
    this.#waits.wake();
  }

  interrupt(): void {
    this.#waits.interrupt();
  }

  close(): void {
    this.#socket.close();
  }

  // -- control --------------------------------------------------------------------------------

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

  // zeromq.js defines each option as an accessor on the class prototype (its defineOpt): a
  // getter when it can be read, a setter when it can be written.
  access(name: string): { read: boolean; write: boolean } | undefined {
    for (let p: object | null = this.#socket; p !== null && p !== Object.prototype;) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d !== undefined) {
        if (d.get === undefined && d.set === undefined) return undefined;
        return { read: d.get !== undefined, write: d.set !== undefined };
      }
      p = Object.getPrototypeOf(p) as object | null;
    }
    return undefined;
  }

  get(name: string): unknown {
    return this.#control(() => (this.#socket as unknown as Record<string, unknown>)[name]);
  }

  set(name: string, value: unknown): void {
    this.#control(() => {
      (this.#socket as unknown as Record<string, unknown>)[name] = value;
    });
  }

  get #native(): Native {
    return this.#socket as unknown as Native;
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
    if (!this.#waiting || this.#socket.closed) return;
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

  events(): AsyncIterable<zmq.Event> {
    return this.#socket.events;
  }
}
