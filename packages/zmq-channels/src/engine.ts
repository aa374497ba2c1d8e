// The engine seam: everything the pump needs from whatever moves a socket's bytes. The lanes,
// the bridge and the pump talk only to these two interfaces; engines/zeromq.ts implements them
// over zeromq.js (one call and one promise per message).
//
// Every engine keeps these invariants:
// - A socket has at most one receive() and one writable() outstanding at a time (one per lane),
//   and neither ever delays the other direction: a blocked send never stops receiving, and an
//   unread socket never stops sending (full duplex).
// - ZeroMQ's readiness signal (ZMQ_FD) is edge-triggered: an engine re-checks readiness after
//   every wake-up and after every operation, so a message that is queued is never left unread
//   while a receive() waits, and a socket that has room never leaves a writable() waiting.
// - Operations are batches (a receive returns up to `max` messages; a send hands over messages
//   until one would block), so an engine that crosses into native code once per batch can;
//   `batch` says how many one call may carry. A message is handed over whole or not at all.
// - Errors carry zeromq's `code` (`EHOSTUNREACH`, …); "would block" is never an error here:
//   send() returns 0 and receive() waits.
import type * as zmq from "zeromq";
import type { Frame, Message } from "./frames";
import type { KindInfo } from "./kinds";

/** Which engine moves a socket's bytes. */
export type EngineName = "zeromq" | "native";

/** Creates sockets of one engine. */
export interface Engine {
  readonly name: EngineName;
  /** Whether sockets of `info`'s kind have an option called `name` (checked before creating). */
  hasOption(info: KindInfo, name: string): boolean;
  /**
   * Creates a socket of `info`'s kind and sets `options` on it one at a time, so a value that
   * zeromq refuses is named; the socket is then closed and a TypeError thrown.
   */
  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket;
}

/** One socket as an engine drives it. */
export interface EngineSocket {
  /** How many messages one receive() returns, and one send() hands over, at most. */
  readonly batch: number;
  /** Whether the socket is closed (a native call on zeromq.js: not once per message). */
  readonly closed: boolean;
  /** The socket's linger (ms; -1: forever). */
  readonly linger: number;
  /** The last endpoint bound or connected, as zeromq resolved it. */
  readonly lastEndpoint: string | undefined;
  /** The user's sendTimeout: how long a blocked send may wait before it is reported (-1: forever). */
  readonly sendTimeout: number;

  /**
   * Messages queued now, at most `max`; when none is, waits for the first. Resolves `[]` once
   * the socket closed under the wait. Rejects with an error carrying zeromq's code.
   */
  receive(max: number): Promise<Frame[][]>;
  /**
   * Hands `batch[from]`, `batch[from + 1]`, … to libzmq until one would block; returns how many
   * went (0: the first would block). A failure other than "would block" throws or rejects with
   * its error; the message that failed is `batch[from + n]`, n the messages that went before
   * it in this call (an engine that may fail after sending some sends one per call).
   */
  send(batch: readonly Message[], from: number): number | Promise<number>;
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
  /** Closes the socket (idempotent); a pending receive() then resolves `[]`. */
  close(): void;

  /** Binds and resolves the address zeromq bound (a `tcp://…:*` gets its port). */
  bind(address: string): Promise<string>;
  /** Connects (zeromq connects in the background and reconnects). */
  connect(address: string): void;
  /** SUB: subscribes to each topic (`""` is everything). */
  subscribe(topics: readonly string[]): void;
  /**
   * The socket's monitor events, ending when the socket closes. Throws when the monitor
   * cannot start. Iterate it once.
   */
  events(): AsyncIterable<zmq.Event>;
}
