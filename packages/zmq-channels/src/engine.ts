// The engine seam: everything the pump needs from whatever moves a socket's bytes. The lanes,
// the bridge and the pump talk only to these two interfaces; engines/zeromq.ts implements them
// over zeromq.js (one call and one promise per message).
//
// Every engine keeps these invariants:
// - A socket has at most one receive(), one send() and one writable() outstanding (one per
//   lane), and none ever delays the other direction: a blocked send never stops receiving, and
//   an unread socket never stops sending (full duplex).
// - ZeroMQ's readiness signal (ZMQ_FD) is edge-triggered: an engine re-checks readiness after
//   every wake-up and after every operation, so a message that is queued is never left unread
//   while a receive() waits, and a socket that has room never leaves a writable() waiting.
//   The control calls (bind … set) are operations too: each re-checks readiness after it ran,
//   since a call into libzmq can consume the wake-up that a waiting receive() needed.
// - Operations are batches, driven by the lane's callbacks: a receive hands messages to a Sink
//   until it says stop, a send pulls messages from a Source until one would block. An engine
//   that crosses into native code once per batch can; zeromq.js's engine awaits each message's
//   own promise inside one call, so a batch costs the lanes one await, not one per message.
// - Nothing is lost at the seam: a message a Source gave is handed to libzmq (`sent`), refused
//   (`failed`), or given back by send(); a message received is delivered to the Sink, or held
//   by the engine and delivered first by the next receive().
// - Errors carry zeromq's `code` (`EHOSTUNREACH`, …); "would block" is never an error here.
import type * as zmq from "zeromq";
import type { Frame, Message } from "./frames";
import type { KindInfo } from "./kinds";

/** Where a receive hands its messages: the receive lane. */
export interface Sink {
  /** Takes one message; false: stop after it (the lane waits for room, or for its turn). */
  deliver(message: Frame[]): boolean;
  /**
   * How many messages deliver() would take now (at least 1): an engine that receives in
   * batches takes no more from libzmq, so the pump holds no more than the lane's invariant
   * says, and what stays in libzmq is still subject to its filters (an unsubscribe).
   */
  room(): number;
}

/** Where a send takes its messages: the send lane. */
export interface Source {
  /** The next message to hand over now, or undefined to stop. */
  next(): Message | undefined;
  /** `message` was handed to libzmq. */
  sent(message: Message): void;
  /** libzmq refused `message` with `error` (not "would block"); sending goes on. */
  failed(message: Message, error: unknown): void;
}

/**
 * A socket monitor event (pump.events): zeromq.js's `Event` (`type`, `address`, and `interval` or
 * `error` where the type has one), plus `peer`: the address of the other end of the connection
 * the event is about, where the engine knows it. The native engine gives it (on a socket that
 * binds: the connecting peer's `tcp://ip:port`; on one that connects: the endpoint, as
 * `address`); the zeromq.js engine leaves it undefined (decision P36, docs/zmq.md "Monitor
 * events").
 */
export type SocketEvent = zmq.Event & {
  /** The other end's address, when the engine knows it (the native engine; see above). */
  readonly peer?: string | undefined;
};

/** Which engine moves a socket's bytes. */
export type EngineName = "zeromq" | "native";

/** Creates sockets of one engine. */
export interface Engine {
  readonly name: EngineName;
  /** The engine and the libzmq it runs, for the debug log ("zeromq (zeromq.js, libzmq 4.3.5)"). */
  describe(): string;
  /** Whether sockets of `info`'s kind have an option called `name` (checked before creating). */
  hasOption(info: KindInfo, name: string): boolean;
  /**
   * Creates a socket of `info`'s kind and sets `options` on it one at a time, so a value that
   * zeromq refuses is named; the socket is then closed and a TypeError thrown.
   */
  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket;
  /**
   * The libzmq context this engine's sockets live in, as a key: inproc endpoints, and the ZAP
   * handler (one per context, zap.ts), are the context's.
   */
  readonly context: object;
  /**
   * A ROUTER with linger 0 in this engine's context, bound now (synchronously) to `address`:
   * the ZAP handler (zap.ts). Throws zeromq's error (code `EADDRINUSE`: taken); the socket is
   * then closed.
   */
  boundRouter(address: string): EngineSocket;
  /** The pump has closed every socket it made (the native engine ends its context). */
  close?(): void;
}

/** One socket as an engine drives it. */
export interface EngineSocket {
  /** Whether the socket is closed (a native call on zeromq.js: not once per message). */
  readonly closed: boolean;
  /** The socket's linger (ms; -1: forever). */
  readonly linger: number;
  /** The last endpoint bound or connected, as zeromq resolved it. */
  readonly lastEndpoint: string | undefined;
  /** Whether writable() may hand its `pending` message over while it waits. */
  readonly sendsWhileWaiting: boolean;
  /** The user's sendTimeout: how long a blocked send may wait before it is reported (-1: forever). */
  sendTimeout: number;

  /**
   * Receives messages and hands each to `sink.deliver` until it returns false; waits for the
   * first when none is queued. Resolves true when the sink said stop, false once the socket is
   * closed (nothing more will come). Rejects with an error carrying zeromq's code.
   */
  receive(sink: Sink): Promise<boolean>;
  /**
   * Pulls messages from `source` and hands them to libzmq until `next()` returns undefined or
   * one would block. Returns the messages pulled but not handed over, the one that would block
   * first (`[]` when all went); synchronously when the engine can.
   */
  send(source: Source): readonly Message[] | Promise<readonly Message[]>;
  /**
   * Waits until a send may succeed, for at most `ms` (-1: no limit), or until wake() or
   * interrupt(). `pending` is the message the send lane holds: an engine that can only wait by
   * sending (zeromq.js on a socket that cannot receive) hands it over while it waits and
   * resolves `true`; otherwise it resolves `false` and the lane tries send() again. Rejects
   * with the error of a send made while waiting.
   */
  writable(pending: Message, ms: number): Promise<boolean>;
  /** Ends a writable() wait early (the lane has news: the send channel closed). */
  wake(): void;
  /** Ends a writable() wait for good: the socket closes next (zeromq.js may close it now). */
  interrupt(): void;
  /** Closes the socket (idempotent); a pending receive() then resolves false. */
  close(): void;

  // -- control: each call re-checks readiness after it ran (see the invariants) ---------------

  /** Binds and resolves the address zeromq bound (a `tcp://…:*` gets its port). */
  bind(address: string): Promise<string>;
  /** Stops listening on `address` (a bound address as zeromq resolved it). */
  unbind(address: string): Promise<void>;
  /**
   * Connects (zeromq connects in the background and reconnects). `routingId`: the peer's
   * routing id on a kind that routes (ZMQ_CONNECT_ROUTING_ID).
   */
  connect(address: string, routingId?: string): void;
  /** Ends the connection to `address` (as given to connect). */
  disconnect(address: string): void;
  /** SUB: subscribes to each topic (`""` is everything); unsubscribe drops one subscription each. */
  subscribe(topics: ReadonlyArray<string | Buffer>): void;
  unsubscribe(topics: ReadonlyArray<string | Buffer>): void;
  /** DISH: joins or leaves each group. */
  join(groups: ReadonlyArray<string | Buffer>): void;
  leave(groups: ReadonlyArray<string | Buffer>): void;
  /** Whether the socket has an option called `name` that can be read, and written. */
  access(name: string): { read: boolean; write: boolean } | undefined;
  /** The option's value (an option `access` says can be read). */
  get(name: string): unknown;
  /** Sets the option; throws zeromq's error for a value it refuses. */
  set(name: string, value: unknown): void;

  /**
   * The socket's monitor events, ending when the socket closes. Throws when the monitor
   * cannot start. Iterate it once.
   */
  events(): AsyncIterable<SocketEvent>;
}
