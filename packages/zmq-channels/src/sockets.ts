// The public face of one socket: its two channels, its close, its endpoints, and its control
// calls (control.ts); bridgedSockets() makes it for a bridge.
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
  /**
   * Put messages to send; close it to close the socket once what was put has gone. A Buffer
   * put here must not change afterwards: big frames go without a copy (docs/zmq.md "Buffers").
   */
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
  /**
   * Sends one message with its own outcome [no core.async counterpart]: resolves once it is
   * handed to libzmq; rejects with the PumpError that would otherwise have gone on
   * `pump.errors` (it then does not go there). It goes out after everything this socket's
   * send lane had taken and everything the pump's own `send` channel held at the call, and
   * counts towards `send`'s pending-put limit. An abort withdraws it until it is handed to
   * libzmq; after that it has no effect. (On the zeromq.js engine a push or pub waiting for
   * room holds the message inside zeromq.js: there an abort takes effect within 10 ms,
   * unless the message went out meanwhile.)
   * @throws (rejects) TypeError for a kind that cannot send or a value that is not a Message;
   *   Error once `send` was closed.
   * @example await sockets.transmit(["", "hello"], { signal: AbortSignal.timeout(1000) });
   */
  readonly transmit: (
    message: Message,
    opts?: { signal?: AbortSignal | undefined },
  ) => Promise<void>;
}

/** A bridge's Sockets: frozen, `endpoints` read through at each access. */
export function bridgedSockets(
  send: Channel<Message>,
  recv: Channel<Frame[]>,
  closed: Promise<void>,
  endpoints: () => readonly string[],
  transmit: Sockets["transmit"],
  control: SocketControl,
): Sockets {
  return Object.freeze({
    send,
    recv,
    closed,
    get endpoints() {
      return endpoints();
    },
    transmit,
    ...control,
  });
}
