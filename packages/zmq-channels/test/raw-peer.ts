// A socket of the test's own beside a pump's socket, which the pump does not own, in the same
// libzmq context as the pump's engine (inproc connects only sockets of one engine, P40): a
// zeromq.js socket beside a zeromq.js pump, a bare socket of the native addon beside a native
// one. Sends are tries made now (sendTimeout 0), synchronously into libzmq, which the
// swallowed-edge tests need (the message is queued at the pump's socket before the control
// call that follows runs); a send that would block rejects with code EAGAIN, as zeromq.js's does.
import * as zmq from "zeromq";
import type { EngineName } from "../src/engine";
import { FRAME_SLOTS, META_FRAMES, TYPES } from "../src/engines/native-addon";
import { NativeReceived } from "../src/engines/native-received";
import { loadNative } from "../src/engines/native";
import { optionCall } from "../src/engines/native-options";
import { KINDS } from "../src/kinds";
import { sleep } from "./helpers";

export interface RawPeer {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  /** One single-frame message handed to libzmq now: rejects with code EAGAIN when it would block. */
  send(message: string | Buffer): Promise<void>;
  /** The next message, or an Error after `ms`. */
  receive(ms?: number): Promise<Buffer[]>;
  close(): void;
}

type PeerKind = "push" | "dealer" | "xpub" | "client";
type PeerOptions = { sendHighWaterMark?: number; receiveHighWaterMark?: number };

/** A peer of `kind` on `engine` (a pump's `engine`) with linger 0, sendTimeout 0 and `options`. */
export function rawPeer(engine: EngineName, kind: PeerKind, options: PeerOptions = {}): RawPeer {
  return engine === "native" ? nativePeer(kind, options) : zeromqPeer(kind, options);
}

function zeromqPeer(kind: PeerKind, options: PeerOptions): RawPeer {
  const all = { ...options, sendTimeout: 0, linger: 0 };
  const socket: zmq.Socket & zmq.Writable & Partial<zmq.Readable> =
    kind === "push"
      ? new zmq.Push(all)
      : kind === "dealer"
        ? new zmq.Dealer(all)
        : kind === "xpub"
          ? new zmq.XPublisher(all)
          : new (require("zeromq/draft") as typeof import("zeromq/draft")).Client(all);
  return {
    bind: (endpoint) => socket.bind(endpoint),
    connect: (endpoint) => socket.connect(endpoint),
    send: (message) => socket.send(message),
    receive: async (ms = 2000) => {
      if (socket.receive === undefined) throw new Error(`a raw ${kind} does not receive`);
      socket.receiveTimeout = ms;
      return (await socket.receive()) as Buffer[];
    },
    close: () => socket.close(),
  };
}

// The native context is a native pump's: the test keeps one open while the peer lives.
function nativePeer(kind: PeerKind, options: PeerOptions): RawPeer {
  const native = loadNative();
  if ("error" in native) throw new Error(`rawPeer: ${native.error}`);
  const meta = new Float64Array(META_FRAMES + FRAME_SLOTS);
  const handle = new native.binding.Socket(TYPES[kind], () => undefined, meta); // never watched
  for (const [name, value] of Object.entries({ ...options, linger: 0 })) {
    const call = optionCall(KINDS[kind], name, value)!;
    handle.setOption(call.type, call.id, call.value);
  }
  return {
    bind: async (endpoint) => void handle.bind(endpoint),
    connect: (endpoint) => void handle.connect(endpoint),
    send: (message) =>
      handle.send([[message]]) === 1
        ? Promise.resolve()
        : Promise.reject(Object.assign(new Error("would block"), { code: "EAGAIN" })),
    receive: async (ms = 2000) => {
      for (const until = Date.now() + ms; Date.now() < until; await sleep(1)) {
        const batch = handle.recv(1, 1 << 20);
        if (batch === undefined) continue;
        const received = new NativeReceived(); // the engine's own reading of a batch
        received.slice(batch, meta);
        return received.next() as Buffer[];
      }
      throw new Error(`the raw ${kind} received nothing within ${ms} ms`);
    },
    close: () => handle.close(),
  };
}
