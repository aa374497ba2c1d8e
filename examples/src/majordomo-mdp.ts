// majordomo's wire format: the guide's Majordomo Protocol, 7/MDP as its programs speak it
// (https://rfc.zeromq.org/spec/7/, headers MDPC01 and MDPW01). Kept in one place so the broker,
// the worker and the client cannot disagree about a frame.
//
//   client → broker   [("" by REQ), "MDPC01", service, ...request]
//   broker → client   [("" for REQ), "MDPC01", service, ...reply]
//   worker ↔ broker   ["", "MDPW01", command, ...]   (the broker's ROUTER adds/strips the worker id)
//     READY       0x01  worker → broker   [service]
//     REQUEST     0x02  broker → worker   [client, "", ...request]
//     REPLY       0x03  worker → broker   [client, "", ...reply]
//     HEARTBEAT   0x04  either way        []
//     DISCONNECT  0x05  either way        []
//
// No frame carries an id of the request, and the broker reads exactly [sender, "", header]: so
// sluice's requester() (an id frame before the delimiter) cannot speak to it, and serve() (a
// ROUTER or REP answering the envelope) is not what a DEALER worker does. Each role is written
// with channels, select and timeout instead (decision R11).

import { chan, type Channel } from "@sluice/channels";

export const CLIENT = "MDPC01";
export const WORKER = "MDPW01";

export const READY = Buffer.from([1]);
export const REQUEST = Buffer.from([2]);
export const REPLY = Buffer.from([3]);
export const HEARTBEAT = Buffer.from([4]);
export const DISCONNECT = Buffer.from([5]);

export const EMPTY = Buffer.alloc(0);

/** Heartbeats missed before a peer counts as dead (the guide's HEARTBEAT_LIVENESS). */
export const LIVENESS = 3;

/** The guide's heartbeat interval, and a client's timeout and retries (mdbroker, mdcliapi). */
export const HEARTBEAT_MS = 2500;
export const TIMEOUT_MS = 2500;
export const RETRIES = 3;

/**
 * A channel that closes after `ms`, like `timeout(ms)`, but whose timer does not keep the
 * process alive: a role that has stopped exits at once, not a heartbeat later. (The open
 * sockets keep a running role alive.)
 */
export function tick(ms: number): Channel<never> {
  const ch = chan<never>();
  setTimeout(() => ch.close(), ms).unref();
  return ch;
}

/** Whether `frame` is the text `text` (a header) or the one-byte command `command`. */
export function is(frame: Buffer | undefined, expected: string | Buffer): boolean {
  return frame !== undefined && frame.equals(Buffer.from(expected));
}
