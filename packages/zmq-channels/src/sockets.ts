// The public face of one socket: its two channels, its close, its endpoints.
import type { Channel } from "@sluice/channels";
import type { Frame, Message } from "./frames";

/**
 * One socket as channels [Go: a pair of channels owned by a goroutine that owns the socket].
 * Returned by `pump.socket()` and `pump.register()`; close `send` to close the socket.
 * @example
 * const { send, recv, closed } = await pump.socket("dealer", { connect: "tcp://127.0.0.1:5555" });
 * await send.put(["", "hello"]);
 * send.close(); // sends what was put, then closes the socket
 * await closed;
 */
export interface Sockets {
  /** Put messages to send; close it to close the socket once what was put has gone. */
  readonly send: Channel<Message>;
  /** Messages that arrived; closes after the socket closed and every one was delivered. */
  readonly recv: Channel<Frame[]>;
  /** Settles when the socket is closed. Never rejects. */
  readonly closed: Promise<void>;
  /** Resolved endpoints (a bound `tcp://127.0.0.1:*` shows its port). */
  readonly endpoints: readonly string[];
}
