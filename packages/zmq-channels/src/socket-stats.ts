// What `pump.stats()` says of one socket (SocketStats), read off its bridge's channels and lanes.
import type { Channel } from "@sluice/channels";
import type { Frame, Message } from "./frames";
import type { KindInfo } from "./kinds";
import type { ReceiveLane } from "./receive-lane";
import type { SendLane } from "./send-lane";

/** One socket in `pump.stats()`. */
export interface SocketStats {
  /** The socket's kind. */
  kind: string;
  /** Its endpoints, as `Sockets.endpoints`. */
  endpoints: string[];
  /** Messages handed to libzmq. */
  sent: number;
  /** Messages taken from libzmq. */
  received: number;
  /** Messages put (or transmitted) that have not been handed to libzmq yet. */
  sendQueued: number;
  /** Messages on `recv` that nobody has taken yet. */
  recvQueued: number;
  /** Whether a send waits now for the socket to take it (high-water mark, no peer). */
  blocked: boolean;
  /** PumpErrors about this socket so far (on `errors`, dropped, or a transmit's rejection). */
  errors: number;
}

// Values waiting on a channel; a user's buffer that does not count them says NaN: 0 here.
function lengthOf(ch: Channel<unknown>): number {
  const n = ch.length;
  return Number.isNaN(n) ? 0 : n;
}

/** One socket's SocketStats, from its bridge's parts (`errors`: PumpErrors made about it). */
export function socketStats(
  info: KindInfo,
  endpoints: readonly string[],
  send: Channel<Message>,
  recv: Channel<Frame[]>,
  lanes: { sendLane: SendLane; receiveLane: ReceiveLane; errors: number },
): SocketStats {
  const lane = lanes.sendLane;
  return {
    kind: info.kind,
    endpoints: [...endpoints],
    sent: lane.sentCount,
    received: lanes.receiveLane.received,
    sendQueued: lengthOf(send) + lane.held,
    recvQueued: lengthOf(recv),
    blocked: lane.blocked,
    errors: lanes.errors,
  };
}
