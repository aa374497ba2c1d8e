// The public face of one socket: its two channels, its close, its endpoints, and its control
// calls (control.ts).
import type { Channel } from "@sluice/channels";
import type { SocketControl } from "./control";
import type { Frame, Message } from "./frames";

/**
 * One socket as channels [Go: a pair of channels owned by a goroutine that owns the socket].
 * Returned by `pump.socket()` and `pump.register()`; close `send` to close the socket. The
 * control methods (`subscribe`, `bind`, `connect`, `get`, `set`, …) are queued to the pump and
 * run between the socket's operations; each is a closure, so they can be destructured.
 * @example
 * const { send, recv, closed } = await pump.socket("dealer", { connect: "tcp://127.0.0.1:5555" });
 * await send.put(["", "hello"]);
 * send.close(); // sends what was put, then closes the socket
 * await closed;
 */
export interface Sockets extends SocketControl {
  /** Put messages to send; close it to close the socket once what was put has gone. */
  readonly send: Channel<Message>;
  /** Messages that arrived; closes after the socket closed and every one was delivered. */
  readonly recv: Channel<Frame[]>;
  /** Settles when the socket is closed. Never rejects. */
  readonly closed: Promise<void>;
  /**
   * Resolved endpoints (a bound `tcp://127.0.0.1:*` shows its port); follows bind, connect,
   * unbind and disconnect once each resolves.
   */
  readonly endpoints: readonly string[];
}
