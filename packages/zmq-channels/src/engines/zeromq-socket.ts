// One socket on the zeromq.js engine: one zeromq.js call and one promise per message. Its parts:
// receiving (zeromq-receive.ts), waiting for room (write-waits.ts), control (zeromq-control.ts).
//
// Invariants (zeromq.js 6.8.0; docs/zmq.md "What zeromq.js 6.8.0 does"):
// - Every socket runs with sendTimeout 0 and receiveTimeout 0, the synchronous fast path:
//   zeromq.js tries at once, without its ZMQ_EVENTS check, and returns a settled promise (P1).
// - Nothing here reads `socket.readable`/`socket.writable`, and on a socket that also receives
//   only a receive ever waits inside zeromq.js: either would run ZMQ_EVENTS, which can swallow
//   the wake-up of the other direction's pending operation (P2). How a send waits for room
//   instead is write-waits.ts.
// - After every control call the socket is re-checked for readiness (P28): the control calls
//   and the re-check are zeromq-control.ts.
import type * as zmq from "zeromq";
import type { EngineSocket, SocketEvent, Sink, Source } from "../engine";
import { codeOf } from "../errors";
import { changedAfterPut, messageProblem, type Message } from "../frames";
import type { KindInfo } from "../kinds";
import { InprocClaims } from "./inproc";
import { type Native, ZeromqControl } from "./zeromq-control";
import { ZeromqReceiver } from "./zeromq-receive";
import { WriteWaits } from "./write-waits";

type Writable = zmq.Socket & zmq.Writable;
type Readable = zmq.Socket & zmq.Readable;

const ZMQ_SNDTIMEO = 28;

const NONE: readonly Message[] = Object.freeze([]);

export class ZeromqSocket implements EngineSocket {
  sendTimeout: number;
  readonly sendsWhileWaiting: boolean;
  readonly #socket: zmq.Socket;
  // The draft kinds with an envelope (kinds.ts framing): a routing id or group travels beside
  // the body in zeromq.js ([body, { routingId }]), as the first frame in sluice.
  readonly #envelope: "routingId" | "group" | undefined;

  readonly #receiver: ZeromqReceiver;

  // sending
  readonly #waits: WriteWaits;
  readonly #ctl: ZeromqControl;
  readonly #inproc: InprocClaims; // what this socket binds and connects over inproc
  // Closed by this engine (close(), or the close deadline's interrupt). The lanes check it
  // before each call: zeromq.js throws from native code on a closed socket, which aborts a
  // process run with --abort-on-uncaught-exception even inside a try, and its own `closed` is
  // a native call too (~100 ns a message).
  #ended = false;

  /** `inproc`: the claims of a socket adopted with an inproc endpoint already (engines/zeromq.ts). */
  constructor(
    socket: zmq.Socket,
    info: KindInfo,
    sendTimeout: number,
    inproc = new InprocClaims("zeromq"),
  ) {
    this.#socket = socket;
    this.#inproc = inproc;
    this.sendsWhileWaiting = !info.canRecv; // a parked send (write-waits.ts)
    this.#envelope = info.framing?.envelope;
    this.#waits = new WriteWaits(
      socket as Writable,
      info.canRecv,
      (message) => this.#sendOne(message),
      () => this.close(),
    );
    this.#receiver = new ZeromqReceiver(
      socket as Readable,
      this.#envelope,
      this.#waits,
      () => this.#ended,
    );
    const waiting = (): boolean => this.#receiver.waiting;
    this.#ctl = new ZeromqControl(socket, this.#waits, this.#envelope, waiting);
    this.sendTimeout = sendTimeout;
    // Every kind sends with timeout 0, those that cannot send too: the re-check's empty send must
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

  receive(sink: Sink): Promise<boolean> {
    return this.#receiver.receive(sink);
  }

  // -- sending --------------------------------------------------------------------------------

  // One message, as its kind frames it (the send lane's and a parked send's).
  #sendOne(message: Message): Promise<void> {
    return this.#envelope === undefined
      ? (this.#socket as Writable).send(message as zmq.MessageLike | zmq.MessageLike[]) // (only read)
      : this.#sendEnveloped(message);
  }

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
    for (let message = source.next(); message !== undefined; message = source.next()) {
      if (messageProblem(message) !== undefined) {
        // changed after its put: zeromq.js would send its numbers and objects as text (P61)
        source.failed(message, changedAfterPut(message));
        continue;
      }
      if (this.#ended) {
        source.failed(message, closedSocket()); // (closed by the deadline between two sends)
        continue;
      }
      try {
        // The fast path: sendTimeout is 0, so zeromq.js tries at once and the promise is
        // already settled (awaiting it costs one microtask).
        await this.#sendOne(message);
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
    this.#ended = true;
    this.#socket.close();
    this.#inproc.dropAll();
  }

  // -- control: ZeromqControl ----------------------------------------------------------------

  bind(address: string): Promise<string> {
    return this.#inproc.bind(address, () => this.#ctl.bind(address));
  }
  unbind(address: string): Promise<void> {
    return this.#inproc.unbind(address, () => this.#ctl.unbind(address));
  }
  connect(address: string, routingId?: string): void {
    this.#inproc.connect(address, () => this.#ctl.connect(address, routingId));
  }
  disconnect(address: string): void {
    this.#inproc.disconnect(address, () => this.#ctl.disconnect(address));
  }
  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#ctl.subscribe(topics);
  }
  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#ctl.unsubscribe(topics);
  }
  join(groups: ReadonlyArray<string | Buffer>): void {
    this.#ctl.join(groups);
  }
  leave(groups: ReadonlyArray<string | Buffer>): void {
    this.#ctl.leave(groups);
  }
  access(name: string): { read: boolean; write: boolean } | undefined {
    return this.#ctl.access(name);
  }
  get(name: string): unknown {
    return this.#ctl.get(name);
  }
  set(name: string, value: unknown): void {
    this.#ctl.set(name, value);
  }

  get #native(): Native {
    return this.#socket as unknown as Native;
  }

  events(): AsyncIterable<SocketEvent> {
    return this.#socket.events;
  }
}

// What zeromq.js throws for a send on a closed socket.
function closedSocket(): Error {
  return Object.assign(new Error("Socket is closed"), { code: "EBADF", errno: 9 });
}
