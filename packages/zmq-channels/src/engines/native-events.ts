// libzmq's monitor frames, decoded into the events the zeromq.js engine gives (zeromq.js 6.8.0
// src/observer.cc: the same names, `address`, `interval` and `error`), plus `peer`, which the
// native engine can read and zeromq.js cannot (decision P36).
//
// Invariants:
// - `address` is what libzmq's version-1 monitor reports, on both versions: on the side that
//   binds, the bound endpoint; on the side that connects, the endpoint connected to. A version-2
//   event carries both ends (local, remote) but not which side it is on: an event whose local
//   end is one of the socket's bound endpoints (tcp: the same port) is on the binding side.
// - `peer` is the other end's address when it has one: the connecting peer's endpoint
//   (tcp://ip:port) on the binding side, the endpoint connected to on the connecting side. An
//   ipc peer that never bound a path has none (libzmq says "ipc://"): no `peer`. Version 1
//   knows it only for `accept`.
// - An `accept` whose remote end is empty (libzmq 4.3.5 releases) gets it from the accepted
//   descriptor, and only when that descriptor's local end is still the event's.
import type { SocketEvent } from "../engine";

/** One monitor message: its frames as received. */
type Frames = readonly Buffer[];

/** What decoding needs from the addon: an errno's Error, a descriptor's two ends. */
export interface EventSources {
  /** The Error of an errno, with zeromq's `code` (the addon's error()). */
  errorOf(errno: number): Error;
  /** [local, remote] of a connected socket descriptor, or undefined (the addon's names()). */
  namesOf(fd: number): readonly [string, string] | undefined;
  /** The endpoints the socket bound, as libzmq resolved them. */
  bound(): Iterable<string>;
}

const NAMES: Readonly<Record<number, string>> = {
  0x0001: "connect",
  0x0002: "connect:delay",
  0x0004: "connect:retry",
  0x0008: "bind",
  0x0010: "bind:error",
  0x0020: "accept",
  0x0040: "accept:error",
  0x0080: "close",
  0x0100: "close:error",
  0x0200: "disconnect",
  0x0400: "end",
  0x0800: "handshake:error:other",
  0x1000: "handshake",
  0x2000: "handshake:error:protocol",
  0x4000: "handshake:error:auth",
};
const ACCEPTED = 0x0020;
const ERRNO_EVENTS = new Set([0x0010, 0x0040, 0x0100, 0x0800]);

// zmq.h's ZMQ_PROTOCOL_ERROR_*, named as zeromq.js names them.
const PROTOCOL: Readonly<Record<number, string>> = {
  0x10000000: "ZMTP_UNSPECIFIED",
  0x10000001: "ZMTP_UNEXPECTED_COMMAND",
  0x10000002: "ZMTP_INVALID_SEQUENCE",
  0x10000003: "ZMTP_KEY_EXCHANGE",
  0x10000011: "ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
  0x10000012: "ZMTP_MALFORMED_COMMAND_MESSAGE",
  0x10000013: "ZMTP_MALFORMED_COMMAND_HELLO",
  0x10000014: "ZMTP_MALFORMED_COMMAND_INITIATE",
  0x10000015: "ZMTP_MALFORMED_COMMAND_ERROR",
  0x10000016: "ZMTP_MALFORMED_COMMAND_READY",
  0x10000017: "ZMTP_MALFORMED_COMMAND_WELCOME",
  0x10000018: "ZMTP_INVALID_METADATA",
  0x11000001: "ZMTP_CRYPTOGRAPHIC",
  0x11000002: "ZMTP_MECHANISM_MISMATCH",
  0x20000000: "ZAP_UNSPECIFIED",
  0x20000001: "ZAP_MALFORMED_REPLY",
  0x20000002: "ZAP_BAD_REQUEST_ID",
  0x20000003: "ZAP_BAD_VERSION",
  0x20000004: "ZAP_INVALID_STATUS_CODE",
  0x20000005: "ZAP_INVALID_METADATA",
};
const AUTH: Readonly<Record<number, string>> = {
  300: "Temporary error",
  400: "Authentication failure",
  500: "Internal error",
};

/**
 * Decodes one monitor message of `version` (1: [event u16 + value u32, address]; 2: [event,
 * count, …values, local, remote], u64 little-endian). Throws on frames of another shape.
 */
export function decodeEvent(version: 1 | 2, frames: Frames, sources: EventSources): SocketEvent {
  const raw = version === 2 ? readV2(frames) : readV1(frames);
  const type = NAMES[raw.id] ?? "unknown";
  let { address, peer } = raw;
  if (raw.id === ACCEPTED && peer === undefined && address !== undefined) {
    peer = acceptedPeer(raw.value, address, sources);
  }
  if (version === 2 && raw.local !== "" && raw.remote !== "") {
    const bindSide = isBound(raw.local, sources.bound());
    address = bindSide ? raw.local : raw.remote;
  }
  if (peer === "ipc://") peer = undefined; // a connecting ipc socket has no path
  const event: Record<string, unknown> = { type };
  if (address !== undefined && address !== "") event.address = address;
  if (peer !== undefined && peer !== "") event.peer = peer;
  const extra = details(raw.id, raw.value, sources);
  if (extra !== undefined) Object.assign(event, extra);
  return event as unknown as SocketEvent;
}

interface Raw {
  id: number;
  value: number;
  address: string | undefined; // version 1's one address, or version 2's unambiguous one
  peer: string | undefined;
  local: string;
  remote: string;
}

function readV1(frames: Frames): Raw {
  const head = frames[0];
  if (frames.length !== 2 || head === undefined || head.length !== 6) throw shape(1, frames);
  const address = frames[1]!.toString();
  return {
    id: head.readUInt16LE(0),
    value: head.readUInt32LE(2),
    address,
    peer: undefined,
    local: address,
    remote: "",
  };
}

function readV2(frames: Frames): Raw {
  const word = (i: number): number => {
    const f = frames[i];
    if (f === undefined || f.length !== 8) throw shape(2, frames);
    return Number(f.readBigUInt64LE(0));
  };
  const id = word(0);
  const count = word(1);
  if (frames.length !== count + 4) throw shape(2, frames);
  const value = count > 0 ? word(2) : 0;
  const local = frames[count + 2]!.toString();
  const remote = frames[count + 3]!.toString();
  // One end empty: an event of a listener (local) or of a connecter (remote), as in version 1.
  const address = local === "" ? remote : remote === "" ? local : undefined;
  return { id, value, address, peer: remote === "" ? undefined : remote, local, remote };
}

// The peer of an accepted connection from its descriptor, which the event carries. The number
// may name another socket by the time the event is read (the connection ended, the number was
// reused): it counts only if its local end is the listener's.
function acceptedPeer(fd: number, listener: string, sources: EventSources): string | undefined {
  const names = sources.namesOf(fd);
  if (names === undefined || !sameEnd(names[0], listener)) return undefined;
  return names[1];
}

function isBound(local: string, bound: Iterable<string>): boolean {
  for (const endpoint of bound) if (sameEnd(local, endpoint)) return true;
  return false;
}

// Whether two endpoints are the same listening end: tcp by port (a wildcard bind,
// tcp://0.0.0.0:5555, accepts on tcp://127.0.0.1:5555), anything else as written.
export function sameEnd(a: string, b: string): boolean {
  if (a === b) return true;
  const tcp = /^tcp:\/\/.*:(\d+)$/;
  const pa = tcp.exec(a);
  const pb = tcp.exec(b);
  return pa !== null && pb !== null && pa[1] === pb[1];
}

function details(id: number, value: number, sources: EventSources): object | undefined {
  if (id === 0x0004) return { interval: value };
  if (ERRNO_EVENTS.has(id)) return { error: sources.errorOf(value) };
  if (id === 0x2000) {
    const name = PROTOCOL[value];
    const kind = name?.startsWith("ZAP") ? "ZAP" : "ZMTP";
    const error = new Error(name === undefined ? "Unknown error" : `${kind} protocol error`);
    return {
      error: Object.assign(error, { code: name === undefined ? "ERR_UNKNOWN" : `ERR_${name}` }),
    };
  }
  if (id === 0x4000) {
    return { error: Object.assign(new Error(AUTH[value] ?? "Unknown error"), { status: value }) };
  }
  return undefined;
}

function shape(version: number, frames: Frames): Error {
  const sizes = frames.map((f) => f.length).join(", ");
  return new Error(`sluice bug: a version-${version} monitor message of frames [${sizes}]`);
}
